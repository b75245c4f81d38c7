"""Two officers acting on one dossier at the same moment, on PostgreSQL with real threads.

Each thread has its own app context, hence its own session and connection; a barrier
releases them together after both have read the same version, as two officers would.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from app.extensions import db
from app.models import Dossier, Status, StatusEvent, User
from app.services import workflow
from app.services.actors import Actor
from tests.factories import make_dossier, make_procedure, make_user
from tests.helpers import fresh_client, sign_in

pytestmark = pytest.mark.postgres

ACTIONS = {
    "accept": lambda d, a, v: workflow.accept(d, a, version=v),
    "refuse": lambda d, a, v: workflow.refuse(d, a, "Hồ sơ giả mạo", version=v),
    "request_supplement": lambda d, a, v: workflow.request_supplement(d, a, "Tờ khai", date(2099, 1, 1),
                                                                      version=v),
    "request_withdrawal": lambda d, a, v: workflow.request_withdrawal(d, a, version=v),
}


@pytest.fixture
def pg(app, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://...")
    return app


def race(app, dossier_id: int, plays: list[tuple[int, str]]) -> list[str]:
    """Run each (user id, action) in its own thread, all released at once; return outcomes."""
    barrier = threading.Barrier(len(plays))

    def officer(user_id: int, action: str) -> str:
        with app.app_context():
            try:
                dossier = db.session.get(Dossier, dossier_id)
                actor = Actor.of(db.session.get(User, user_id))
                version = dossier.version  # what the officer's page was drawn from
                barrier.wait()
                ACTIONS[action](dossier, actor, version)
                return f"ok:{action}:{actor.label}"
            except workflow.Stale as exc:
                return f"stale:{exc.message}"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(plays)) as pool:
        return list(pool.map(lambda p: officer(*p), plays))


def test_two_officers_accept_and_refuse_at_once(pg):
    with pg.app_context():
        proc = make_procedure()
        a = make_user("reception", name="Trần Thị A")
        b = make_user("reception", name="Lê Văn B")
        plays = [(a.id, "accept"), (b.id, "refuse")]
        dossiers = [make_dossier(proc).id for _ in range(10)]
    for dossier_id in dossiers:
        outcomes = race(pg, dossier_id, plays)
        wins = [o for o in outcomes if o.startswith("ok:")]
        losses = [o for o in outcomes if o.startswith("stale:")]
        assert len(wins) == 1 and len(losses) == 1, outcomes
        _ok, action, winner = wins[0].split(":", 2)
        assert f"đã được thay đổi bởi {winner}" in losses[0]
        with pg.app_context():
            dossier = db.session.get(Dossier, dossier_id)
            assert dossier.status == (Status.ACCEPTED if action == "accept" else Status.REFUSED)
            assert dossier.version == 2  # one bump per transition
            events = db.session.execute(
                db.select(StatusEvent).filter_by(dossier_id=dossier_id).order_by(StatusEvent.id)
            ).scalars().all()
            assert [e.to_status for e in events] == [Status.SUBMITTED, dossier.status]
            assert events[-1].actor_label == winner
            assert (dossier.accepted_at is not None) == (action == "accept")


def test_four_officers_four_different_actions(pg):
    with pg.app_context():
        proc = make_procedure()
        users = [make_user("reception", name=f"Cán bộ {n}") for n in range(4)]
        plays = list(zip([u.id for u in users], ACTIONS, strict=True))
        dossier_id = make_dossier(proc).id
    outcomes = race(pg, dossier_id, plays)
    assert sum(o.startswith("ok:") for o in outcomes) == 1, outcomes
    with pg.app_context():
        assert db.session.execute(
            db.select(db.func.count()).select_from(StatusEvent).filter_by(dossier_id=dossier_id)
        ).scalar_one() == 2


def test_through_the_web_the_second_officer_gets_409(pg):
    with pg.app_context():
        proc = make_procedure()
        officers = [make_user("reception", name=n).email for n in ("Trần Thị A", "Lê Văn B")]
        code = make_dossier(proc).code
    clients = [fresh_client(pg) for _ in officers]
    tokens = []
    for client, officer in zip(clients, officers, strict=True):
        sign_in(client, officer)
        page = client.get(f"/staff/ho-so/{code}").get_data(as_text=True)
        tokens.append(page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0])
    barrier = threading.Barrier(2)

    def post(i: int, slug: str, data: dict):
        barrier.wait()
        return clients[i].post(f"/staff/ho-so/{code}/{slug}",
                               data={"csrf_token": tokens[i], "version": "1", **data})

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(post, 0, "tiep-nhan", {})
        second = pool.submit(post, 1, "tu-choi", {"note": "Thiếu tờ khai"})
        responses = [first.result(), second.result()]
    assert sorted(r.status_code for r in responses) == [303, 409]
    loser = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
    assert "đã được thay đổi bởi" in loser
    with pg.app_context():
        dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()
        assert dossier.status in (Status.ACCEPTED, Status.REFUSED) and dossier.version == 2
        assert len(dossier.events) == 2
