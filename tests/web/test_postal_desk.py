"""The postal desk: batches, printables, CSV out and in, delivered and failed with the timeline."""

import io

from app.extensions import db
from app.models import Notification, PostalRequest, Status, StatusEvent
from app.models.postal import PostalLeg
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token
from app.services.postal import requests as postal
from tests.factories import make_procedure, make_user, new_key
from tests.helpers import csrf_token, fresh_client, sign_in
from tests.postal_helpers import dossier_with_token, postal_body, resolved


def _ready(n: int = 1):
    """n dossiers with a result ready and a registered postal request each."""
    out, proc = [], make_procedure()
    for _i in range(n):
        dossier, _t = dossier_with_token(proc)
        postal.register(dossier, postal_body(), new_key(), Actor.citizen(dossier))
        out.append(resolved(dossier))
    return out


def _desk(app):
    client = fresh_client(app)
    sign_in(client, make_user("reception"))
    return client


def _post(client, url, data=None, **kw):
    page = client.get("/staff/buu-chinh/").get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **(data or {})}, **kw)


def _legs(kind: str) -> list[PostalLeg]:
    query = db.select(PostalLeg).filter_by(kind=kind).order_by(PostalLeg.id)
    return list(db.session.execute(query).scalars())


def _leg_of(dossier, kind: str = "result") -> PostalLeg:
    return db.session.execute(db.select(PostalLeg).join(PostalRequest).filter(
        PostalRequest.dossier_id == dossier.id, PostalLeg.kind == kind)).scalar_one()


def _batch(client, dossiers) -> str:
    ids = [str(leg.id) for leg in _legs("result") if leg.dossier.id in {d.id for d in dossiers}]
    answer = _post(client, "/staff/buu-chinh/lo", {"ids": ids})
    assert answer.status_code == 303
    return answer.headers["Location"].rsplit("/", 1)[1]


def test_batch_print_export_and_deliver(ctx, app):
    d1, d2 = _ready(2)
    client = _desk(app)
    desk = client.get("/staff/buu-chinh/").get_data(as_text=True)
    assert d1.code in desk and d2.code in desk
    name = _batch(client, [d1, d2])
    labels = client.get(f"/staff/buu-chinh/lo/{name}/nhan").get_data(as_text=True)
    assert labels.count('class="label"') == 2
    assert d1.procedure.name not in labels  # the label never says what the dossier is about
    assert "Danh sách bàn giao" in client.get(f"/staff/buu-chinh/lo/{name}/ban-giao").get_data(as_text=True)
    csv_text = client.get(f"/staff/buu-chinh/lo/{name}.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").startswith("ma_ho_so,") and d2.code in csv_text
    req = _leg_of(d1)
    assert _post(client, f"/staff/buu-chinh/{req.id}/van-don",
                 {"waybill": "EB123456789VN", "handed_on": ""}).status_code == 303
    assert _post(client, f"/staff/buu-chinh/{req.id}/da-phat", {"delivered_on": ""}).status_code == 303
    db.session.refresh(d1)
    assert d1.status == Status.RETURNED and d1.return_method == "post" and d1.returned_at
    events = db.session.execute(db.select(StatusEvent).filter_by(dossier_id=d1.id)
                                .order_by(StatusEvent.id)).scalars().all()
    assert "EB123456789VN" in events[-2].note and events[-1].to_status == Status.RETURNED
    assert events[-1].actor_kind == "system"
    sent = {n.event for n in db.session.execute(db.select(Notification)).scalars()}
    assert {"handed_to_post", "delivered"} <= sent
    status = fresh_client(app).get(f"/ho-so/{d1.code}?t={access_token(d1)}").get_data(as_text=True)
    assert "EB123456789VN" in status and 'data-postal-state="delivered"' in status


def test_failed_falls_back_to_counter_and_tells_the_citizen(ctx, app):
    (dossier,) = _ready(1)
    client = _desk(app)
    name = _batch(client, [dossier])
    req = _leg_of(dossier)
    _post(client, f"/staff/buu-chinh/{req.id}/van-don", {"waybill": "EB000000001VN"})
    assert _post(client, f"/staff/buu-chinh/{req.id}/khong-phat", {"reason": ""}).status_code == 422
    assert _post(client, f"/staff/buu-chinh/{req.id}/khong-phat",
                 {"reason": "Không có người nhận"}).status_code == 303
    db.session.refresh(dossier)
    db.session.refresh(req)
    assert req.state == "failed" and dossier.status == Status.RESOLVED
    assert dossier.return_method == "counter"
    last = db.session.execute(db.select(StatusEvent).filter_by(dossier_id=dossier.id)
                              .order_by(StatusEvent.id.desc())).scalars().first()
    assert "Không có người nhận" in last.note
    note = db.session.execute(db.select(Notification).filter_by(event="postal_failed", channel="email")
                              ).scalar_one()
    assert "Không có người nhận" in note.body
    assert name not in client.get("/staff/buu-chinh/").get_data(as_text=True)  # nothing left to follow


def _csv(rows: list[str]) -> bytes:
    return ("ma_ho_so,so_van_don,ngay_gui\n" + "\n".join(rows) + "\n").encode()


def test_waybill_import_good_file(ctx, app):
    d1, d2 = _ready(2)
    client = _desk(app)
    name = _batch(client, [d1, d2])
    data = _csv([f"{d1.code},EB100000001VN,01/01/2026", f"{d2.code},eb100000002vn,"])
    answer = _post(client, f"/staff/buu-chinh/lo/{name}/nhap-van-don",
                   {"file": (io.BytesIO(data), "vnpost.csv")},
                   content_type="multipart/form-data")
    assert answer.status_code == 303
    bills = {leg.dossier.id: (leg.state, leg.waybill) for leg in _legs("result")}
    assert bills == {d1.id: ("handed_to_post", "EB100000001VN"), d2.id: ("handed_to_post", "EB100000002VN")}


def test_waybill_import_bad_rows_reported_and_nothing_applied(ctx, app):
    d1, d2 = _ready(2)
    client = _desk(app)
    name = _batch(client, [d1, d2])
    data = _csv([f"{d1.code},EB100000001VN,01/01/2026",  # good, but must not be applied alone
                 "000.00.00.H40-991231-9999,EB100000002VN,",
                 f"{d2.code},ab!,",
                 f"{d2.code},EB100000003VN,31/02/2026"])
    answer = _post(client, f"/staff/buu-chinh/lo/{name}/nhap-van-don",
                   {"file": (io.BytesIO(data), "vnpost.csv")},
                   content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Dòng 3" in page and "Dòng 4" in page and "Dòng 5" in page and "Dòng 2:" not in page
    assert "chưa ghi nhận dòng nào" in page
    states = {leg.state for leg in _legs("result")}
    assert states == {"registered"}
    assert db.session.execute(db.select(Notification).filter_by(event="handed_to_post")).first() is None


def test_desk_is_for_reception_and_admin_only(ctx, app):
    for role in ("department", "leader", "citizen"):
        client = fresh_client(app)
        sign_in(client, make_user(role, agency=None))
        assert client.get("/staff/buu-chinh/").status_code == 403
    assert fresh_client(app).get("/staff/buu-chinh/").status_code in (302, 303, 401)


def test_waybill_import_twice_changes_nothing_the_second_time(ctx, app):
    (dossier,) = _ready(1)
    client = _desk(app)
    name = _batch(client, [dossier])
    data = _csv([f"{dossier.code},EB200000001VN,"])
    for _round in range(2):
        answer = _post(client, f"/staff/buu-chinh/lo/{name}/nhap-van-don",
                       {"file": (io.BytesIO(data), "vnpost.csv")}, content_type="multipart/form-data")
        assert answer.status_code == 303
    notes = db.session.execute(db.select(Notification).filter_by(event="handed_to_post", channel="email")
                               ).scalars().all()
    events = db.session.execute(
        db.select(StatusEvent).filter(StatusEvent.note.contains("EB200000001VN"))).all()
    assert len(events) == 1 and len(notes) == 1
