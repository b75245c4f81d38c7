"""What is stored or sent is in the recipient's language; one message per event; SMS by default.

An officer's interface language never reaches the applicant's e-mail or SMS, nor the
timeline; the applicant's own language (the one they submitted in) does reach their
messages. Each event sends one message: an answered supplement is not a second "accepted".
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask_babel import gettext

from app.extensions import db
from app.lib.time import local_today
from app.models import Blob, Document, Dossier, Notification, Status, StatusEvent
from app.models.status import Channel
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers import apology, supplements
from app.services.dossiers.tracking import access_token
from app.services.messaging.delivery import deliver_batch
from app.services.postal import changes as postal_changes
from app.services.postal import desk as postal_desk
from app.services.postal import requests as postal
from tests.factories import (
    VALID_PHONE,
    applicant,
    jpeg_bytes,
    make_dossier,
    make_procedure,
    make_user,
    manifest,
    new_key,
    pdf_bytes,
    sha,
)
from tests.helpers import fresh_client, post_dossier, put_blob, sign_in
from tests.postal_helpers import postal_body
from tests.web.test_apply_form import form_for
from tests.web.test_notifications import queued
from tests.web.test_staff_lifecycle import act


def sent(channel: str | None = None) -> list[tuple[str, str, str]]:
    """(event, subject, body) of every message queued, oldest first."""
    return [(n.event, n.subject, n.body) for n in queued(channel)]


def timeline(dossier: Dossier) -> list[StatusEvent]:
    return list(db.session.execute(db.select(StatusEvent).filter_by(dossier_id=dossier.id)
                                   .order_by(StatusEvent.id)).scalars())


def english_officer(app, role: str = "reception", **kw):
    """A signed-in officer whose interface is English (checked, so the tests can fail)."""
    client = fresh_client(app)
    sign_in(client, make_user(role, **kw))
    assert client.get("/ngon-ngu/en").status_code == 303
    assert "Dossier" in client.get("/staff/").get_data(as_text=True)
    return client


def test_an_officer_using_english_writes_to_the_applicant_in_vietnamese(app, ctx, smtp):  # noqa: F811
    inbox, _controller = smtp
    dossier = make_dossier(make_procedure())
    officer = english_officer(app)
    answer = act(officer, dossier.code, "tiep-nhan")
    assert answer.status_code == 303
    assert "Dossier accepted." in officer.get(answer.headers["Location"]).get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.status == Status.ACCEPTED
    due = dossier.due_date.strftime("%d/%m/%Y")

    [(event, subject, body)] = sent("email")[1:]
    assert event == "accepted" and subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert f"Ngày hẹn trả kết quả: {due}." in body and "Đây là thư tự động" in body
    assert "accepted" not in body.lower() and "dossier" not in body.lower()
    [sms] = queued("sms")[1:]
    assert sms.recipient == VALID_PHONE and sms.body.startswith(f"Hồ sơ {dossier.code} đã được tiếp nhận. ")

    # The audit trail reads Vietnamese to a Vietnamese reader (the applicant's status page).
    assert timeline(dossier)[-1].note == f"Tiếp nhận; hẹn trả ngày {due}"
    page = fresh_client(app).get(f"/ho-so/{dossier.code}?t={access_token(dossier)}").get_data(as_text=True)
    assert f"Tiếp nhận; hẹn trả ngày {due}" in page

    # Delivered through a real SMTP server on loopback, and the SMS through the spool.
    assert deliver_batch() == (4, 0)
    assert [m["Subject"] for m in inbox.messages] == [f"Đã nhận hồ sơ {dossier.code}", subject]
    spool = Path(app.config["SMS_SPOOL"]).read_text(encoding="utf-8")
    assert f"{VALID_PHONE}\tHồ sơ {dossier.code} đã được tiếp nhận. http" in spool


def test_a_supplement_request_in_english_reaches_the_applicant_in_vietnamese(app, ctx):
    dossier = make_dossier(make_procedure())
    officer = english_officer(app)
    assert act(officer, dossier.code, "tiep-nhan").status_code == 303
    deadline = local_today() + timedelta(days=5)
    answer = act(officer, dossier.code, "yeu-cau-bo-sung",
                 {"items": "Ảnh 4x6", "deadline": deadline.isoformat()})
    assert answer.status_code == 303
    event, subject, body = sent("email")[-1]
    assert (event, subject) == ("supplement_requested", f"Hồ sơ {dossier.code} cần bổ sung giấy tờ")
    assert "- Ảnh 4x6" in body and f"Hạn bổ sung: {deadline.strftime('%d/%m/%Y')}" in body
    assert timeline(dossier)[-1].note == "Yêu cầu bổ sung (lần 1): Ảnh 4x6"


def _walk(dossier: Dossier, rec: Actor, dep: Actor) -> None:
    """Every kind of stored or sent text: transitions, supplements, apology, postal steps."""
    citizen = Actor.citizen(dossier)
    workflow.accept(dossier, rec)
    workflow.request_supplement(dossier, rec, "Ảnh 4x6", local_today() + timedelta(days=5))
    blob = dossier.documents[0]
    supplements.answer(dossier, {"documents": [{"sha256": blob.sha256, "name": "anh.jpg",
                                                "requirement": blob.requirement_id}], "note": ""},
                       new_key(), citizen)
    workflow.forward(dossier, rec)
    apology.apologise(dossier, dep, dossier.due_date + timedelta(days=3), "Chờ ý kiến")
    req, _new = postal.register(dossier, postal_body(), new_key(), citizen)
    postal_changes.change(dossier, req.id, postal_body(recipient_name="Lê Văn Bình"), new_key(), citizen)
    postal_changes.cancel(dossier, req.id, {}, new_key(), citizen)
    workflow.request_withdrawal(dossier, citizen, "")
    workflow.decline_withdrawal(dossier, rec, "Đã thẩm định")
    result = db.session.get(Blob, blob.sha256)
    workflow.resolve(dossier, dep, [Document(original_name="ket-qua.pdf", media_type=result.media_type,
                                             size=result.size, sha256=result.sha256)], "post")
    req, _new = postal.register(dossier, postal_body(), new_key(), citizen)  # the desk's steps
    leg = req.leg("result")
    postal_desk.make_batch([leg.id])
    postal_desk.hand_over(leg, waybill(dossier), local_today(), rec)
    postal_desk.finish(leg, local_today(), rec)
    assert dossier.status == Status.RETURNED


def waybill(dossier: Dossier) -> str:
    return f"EB{dossier.id:09d}VN"


def test_nothing_stored_or_sent_follows_the_language_of_the_request(app, ctx):
    """The class, not one case: the same walk under either interface language writes the same text."""
    proc = make_procedure()
    rec = Actor.of(make_user("reception", name="Lê Tiếp Nhận"))
    dep = Actor.of(make_user("department", agency=proc.agency, name="Trần Xử Lý"))
    texts = {}
    for lang in ("vi", "en"):
        db.session.execute(db.delete(Notification))
        db.session.commit()
        # A context of its own per language, as each request has (the locale is cached in it).
        with app.app_context(), app.test_request_context(f"/?lang={lang}"):
            assert gettext("Được tiếp nhận") == {"vi": "Được tiếp nhận", "en": "Accepted"}[lang]
            dossier = make_dossier(proc)
            _walk(dossier, rec, dep)
            code, dossier_id, bill = dossier.code, dossier.id, waybill(dossier)

        def same(text: str, code=code, bill=bill) -> str:
            return text.replace(code, "CODE").replace(bill, "WAYBILL")
        events = db.session.execute(db.select(StatusEvent).filter_by(dossier_id=dossier_id)
                                    .order_by(StatusEvent.id)).scalars()
        texts[lang] = [(same(e.note), e.actor_label) for e in events] + [
            (n.channel, n.event, same(n.subject), same(n.body)) for n in queued(None)]
    assert texts["en"] == texts["vi"]
    assert {row[1] for row in texts["vi"] if len(row) == 4} == {
        "received", "accepted", "supplement_requested", "supplement_received", "apology",
        "withdrawal_declined", "resolved", "handed_to_post", "delivered"}
    notes = [row[0] for row in texts["en"] if len(row) == 2]
    assert "Hủy yêu cầu gửi qua bưu chính" in notes and "Đã bổ sung 1 tệp" in notes
    assert any(n.startswith("Đăng ký dịch vụ bưu chính công ích: Gửi kết quả; cước ") for n in notes)
    assert any(n.startswith("Thay đổi yêu cầu bưu chính: Người nhận: Lê Văn Bình") for n in notes)
    labels = {row[1] for row in texts["en"] if len(row) == 2}
    assert notes[1].startswith("Tiếp nhận; hẹn trả ngày") and "Người nộp: Nguyễn Văn An" in labels
    assert "Giao kết quả cho bưu chính, số vận đơn WAYBILL" in notes
    assert "Bưu chính công ích (ghi nhận: Lê Tiếp Nhận)" in labels


def test_an_applicant_who_submits_in_english_is_written_to_in_english(app, ctx):
    proc = make_procedure()
    citizen = fresh_client(app)
    assert citizen.get("/ngon-ngu/en").status_code == 303
    docs = [(0, pdf_bytes()), (1, jpeg_bytes())]
    for _i, data in docs:
        assert put_blob(citizen, data).status_code in (200, 201)
    assert post_dossier(citizen, manifest(proc, docs), new_key()).status_code == 201
    [dossier] = db.session.execute(db.select(Dossier)).scalars()
    assert dossier.language == "en"

    workflow.accept(dossier, Actor.of(make_user("reception")))  # by an officer using Vietnamese
    event, subject, body = sent("email")[-1]
    assert (event, subject) == ("accepted", f"Dossier {dossier.code} has been accepted")
    assert queued("sms")[-1].body.startswith(f"Dossier {dossier.code} has been accepted. ")
    # The timeline is one record for every reader: Vietnamese.
    assert timeline(dossier)[-1].note.startswith("Tiếp nhận; hẹn trả ngày ")


def test_a_dossier_taken_at_the_counter_is_vietnamese_whatever_the_officer_reads(app, ctx):
    with app.test_request_context("/?lang=en"):
        dossier = make_dossier(make_procedure(), channel=Channel.COUNTER)
    assert dossier.language == "vi"
    [(event, subject, _body)] = sent("email")
    assert (event, subject) == ("received", f"Đã nhận hồ sơ {dossier.code}")


def test_one_accepted_notice_per_event_across_a_supplement_round(app, ctx):
    dossier = make_dossier(make_procedure())
    rec = Actor.of(make_user("reception"))
    workflow.accept(dossier, rec)
    workflow.request_supplement(dossier, rec, "Ảnh 4x6", local_today() + timedelta(days=5))
    ref = {"sha256": dossier.documents[0].sha256, "name": "anh.jpg"}
    key = new_key()
    citizen = Actor.citizen(dossier)
    for _replay in range(2):  # the outbox may send the same answer twice
        supplements.answer(dossier, {"documents": [ref], "note": "Đã chụp lại"}, key, citizen)
    assert dossier.status == Status.ACCEPTED
    events = ["received", "accepted", "supplement_requested", "supplement_received"]
    assert [n.event for n in queued("email")] == events
    assert [n.event for n in queued("sms")] == events
    _e, subject, body = sent("email")[-1]
    assert subject == f"Đã nhận giấy tờ bổ sung cho hồ sơ {dossier.code}"
    assert f"Ngày hẹn trả kết quả: {dossier.due_date.strftime('%d/%m/%Y')}." in body
    assert timeline(dossier)[-1].note == "Đã bổ sung 1 tệp. Đã chụp lại"

    # A second round is its own pair of messages, and still no second "accepted".
    workflow.request_supplement(dossier, rec, "Bản sao hộ khẩu", local_today() + timedelta(days=5))
    supplements.answer(dossier, {"documents": [ref], "note": ""}, new_key(), citizen)
    assert [n.event for n in queued("email")] == events + events[2:]


def _link_in(body: str) -> str:
    return re.search(r"(https?://\S+/tra-cuu\?ma=\S+)", body).group(1)


def _check_acknowledgement(app, dossier: Dossier) -> None:
    [(event, subject, body)] = sent("email")
    assert (event, subject) == ("received", f"Đã nhận hồ sơ {dossier.code}")
    assert "Tiếp theo: cán bộ tiếp nhận kiểm tra hồ sơ" in body
    assert dossier.procedure.name in body and dossier.due_date.strftime("%d/%m/%Y") in body
    link = _link_in(body)
    assert link == f"https://motcua.example.vn/dich-vu/tra-cuu?ma={dossier.code}"
    [sms] = queued("sms")
    assert sms.recipient == dossier.applicant_phone and sms.body.endswith(link)
    # The link works: the tracking page, with the code filled in (the phone is still asked).
    url = urlsplit(link)
    page = fresh_client(app).get(url.path.removeprefix("/dich-vu") + "?" + url.query)
    assert page.status_code == 200
    assert f'value="{dossier.code}"' in page.get_data(as_text=True)


def test_a_dossier_sent_from_the_form_is_acknowledged_with_a_working_tracking_link(app, ctx):
    app.config["PUBLIC_URL"] = "https://motcua.example.vn/dich-vu/"
    proc = make_procedure()
    client = fresh_client(app)
    data, _page = form_for(client, proc, **{"applicant.email": "binh@example.vn"})
    assert client.post(f"/thu-tuc/{proc.code}/nop", data=data).status_code == 303
    [dossier] = db.session.execute(db.select(Dossier)).scalars()
    assert dossier.channel == Channel.ONLINE
    _check_acknowledgement(app, dossier)


def test_a_dossier_from_the_offline_outbox_is_acknowledged_once(app, ctx):
    app.config["PUBLIC_URL"] = "https://motcua.example.vn/dich-vu"
    proc = make_procedure()
    device = fresh_client(app)
    docs = [(0, pdf_bytes()), (1, jpeg_bytes())]
    for _i, data in docs:
        put_blob(device, data, sha(data))
    body, key = manifest(proc, docs), new_key()
    assert post_dossier(device, body, key).status_code == 201
    assert post_dossier(device, body, key).status_code == 200  # the reply was lost; sent again
    [dossier] = db.session.execute(db.select(Dossier)).scalars()
    _check_acknowledgement(app, dossier)


def test_sms_are_spooled_by_default_and_can_be_switched_off(app, ctx):
    assert app.config["SMS_GATEWAY"] == "app.services.messaging.sms:SpoolGateway"  # the embedded default
    app.config["MAIL_PORT"] = 1  # no mail server: the SMS does not depend on it
    proc = make_procedure()
    dossier = make_dossier(proc, applicant=applicant(email="", phone="0987654321"))
    assert [n.channel for n in queued(None)] == ["sms"]  # no e-mail given, a phone always is
    assert deliver_batch() == (1, 0)
    line = Path(app.config["SMS_SPOOL"]).read_text(encoding="utf-8")
    assert line == f"0987654321\tĐã nhận hồ sơ {dossier.code}. {_link_in(line)}\n"

    app.config["SMS_GATEWAY"] = ""
    make_dossier(proc)
    assert [n.channel for n in queued(None)] == ["sms", "email"]
