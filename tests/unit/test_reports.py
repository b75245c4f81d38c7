"""The periodic report counts what the data says, in the official layout."""

from datetime import date

from app.services.reporting import reports
from tests.fixtures import reference_month


def test_reference_month_figures(ctx):
    reference_month.build()
    report = reports.build(*reference_month.MONTH, rule="national")
    t = report.total.counts
    assert t["received"] == 9415 and t["carried_over"] == 0
    assert t["received_online"] + t["received_counter_post"] == 9415
    assert (t["resolved"], t["early"], t["on_time"], t["overdue"]) == (5732, 3975, 1716, 41)
    assert [report.total.share(k) for k in ("early", "on_time", "overdue")] == ["69.35", "29.93", "0.72"]
    assert t["in_progress"] == 9415 - 5732 and t["past"] == 0
    assert len(report.late_agencies) == 7 and len(report.rows) == 20
    assert report.ratings_total == 99 and report.rating_share(1) == 0
    # QĐ 766: 100 − 0.72 (overdue) − 0 (dissatisfied)
    assert report.satisfaction_index == 99.28


def test_the_next_month_carries_the_open_ones_over(ctx):
    reference_month.build()
    march = reports.build(date(2020, 3, 1), date(2020, 3, 31))
    t = march.total.counts
    assert t["carried_over"] == 9415 - 5732 == t["received"]
    assert t["resolved"] == 0 and t["in_progress"] == 9415 - 5732
    assert t["past"] == 9415 - 5732  # their appointment (3 March) has passed by 31 March


def test_national_rule_counts_repeated_supplements_as_overdue(ctx):
    from app.extensions import db
    from app.models import Dossier

    reference_month.build()
    early = db.session.execute(db.select(Dossier).where(Dossier.clock_stopped_on < Dossier.due_date)
                               .limit(1)).scalar_one()
    early.supplement_count = 2
    db.session.commit()
    national = reports.build(*reference_month.MONTH, rule="national").total.counts
    centre = reports.build(*reference_month.MONTH, rule="centre").total.counts
    assert (national["early"], national["overdue"]) == (3974, 42)
    assert (centre["early"], centre["overdue"]) == (3975, 41)


def test_carried_over_counts_what_finished_during_the_period_and_not_before(ctx):
    """Accepted before the period: counted if still open at its start, wherever it ended."""
    from datetime import datetime

    from app.extensions import db
    from app.models import Status
    from tests.factories import make_dossier, make_procedure

    proc = make_procedure()

    def accepted_in_february(finished: date | None, status: Status) -> None:
        d = make_dossier(proc)
        d.accepted_at = datetime(2020, 2, 10, 2, 0)
        d.due_date = date(2020, 3, 20)
        d.status = status
        if finished is not None:
            d.finished_at = datetime.combine(finished, datetime.min.time())
            d.clock_stopped_on = finished
        db.session.commit()

    accepted_in_february(date(2020, 2, 25), Status.RETURNED)  # finished before March: not in it
    accepted_in_february(date(2020, 3, 12), Status.RETURNED)  # finished in March, early
    accepted_in_february(date(2020, 4, 2), Status.RETURNED)  # finished after March: open at its end
    accepted_in_february(None, Status.PROCESSING)  # still open
    for rule in reports.RULES:
        t = reports.build(date(2020, 3, 1), date(2020, 3, 31), rule=rule).total.counts
        assert (t["carried_over"], t["received"]) == (3, 3)
        assert (t["resolved"], t["early"]) == (1, 1)
        assert (t["in_progress"], t["within"], t["past"]) == (2, 0, 2)  # due 20 March, open on the 31st
