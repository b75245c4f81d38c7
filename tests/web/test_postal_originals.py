"""Dossier originals by post (QĐ 45/2016): the desk's incoming side, on the timeline and the tracking page."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.lib.time import local_today
from app.models import Notification, PostalRequest, Status, StatusEvent
from app.models.postal import PostalLeg
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token
from app.services.postal import requests as postal
from tests.factories import make_procedure, make_user, new_key
from tests.helpers import csrf_token, fresh_client, sign_in
from tests.postal_helpers import dossier_with_token, postal_body, resolved

DESK = "/staff/buu-chinh/"


def _asked(direction: str = "originals", proc=None):
    dossier, token = dossier_with_token(proc)
    body = postal_body(direction=direction)
    req, _created = postal.register(dossier, body, new_key(), Actor.citizen(dossier))
    return dossier, token, req


def _desk(app, role: str = "reception"):
    client = fresh_client(app)
    sign_in(client, make_user(role))
    return client


def _post(client, url, data=None):
    page = client.get(DESK).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **(data or {})})


def _leg(req: PostalRequest, kind: str) -> PostalLeg:
    return db.session.execute(db.select(PostalLeg).filter_by(request_id=req.id, kind=kind)).scalar_one()


def _notes(dossier) -> list[str]:
    return [e.note for e in db.session.execute(db.select(StatusEvent).filter_by(dossier_id=dossier.id)
                                                .order_by(StatusEvent.id)).scalars()]


def test_originals_waiting_collected_then_received_on_timeline_and_tracking_page(ctx, app):
    dossier, token, req = _asked("originals")
    leg = _leg(req, "originals")
    client = _desk(app)
    desk = client.get(DESK).get_data(as_text=True)
    assert "Chờ nhận bản gốc (1)" in desk and f'id="leg-{leg.id}"' in desk and dossier.code in desk
    assert "Kết quả chờ gửi (0)" in desk  # an originals-only request never waits for a result
    answer = _post(client, f"{DESK}{leg.id}/van-don", {"waybill": "EN123456789VN", "handed_on": ""})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#ban-goc")
    db.session.refresh(leg)
    assert (leg.state, leg.waybill, leg.handed_on) == ("handed_to_post", "EN123456789VN", local_today())
    assert _post(client, f"{DESK}{leg.id}/da-phat", {"delivered_on": ""}).status_code == 303
    db.session.refresh(leg)
    db.session.refresh(dossier)
    assert leg.state == "delivered" and leg.done_on == local_today()
    assert dossier.status == Status.SUBMITTED  # receiving the originals moves no status
    notes = _notes(dossier)
    assert "Bưu chính đã nhận bản gốc hồ sơ từ người nộp, số vận đơn EN123456789VN" in notes
    assert any(n.startswith("Trung tâm đã nhận bản gốc hồ sơ qua bưu chính ngày") for n in notes)
    assert "Chờ nhận bản gốc (0)" in client.get(DESK).get_data(as_text=True)
    page = fresh_client(app).get(f"/ho-so/{dossier.code}?t={token}").get_data(as_text=True)
    assert 'data-leg="originals" data-leg-state="delivered"' in page and "EN123456789VN" in page
    assert "Trung tâm đã nhận bản gốc" in page
    subjects = {n.subject for n in db.session.execute(db.select(Notification)).scalars()}
    assert f"Trung tâm đã nhận bản gốc hồ sơ {dossier.code}" in subjects


def test_originals_collection_failed_with_reason(ctx, app):
    dossier, token, req = _asked("originals")
    leg = _leg(req, "originals")
    client = _desk(app)
    assert _post(client, f"{DESK}{leg.id}/khong-phat", {"reason": "  "}).status_code == 422
    db.session.refresh(leg)
    assert leg.state == "registered"
    assert _post(client, f"{DESK}{leg.id}/khong-phat", {"reason": "Không liên lạc được"}).status_code == 303
    db.session.refresh(leg)
    db.session.refresh(dossier)
    assert leg.state == "failed" and leg.fail_reason == "Không liên lạc được"
    assert dossier.return_method == "counter"  # the result's way back is not the originals' business
    assert "Bưu chính không nhận được bản gốc hồ sơ (Không liên lạc được)" in _notes(dossier)[-1]
    page = fresh_client(app).get(f"/ho-so/{dossier.code}?t={token}").get_data(as_text=True)
    assert "Không liên lạc được" in page and "Vui lòng mang bản gốc hồ sơ đến Trung tâm." in page
    note = db.session.execute(db.select(Notification).filter_by(event="postal_failed", channel="email")
                              ).scalar_one()
    assert "Vui lòng mang bản gốc đến Trung tâm" in note.body


def test_both_legs_move_independently(ctx, app):
    dossier, token, req = _asked("both")
    originals, result = _leg(req, "originals"), _leg(req, "result")
    client = _desk(app)
    # The originals come in while the dossier is still being processed.
    _post(client, f"{DESK}{originals.id}/van-don", {"waybill": "EN000000001VN"})
    _post(client, f"{DESK}{originals.id}/da-phat")
    # The result cannot go out before it exists, whatever the originals did.
    assert _post(client, f"{DESK}{result.id}/van-don", {"waybill": "EB000000001VN"}).status_code == 409
    resolved(dossier)
    desk = client.get(DESK).get_data(as_text=True)
    assert "Kết quả chờ gửi (1)" in desk and "Chờ nhận bản gốc (0)" in desk
    batch = _post(client, f"{DESK}lo", {"ids": [str(result.id)]}).headers["Location"].rsplit("/", 1)[1]
    _post(client, f"{DESK}{result.id}/van-don", {"waybill": "EB000000001VN"})
    assert _post(client, f"{DESK}{result.id}/da-phat").status_code == 303
    db.session.refresh(dossier)
    states = {leg.kind: leg.state for leg in db.session.execute(db.select(PostalLeg)).scalars()}
    assert states == {"originals": "delivered", "result": "delivered"}
    assert dossier.status == Status.RETURNED and dossier.return_method == "post"
    assert batch.startswith("BC-")
    page = fresh_client(app).get(f"/ho-so/{dossier.code}?t={access_token(dossier)}").get_data(as_text=True)
    assert 'data-leg="originals" data-leg-state="delivered"' in page
    assert 'data-leg="result" data-leg-state="delivered"' in page


def test_bad_input_on_the_incoming_side_changes_nothing(ctx, app):
    proc = make_procedure()
    dossier, _token, req = _asked("originals", proc)
    _other, _t, other_req = _asked("originals", proc)
    leg, other = _leg(req, "originals"), _leg(other_req, "originals")
    client = _desk(app)
    events = len(_notes(dossier))
    # A malformed waybill: told, nothing recorded.
    answer = _post(client, f"{DESK}{leg.id}/van-don", {"waybill": "ab!"})
    assert answer.status_code == 303
    assert "không hợp lệ" in client.get(DESK).get_data(as_text=True)
    # A date after today.
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    assert _post(client, f"{DESK}{leg.id}/van-don",
                 {"waybill": "EN100000001VN", "handed_on": tomorrow}).status_code == 422
    # Received before the post has it.
    assert _post(client, f"{DESK}{leg.id}/da-phat").status_code == 409
    db.session.refresh(leg)
    assert (leg.state, leg.waybill) == ("registered", "")
    # A waybill number another item already carries.
    assert _post(client, f"{DESK}{other.id}/van-don", {"waybill": "EN100000009VN"}).status_code == 303
    answer = _post(client, f"{DESK}{leg.id}/van-don", {"waybill": "EN100000009VN"})
    assert answer.status_code == 422 and "đã được dùng" in answer.get_data(as_text=True)
    # Received on a day before the post took it.
    _post(client, f"{DESK}{leg.id}/van-don", {"waybill": "EN100000002VN"})
    db.session.refresh(leg)
    before = (leg.handed_on - timedelta(days=1)).isoformat()
    assert _post(client, f"{DESK}{leg.id}/da-phat", {"delivered_on": before}).status_code == 422
    db.session.refresh(leg)
    assert leg.state == "handed_to_post" and leg.done_on is None
    assert len(_notes(dossier)) == events + 1  # only the good waybill reached the timeline
    assert _post(client, f"{DESK}999999/da-phat").status_code == 404


def test_incoming_routes_are_for_the_desk_only(ctx, app):
    _dossier, _token, req = _asked("originals")
    leg = _leg(req, "originals")
    data = {"waybill": "EN12345678VN", "reason": "x"}
    for role in ("department", "leader", "citizen"):
        client = fresh_client(app)
        sign_in(client, make_user(role, agency=leg.dossier.agency if role == "department" else None))
        token = csrf_token(client.get("/tra-cuu").get_data(as_text=True))
        for action in ("van-don", "da-phat", "khong-phat"):
            answer = client.post(f"{DESK}{leg.id}/{action}", data=data | {"csrf_token": token})
            assert answer.status_code == 403, (role, action, answer.status_code)
    anonymous = fresh_client(app)
    token = csrf_token(anonymous.get("/tra-cuu").get_data(as_text=True))
    assert anonymous.post(f"{DESK}{leg.id}/da-phat", data={"csrf_token": token}).status_code == 302
    db.session.refresh(leg)
    assert leg.state == "registered"


def _refused(dossier):
    workflow.refuse(dossier, Actor.of(make_user("reception")), "Không thuộc thẩm quyền")


def _stopped(dossier):
    workflow.request_withdrawal(dossier, Actor.citizen(dossier), "Nộp nhầm")
    workflow.stop(dossier, Actor.of(make_user("reception")), "Theo yêu cầu")


def _returned(dossier):
    resolved(dossier, "counter")
    workflow.return_result(dossier, Actor.of(make_user("reception")), "counter")


@pytest.mark.parametrize("end", [_refused, _stopped, _returned])
def test_originals_are_recorded_whatever_became_of_the_dossier(ctx, app, end):
    dossier, _token, req = _asked("originals")
    leg = _leg(req, "originals")
    end(dossier)
    db.session.refresh(dossier)
    status, events = dossier.status, len(_notes(dossier))
    client = _desk(app)
    assert f'id="leg-{leg.id}"' in client.get(DESK).get_data(as_text=True)  # still waited for
    assert _post(client, f"{DESK}{leg.id}/van-don", {"waybill": "EN200000001VN"}).status_code == 303
    assert _post(client, f"{DESK}{leg.id}/da-phat").status_code == 303
    db.session.refresh(leg)
    db.session.refresh(dossier)
    assert leg.state == "delivered" and dossier.status == status  # the timeline grows, the status stays
    notes = _notes(dossier)
    assert len(notes) == events + 2 and notes[-1].startswith("Trung tâm đã nhận bản gốc hồ sơ qua bưu chính")
    # A failed collection too.
    _d, _t, other_req = _asked("originals", dossier.procedure)
    other = _leg(other_req, "originals")
    end(other.dossier)
    assert _post(client, f"{DESK}{other.id}/khong-phat", {"reason": "Người nộp đi vắng"}).status_code == 303
    db.session.refresh(other)
    assert other.state == "failed" and "Người nộp đi vắng" in _notes(other.dossier)[-1]


def test_result_steps_keep_their_rules_after_a_refusal(ctx, app):
    dossier, _token, req = _asked("both")
    result, originals = _leg(req, "result"), _leg(req, "originals")
    _refused(dossier)
    events = len(_notes(dossier))
    client = _desk(app)
    assert _post(client, f"{DESK}{result.id}/van-don", {"waybill": "EB200000001VN"}).status_code == 409
    answer = _post(client, f"{DESK}{result.id}/khong-phat", {"reason": "Không phát được"})
    assert answer.status_code == 409
    assert "không thể gửi qua bưu chính" in answer.get_data(as_text=True)
    db.session.refresh(result)
    assert (result.state, result.waybill) == ("registered", "")
    assert len(_notes(dossier)) == events
    assert db.session.execute(db.select(Notification).filter_by(event="postal_failed")).first() is None
    # The originals of the same request are still taken in.
    assert _post(client, f"{DESK}{originals.id}/van-don", {"waybill": "EN200000002VN"}).status_code == 303
    db.session.refresh(dossier)
    assert dossier.status == Status.REFUSED and len(_notes(dossier)) == events + 1
