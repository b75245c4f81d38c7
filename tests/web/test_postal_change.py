"""The applicant changes or cancels a postal request until the post takes it: API, plain form, refusals."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import PostalRequest, StatusEvent
from app.models.postal import PostalChange, PostalLeg
from app.services.actors import Actor
from app.services.errors import DomainError
from app.services.postal import changes as postal_changes
from app.services.postal import desk as postal_desk
from app.services.postal import requests as postal
from tests.factories import make_procedure, make_user, new_key
from tests.helpers import csrf_token, fresh_client
from tests.postal_helpers import HANOI, dossier_with_token, post_postal, postal_body, resolved

HANOI_WARD = 70  # Phường Hoàn Kiếm, Hà Nội


def _registered(client, direction: str = "result", proc=None):
    dossier, token = dossier_with_token(proc)
    answer = post_postal(client, dossier.code, postal_body(token=token, direction=direction))
    assert answer.status_code == 201, answer.get_json()
    return dossier, token, db.session.get(PostalRequest, answer.get_json()["request_id"])


def _api(client, code: str, req_id: int, what: str, body: dict, key: str | None = None):
    return client.post(f"/api/v1/dossiers/{code}/postal-requests/{req_id}/{what}", json=body,
                       headers={"Idempotency-Key": key or new_key()})


def _events(dossier) -> list[str]:
    return [e.note for e in db.session.execute(db.select(StatusEvent).filter_by(dossier_id=dossier.id)
                                                .order_by(StatusEvent.id)).scalars()]


def _snapshot(req: PostalRequest) -> tuple:
    db.session.refresh(req)
    return (req.direction, req.street, req.province_code, req.ward_code, req.fee, req.cancelled_at,
            tuple((leg.kind, leg.state, leg.batch) for leg in req.legs))


def test_api_change_is_priced_again_on_the_timeline_and_exactly_once(ctx, client):
    dossier, token, req = _registered(client)
    key, body = new_key(), postal_body(token=token, province=HANOI, ward=HANOI_WARD, street="5 Tràng Tiền")
    answer = _api(client, dossier.code, req.id, "change", body, key)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["fee"] == 35000 and answer.get_json()["can_change"] is True
    db.session.refresh(req)
    assert (req.province_code, req.ward_code, req.street) == (HANOI, HANOI_WARD, "5 Tràng Tiền")
    assert req.fee == 35000
    last = _events(dossier)[-1]
    assert last.startswith("Thay đổi yêu cầu bưu chính:") and "Hà Nội" in last and "35.000 đ" in last
    count = len(_events(dossier))
    assert _api(client, dossier.code, req.id, "change", body, key).status_code == 200  # a replay
    assert len(_events(dossier)) == count
    other = _api(client, dossier.code, req.id, "change", body | {"street": "khác"}, key)
    assert other.status_code == 409 and other.get_json()["error"] == "idempotency_conflict"
    same = _api(client, dossier.code, req.id, "change", body)  # a new key, but nothing new
    assert same.status_code == 422 and same.get_json()["message"] == "Không có thông tin nào thay đổi."
    assert len(_events(dossier)) == count and db.session.execute(
        db.select(sa.func.count()).select_from(PostalChange)).scalar_one() == 1


def test_bad_change_gets_a_reason_and_changes_nothing(ctx, client):
    dossier, token, req = _registered(client)
    before, count = _snapshot(req), len(_events(dossier))
    wrong_ward = _api(client, dossier.code, req.id, "change", postal_body(token=token, province=HANOI))
    assert wrong_ward.status_code == 422
    assert wrong_ward.get_json()["details"]["ward"] == ["Phường, xã này không thuộc tỉnh, thành phố đã chọn."]
    no_direction = _api(client, dossier.code, req.id, "change", postal_body(token=token, direction="bay"))
    assert no_direction.status_code == 422 and no_direction.get_json()["details"]["direction"]
    long_reason = _api(client, dossier.code, req.id, "cancel", {"token": token, "reason": "x" * 501})
    assert long_reason.status_code == 422 and long_reason.get_json()["details"]["reason"]
    no_key = client.post(f"/api/v1/dossiers/{dossier.code}/postal-requests/{req.id}/cancel",
                         json={"token": token})
    assert no_key.status_code == 400
    assert _snapshot(req) == before and len(_events(dossier)) == count


def test_direction_change_adds_or_drops_a_leg(ctx, client):
    dossier, token, req = _registered(client, "result")
    assert _api(client, dossier.code, req.id, "change",
                postal_body(token=token, direction="both")).status_code == 200
    db.session.refresh(req)
    assert sorted(leg.kind for leg in req.legs) == ["originals", "result"]
    assert req.fee == postal.fee("both", 80)
    assert [leg.request_id for leg in postal_desk.incoming()] == [req.id]
    assert _api(client, dossier.code, req.id, "change",
                postal_body(token=token, direction="originals")).status_code == 200
    db.session.refresh(req)
    db.session.refresh(dossier)
    assert [leg.kind for leg in req.legs] == ["originals"]
    assert dossier.return_method == "counter"  # no result by post any more


def test_cancel_leaves_a_timeline_entry_and_a_new_request_may_follow(ctx, client):
    dossier, token, req = _registered(client)
    assert post_postal(client, dossier.code, postal_body(token=token)).status_code == 409  # one at a time
    key = new_key()
    answer = _api(client, dossier.code, req.id, "cancel", {"token": token, "reason": "Tự đến nhận"}, key)
    assert answer.status_code == 200 and answer.get_json()["postal_state"] == "cancelled"
    db.session.refresh(req)
    db.session.refresh(dossier)
    assert req.cancelled_at is not None and {leg.state for leg in req.legs} == {"cancelled"}
    assert dossier.return_method == "counter"
    assert _events(dossier)[-1] == "Hủy yêu cầu gửi qua bưu chính: Tự đến nhận"
    count = len(_events(dossier))
    assert _api(client, dossier.code, req.id, "cancel", {"token": token, "reason": "Tự đến nhận"},
                key).status_code == 200  # a replay changes nothing
    assert len(_events(dossier)) == count
    again = _api(client, dossier.code, req.id, "change", postal_body(token=token, street="9 Lê Lợi"))
    assert again.status_code == 409
    assert again.get_json()["message"] == "Yêu cầu gửi qua bưu chính này đã được hủy."
    assert post_postal(client, dossier.code, postal_body(token=token)).status_code == 201


def test_after_handover_change_and_cancel_are_refused(ctx, client):
    dossier, token, req = _registered(client)
    resolved(dossier)
    leg = req.leg("result")
    postal_desk.hand_over(leg, "EB300000001VN", postal_desk.today(), Actor.of(make_user("reception")))
    before, count = _snapshot(req), len(_events(dossier))
    message = ("Bưu chính đã nhận bưu gửi nên không thể thay đổi hoặc hủy yêu cầu. "
               "Vui lòng liên hệ Trung tâm nếu cần hỗ trợ.")
    for what, body in (("change", postal_body(token=token, street="9 Lê Lợi")), ("cancel", {"token": token})):
        answer = _api(client, dossier.code, req.id, what, body)
        assert answer.status_code == 409 and answer.get_json()["message"] == message
    page = client.get(f"/ho-so/{dossier.code}?t={token}").get_data(as_text=True)
    assert "Thay đổi hoặc hủy yêu cầu" not in page
    assert _snapshot(req) == before and len(_events(dossier)) == count


def test_a_change_takes_the_result_out_of_its_dispatch_batch(ctx, client):
    dossier, token, req = _registered(client)
    resolved(dossier)
    leg = req.leg("result")
    postal_desk.make_batch([leg.id])
    changed = _api(client, dossier.code, req.id, "change", postal_body(token=token, note="Gọi trước"))
    assert changed.status_code == 200
    db.session.refresh(leg)
    assert leg.batch == "" and [w.id for w in postal_desk.waiting()] == [leg.id]


def test_desk_handover_meanwhile_wins_over_a_change(ctx, client):
    """The citizen's copy says "registered"; the desk hands it over before the change commits."""
    dossier, token, req = _registered(client)
    leg = req.leg("result")
    assert leg.state == "registered"  # loaded into this session, now stale
    with db.engine.begin() as conn:
        conn.execute(sa.update(PostalLeg).where(PostalLeg.id == leg.id).values(
            state="handed_to_post", waybill="EB400000001VN", version=PostalLeg.version + 1))
    with pytest.raises(DomainError) as refused:
        postal_changes.change(dossier, req.id, postal_body(street="9 Lê Lợi"), new_key(),
                              Actor.citizen(dossier))
    assert refused.value.status == 409
    db.session.rollback()
    db.session.refresh(req)
    assert req.street == "12 Lê Lợi" and req.leg("result").state == "handed_to_post"


def test_plain_forms_preview_the_change_then_confirm_then_cancel(ctx, app):
    client = fresh_client(app)
    dossier, token, req = _registered(client)
    status = client.get(f"/ho-so/{dossier.code}?t={token}").get_data(as_text=True)
    assert "Thay đổi hoặc hủy yêu cầu" in status
    page = client.get(f"/ho-so/{dossier.code}/buu-chinh").get_data(as_text=True)
    assert 'value="12 Lê Lợi"' in page and 'id="postal-cancel"' in page  # filled from the request
    url = f"/ho-so/{dossier.code}/buu-chinh/{req.id}/sua"
    form = {"csrf_token": csrf_token(page), "client_id": new_key()} | {
        k: str(v) for k, v in postal_body(province=HANOI, ward=HANOI_WARD).items()}
    bad = client.post(url, data=form | {"ward": "27727", "action": "preview"})
    assert bad.status_code == 422 and "không thuộc tỉnh" in bad.get_data(as_text=True)
    preview = client.post(url, data=form | {"action": "preview"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="postal-changes"' in html
    assert "25.000 đ" in html and "35.000 đ" in html and "Hà Nội" in html
    assert db.session.get(PostalRequest, req.id).fee == 25000  # not before confirming
    assert client.post(url, data=form | {"action": "confirm"}).status_code == 303
    db.session.refresh(req)
    assert req.fee == 35000 and req.province_code == HANOI
    page = client.get(f"/ho-so/{dossier.code}/buu-chinh").get_data(as_text=True)
    cancel = client.post(f"/ho-so/{dossier.code}/buu-chinh/{req.id}/huy", data={
        "csrf_token": csrf_token(page), "client_id": new_key(), "reason": ""})
    assert cancel.status_code == 303
    status = client.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert "Bạn đã hủy yêu cầu" in status and "Hủy yêu cầu gửi qua bưu chính" in status
    assert "Nhận kết quả qua bưu chính" in status  # and may ask again
    refused = client.post(f"/ho-so/{dossier.code}/buu-chinh/{req.id}/huy", data={
        "csrf_token": csrf_token(page), "client_id": new_key()})
    assert refused.status_code == 409 and "đã được hủy" in refused.get_data(as_text=True)


def test_another_dossiers_request_or_a_wrong_proof_is_not_found(ctx, client):
    proc = make_procedure()
    dossier, _token, req = _registered(client, proc=proc)
    other, other_token, _other_req = _registered(client, proc=proc)
    before, count = _snapshot(req), len(_events(dossier))
    # The other dossier's proof with this dossier's request id; then this dossier with a wrong proof.
    assert _api(client, other.code, req.id, "cancel", {"token": other_token}).status_code == 404
    body = postal_body(token=other_token, street="x")
    assert _api(client, other.code, req.id, "change", body).status_code == 404
    assert _api(client, dossier.code, req.id, "cancel", {"secret": "0999999999"}).status_code == 404
    # Through the pages: the other dossier's page may not name this request either.
    page = client.get(f"/ho-so/{other.code}/buu-chinh?t={other_token}").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "client_id": new_key(), "action": "confirm"} | {
        k: str(v) for k, v in postal_body(street="x").items()}
    for action in ("sua", "huy"):
        answer = client.post(f"/ho-so/{other.code}/buu-chinh/{req.id}/{action}", data=form)
        assert answer.status_code == 404, action
    assert _snapshot(req) == before and len(_events(dossier)) == count
