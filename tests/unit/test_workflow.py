"""The state machine: who may make each transition, what it needs, what it records."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Document, Dossier, Status, StatusEvent, SupplementRequest
from app.services import workflow
from app.services.actors import Actor
from app.services.errors import Invalid, NotFound
from tests.factories import (
    jpeg_bytes,
    load_test_holidays,
    make_agency,
    make_dossier,
    make_procedure,
    make_user,
    sha,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = Status


def utc(*args) -> datetime:
    """A Vietnam wall-clock time as the naive UTC the database keeps."""
    return datetime(*args, tzinfo=VN).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def world(ctx):
    """One procedure, one dossier and an officer of each role (plus another agency's)."""
    proc = make_procedure()
    other = make_agency(code="000.02.00.H40", name="Sở Xây dựng")
    users = {role: make_user(role, agency=proc.agency if role == "department" else None)
             for role in ("reception", "department", "leader", "admin")}
    users["other_department"] = make_user("department", agency=other)
    actors = {name: Actor.of(u) for name, u in users.items()}
    return proc, actors


def result_doc() -> Document:
    from app.services.files import blobs
    from app.services.files.uploads import inspect

    data = jpeg_bytes(color=(1, 200, 3))
    blob, _new = blobs.save_blob(data, inspect(data, 10**7))
    return Document(original_name="ket-qua.jpg", media_type=blob.media_type, size=blob.size, sha256=sha(data))


def bring_to(dossier: Dossier, status: Status, actors: dict) -> Dossier:
    """Walk a dossier to `status` through the workflow itself (nothing else writes status)."""
    rec, dep = actors["reception"], actors["department"]
    steps = {
        S.SUBMITTED: [],
        S.ACCEPTED: [lambda d: workflow.accept(d, rec)],
        S.REFUSED: [lambda d: workflow.refuse(d, rec, "Sai thủ tục")],
        S.PROCESSING: [lambda d: workflow.accept(d, rec), lambda d: workflow.forward(d, rec)],
        S.SUPPLEMENT: [lambda d: workflow.accept(d, rec), lambda d: workflow.forward(d, rec),
                       lambda d: workflow.request_supplement(d, dep, "Bản sao hộ khẩu", date(2099, 1, 1))],
        S.AWAITING_PAYMENT: [lambda d: workflow.accept(d, rec), lambda d: workflow.forward(d, rec),
                             lambda d: workflow.request_payment(d, dep)],
        S.WITHDRAWAL_REQUESTED: [lambda d: workflow.request_withdrawal(d, Actor.citizen(d))],
        S.STOPPED: [lambda d: workflow.request_withdrawal(d, Actor.citizen(d)),
                    lambda d: workflow.stop(d, rec)],
        S.RESOLVED: [lambda d: workflow.accept(d, rec), lambda d: workflow.forward(d, rec),
                     lambda d: workflow.resolve(d, dep, [result_doc()], "counter")],
        S.RETURNED: [lambda d: workflow.accept(d, rec), lambda d: workflow.forward(d, rec),
                     lambda d: workflow.resolve(d, dep, [result_doc()], "counter"),
                     lambda d: workflow.return_result(d, rec, "counter")],
    }
    for step in steps[status]:
        step(dossier)
    assert dossier.status == status
    return dossier


def attempt(name: str, dossier: Dossier, actor: Actor):
    """Call transition `name` with what it needs."""
    calls = {
        "accept": lambda: workflow.accept(dossier, actor),
        "refuse": lambda: workflow.refuse(dossier, actor, "Hồ sơ không thuộc thẩm quyền"),
        "request_supplement": lambda: workflow.request_supplement(dossier, actor, "Tờ khai",
                                                                  date(2099, 1, 1)),
        "answer_supplement": lambda: workflow.answer_supplement(dossier, actor, [result_doc()]),
        "forward": lambda: workflow.forward(dossier, actor),
        "request_payment": lambda: workflow.request_payment(dossier, actor),
        "confirm_payment": lambda: workflow.confirm_payment(dossier, actor),
        "resolve": lambda: workflow.resolve(dossier, actor, [result_doc()], "counter"),
        "return_counter": lambda: workflow.return_result(dossier, actor, "counter"),
        "request_withdrawal": lambda: workflow.request_withdrawal(dossier, actor),
        "stop": lambda: workflow.stop(dossier, actor),
        "decline_withdrawal": lambda: workflow.decline_withdrawal(dossier, actor, "Đã có kết quả thẩm định"),
    }
    return calls[name]()


# (transition, the status it starts from, who may make it)
MATRIX = [
    ("accept", S.SUBMITTED, {"reception"}),
    ("refuse", S.SUBMITTED, {"reception"}),
    ("request_supplement", S.SUBMITTED, {"reception"}),
    ("request_supplement", S.PROCESSING, {"department"}),
    ("answer_supplement", S.SUPPLEMENT, {"reception", "citizen"}),
    ("forward", S.ACCEPTED, {"reception"}),
    ("request_payment", S.PROCESSING, {"department"}),
    ("confirm_payment", S.AWAITING_PAYMENT, {"department"}),
    ("resolve", S.PROCESSING, {"department"}),
    ("resolve", S.AWAITING_PAYMENT, {"department"}),
    ("return_counter", S.RESOLVED, {"reception"}),
    ("request_withdrawal", S.PROCESSING, {"reception", "citizen"}),
    ("stop", S.WITHDRAWAL_REQUESTED, {"reception", "department"}),
    ("decline_withdrawal", S.WITHDRAWAL_REQUESTED, {"reception", "department"}),
]
WHO = ["reception", "department", "leader", "admin", "citizen", "other_department"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("name", "source", "allowed"), MATRIX, ids=[f"{m[0]}-from-{m[1]}" for m in MATRIX])
def test_each_transition_allowed_or_refused_per_role(world, name, source, allowed, who):
    proc, actors = world
    dossier = bring_to(make_dossier(proc), source, actors)
    actor = Actor.citizen(dossier) if who == "citizen" else actors[who]
    events = len(dossier.events)
    if who in allowed:
        attempt(name, dossier, actor)
        db.session.expire_all()
        assert dossier.status != source
        assert len(dossier.events) == events + 1
        last = dossier.events[-1]
        assert (last.from_status, last.to_status) == (source, dossier.status)
        assert last.actor_kind == actor.kind and last.actor_label == actor.label
    else:
        # Another agency's officer is told the dossier does not exist; anyone else is refused
        # (403 for a role that never makes this transition, 409 for one that does elsewhere).
        expected = NotFound if who == "other_department" else (workflow.NotAllowed, workflow.WrongStatus)
        with pytest.raises(expected):
            attempt(name, dossier, actor)
        db.session.rollback()
        db.session.expire_all()
        assert dossier.status == source
        assert len(dossier.events) == events


def test_a_transition_from_the_wrong_status_is_refused(world):
    proc, actors = world
    dossier = make_dossier(proc)
    with pytest.raises(workflow.WrongStatus, match="Mới đăng ký"):
        workflow.forward(dossier, actors["reception"])
    assert dossier.status == S.SUBMITTED


def test_refusal_needs_a_reason(world):
    proc, actors = world
    dossier = make_dossier(proc)
    with pytest.raises(Invalid) as info:
        workflow.refuse(dossier, actors["reception"], "   ")
    assert "note" in info.value.details
    workflow.refuse(dossier, actors["reception"], "Không thuộc thẩm quyền của tỉnh")
    assert dossier.status == S.REFUSED and dossier.events[-1].note == "Không thuộc thẩm quyền của tỉnh"


def test_supplement_request_needs_items_and_a_deadline_not_in_the_past(world):
    proc, actors = world
    dossier = make_dossier(proc)
    with pytest.raises(Invalid) as info:
        workflow.request_supplement(dossier, actors["reception"], "", date(2000, 1, 1))
    assert set(info.value.details) == {"items", "deadline"}
    assert db.session.execute(db.select(SupplementRequest)).first() is None


def test_resolve_needs_a_result_and_a_return_method(world):
    proc, actors = world
    dossier = bring_to(make_dossier(proc), S.PROCESSING, actors)
    with pytest.raises(Invalid) as info:
        workflow.resolve(dossier, actors["department"], [], "pigeon")
    assert set(info.value.details) == {"result", "return_method"}
    proc.postal_allowed = False
    with pytest.raises(Invalid, match="hoàn thành"):
        workflow.resolve(dossier, actors["department"], [result_doc()], "post")
    db.session.rollback()
    dossier = db.session.get(Dossier, dossier.id)
    workflow.resolve(dossier, actors["department"], [result_doc()], "electronic")
    assert dossier.status == S.RESOLVED and dossier.finished_at is not None
    assert [d.round for d in dossier.documents][-1] == "result"
    assert dossier.clock_stopped_on is not None


def test_electronic_return_only_when_chosen(world):
    proc, actors = world
    dossier = bring_to(make_dossier(proc), S.RESOLVED, actors)  # resolved with "counter"
    citizen = Actor.citizen(dossier)
    assert not workflow.can(citizen, dossier, "return_electronic")
    with pytest.raises(workflow.WrongStatus):
        workflow.return_result(dossier, citizen, "electronic")


def test_postal_return_is_a_hook_for_the_postal_module(world):
    proc, actors = world
    dossier = bring_to(make_dossier(proc), S.RESOLVED, actors)
    with pytest.raises(workflow.NotAllowed):
        workflow.return_result(dossier, actors["reception"], "post")
    workflow.return_result(dossier, Actor.system("Bưu điện tỉnh"), "post", "Đã phát, mã vận đơn EX1")
    assert dossier.status == S.RETURNED and dossier.return_method == "post"
    assert dossier.events[-1].actor_kind == "system"


def test_stale_version_changes_nothing_and_names_who_changed_it(world):
    proc, actors = world
    dossier = make_dossier(proc)
    drawn = dossier.version  # the officer's page was drawn from this version
    workflow.accept(dossier, actors["reception"])
    with pytest.raises(workflow.Stale, match="đã được thay đổi bởi Cán bộ reception") as info:
        workflow.refuse(dossier, actors["reception"], "Thiếu giấy tờ", version=drawn)
    assert info.value.status == 409
    db.session.expire_all()
    assert dossier.status == S.ACCEPTED
    assert db.session.execute(db.select(db.func.count()).select_from(StatusEvent)).scalar_one() == 2


def test_a_concurrent_write_between_read_and_commit_is_refused(world, app):
    """The version column catches a change made after this session read the row."""
    proc, actors = world
    dossier = make_dossier(proc)
    assert dossier.status == S.SUBMITTED
    # Another officer, in another session, accepts in the meantime.
    with app.app_context():
        other = db.session.get(Dossier, dossier.id)
        workflow.accept(other, actors["reception"])
        db.session.remove()
    # This session still holds version 1 and believes the dossier is new: the database's
    # version check is what refuses it.
    with pytest.raises(workflow.Stale, match="đã được thay đổi bởi"):
        workflow.refuse(dossier, actors["reception"], "Thiếu giấy tờ")
    db.session.expire_all()
    assert dossier.status == S.ACCEPTED


def test_accept_fixes_due_date_from_acceptance_with_cutoff_across_tet_2026(world):
    proc, actors = world  # 10 working days, cut-off 15:00
    load_test_holidays(2026, 2027)
    dossier = make_dossier(proc, received=utc(2026, 2, 2, 9))
    # Accepted Friday 13/2 at 16:00, after the cut-off: counts from Monday 23/2, after Tết.
    workflow.accept(dossier, actors["reception"], at=utc(2026, 2, 13, 16))
    assert dossier.accepted_at == utc(2026, 2, 13, 16)
    assert dossier.due_date == date(2026, 3, 9)
    assert "09/03/2026" in dossier.events[-1].note


def test_accept_across_tet_2027(world):
    proc, actors = world
    proc.processing_time = 2
    load_test_holidays(2026, 2027)
    dossier = make_dossier(proc)
    # Tết 2027: Thursday 4/2 to Wednesday 10/2 off. Accepted Wed 3/2 at 9:00.
    workflow.accept(dossier, actors["reception"], at=utc(2027, 2, 3, 9))
    assert dossier.due_date == date(2027, 2, 12)


def test_supplement_pauses_the_clock_and_extends_the_due_date(world):
    proc, actors = world
    load_test_holidays(2026, 2027)
    rec, dep = actors["reception"], actors["department"]
    dossier = make_dossier(proc)
    workflow.accept(dossier, rec, at=utc(2026, 3, 2, 9))
    assert dossier.due_date == date(2026, 3, 16)
    workflow.forward(dossier, rec, at=utc(2026, 3, 2, 10))
    request = workflow.request_supplement(dossier, dep, "- Bản sao giấy khai sinh\n- Ảnh 4x6",
                                          date(2026, 3, 20), at=utc(2026, 3, 4, 10))
    assert dossier.status == S.SUPPLEMENT and dossier.clock_stopped_on == date(2026, 3, 4)
    assert request.item_list == ["Bản sao giấy khai sinh", "Ảnh 4x6"] and request.from_status == S.PROCESSING
    workflow.answer_supplement(dossier, Actor.citizen(dossier), [result_doc()], at=utc(2026, 3, 9, 10))
    # Paused Thu 5, Fri 6 and Mon 9: three working days later.
    assert request.paused_days == 3
    assert dossier.due_date == date(2026, 3, 19)
    assert dossier.status == S.PROCESSING and dossier.clock_stopped_on is None
    assert dossier.documents[-1].round == "supplement-1"


def test_supplement_pause_across_tet(world):
    proc, actors = world
    proc.processing_time = 3
    load_test_holidays(2026, 2027)
    rec = actors["reception"]
    dossier = make_dossier(proc)
    workflow.accept(dossier, rec, at=utc(2026, 2, 9, 9))
    assert dossier.due_date == date(2026, 2, 12)
    workflow.request_supplement(dossier, rec, "Tờ khai có chữ ký", date(2026, 3, 1), at=utc(2026, 2, 11, 9))
    workflow.answer_supplement(dossier, rec, [result_doc()], at=utc(2026, 2, 24, 9))
    # Paused: Thu 12, Fri 13, (Tết 16–20), Mon 23, Tue 24 = 4 working days.
    assert dossier.due_date == date(2026, 2, 25)
    assert dossier.status == S.ACCEPTED


def test_supplement_before_acceptance_returns_to_submitted_without_extension(world):
    proc, actors = world
    dossier = make_dossier(proc)
    due = dossier.due_date
    workflow.request_supplement(dossier, actors["reception"], "Tờ khai", date(2099, 1, 1))
    assert dossier.clock_stopped_on is None  # no clock before acceptance
    workflow.answer_supplement(dossier, Actor.citizen(dossier), [result_doc()])
    assert dossier.status == S.SUBMITTED and dossier.due_date == due
    assert dossier.supplement_count == 1


def test_actions_for_lists_what_the_role_may_do_now(world):
    proc, actors = world
    dossier = make_dossier(proc)
    assert [t.name for t in workflow.actions_for(actors["reception"], dossier)] == [
        "accept", "refuse", "request_supplement", "request_withdrawal"]
    assert workflow.actions_for(actors["leader"], dossier) == []
    assert workflow.actions_for(actors["admin"], dossier) == []
    assert workflow.actions_for(actors["other_department"], dossier) == []


@pytest.mark.parametrize("before", [S.SUBMITTED, S.PROCESSING, S.SUPPLEMENT, S.AWAITING_PAYMENT])
def test_declining_a_withdrawal_returns_to_where_the_dossier_was(world, before):
    proc, actors = world
    dossier = bring_to(make_dossier(proc), before, actors)
    due, stopped = dossier.due_date, dossier.clock_stopped_on
    workflow.request_withdrawal(dossier, Actor.citizen(dossier), "Nộp nhầm")
    # A postal step while the request waits leaves a 7 → 7 entry: not the status to go back to.
    workflow.postal_step(dossier, Actor.system("Bưu điện tỉnh"), "Đã đăng ký gửi bưu chính")
    assert workflow.status_before_withdrawal(dossier) == before
    workflow.decline_withdrawal(dossier, actors["department"], "  Hồ sơ đã thẩm định xong  ")
    db.session.expire_all()
    assert dossier.status == before
    assert (dossier.due_date, dossier.clock_stopped_on) == (due, stopped)
    last = dossier.events[-1]
    assert (last.from_status, last.to_status) == (S.WITHDRAWAL_REQUESTED, before)
    assert last.note == "Không chấp nhận yêu cầu rút hồ sơ: Hồ sơ đã thẩm định xong"
    assert last.actor_label == actors["department"].label
    if before == S.SUPPLEMENT:  # the open request is still there to be answered
        assert workflow.open_supplement(dossier) is not None


def test_declining_a_withdrawal_needs_a_reason_and_changes_nothing_without_one(world):
    proc, actors = world
    dossier = bring_to(make_dossier(proc), S.WITHDRAWAL_REQUESTED, actors)
    events = len(dossier.events)
    with pytest.raises(Invalid) as info:
        workflow.decline_withdrawal(dossier, actors["reception"], "   ")
    assert "note" in info.value.details and "lý do" in info.value.message
    db.session.rollback()
    db.session.expire_all()
    assert dossier.status == S.WITHDRAWAL_REQUESTED and len(dossier.events) == events


def test_declining_a_withdrawal_is_offered_next_to_stopping(world):
    proc, actors = world
    dossier = bring_to(make_dossier(proc), S.WITHDRAWAL_REQUESTED, actors)
    names = [t.name for t in workflow.actions_for(actors["reception"], dossier)]
    assert names == ["stop", "decline_withdrawal"]
    assert workflow.actions_for(actors["leader"], dossier) == []
    workflow.decline_withdrawal(dossier, actors["reception"], "Tiếp tục giải quyết")
    assert dossier.status == S.SUBMITTED
    with pytest.raises(workflow.WrongStatus):  # once declined, there is nothing left to decline
        workflow.decline_withdrawal(dossier, actors["reception"], "Lần nữa")


def test_an_action_is_named_as_a_verb_not_as_the_status_it_leads_to(app):
    """'Yêu cầu bổ sung' is the status (English: 'Supplement requested'); its button asks."""
    from flask_babel import force_locale

    from app.models.status import STATUS_LABELS
    from app.services.workflow.rules import TRANSITIONS

    with app.test_request_context(), force_locale("en"):
        assert str(TRANSITIONS["request_supplement"].label) == "Request a supplement"
        assert str(STATUS_LABELS[Status.SUPPLEMENT]) == "Supplement requested"
