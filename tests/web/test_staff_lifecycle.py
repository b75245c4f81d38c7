"""A dossier's whole life through the test client: citizen, reception and department."""

import io
import re
from datetime import date

import pytest

from app.extensions import db
from app.lib.time import local_today
from app.models import Dossier, Status, StatusEvent, SupplementRequest
from app.services.workflow import deadlines
from tests.factories import (
    VALID_PHONE,
    jpeg_bytes,
    load_test_holidays,
    make_procedure,
    make_user,
    manifest,
    new_key,
    pdf_bytes,
    png_bytes,
    sha,
)
from tests.helpers import csrf_token, fresh_client, post_dossier, put_blob, sign_in


@pytest.fixture
def people(app, ctx):
    """The procedure, a submitted dossier and one signed-in client per person."""
    load_test_holidays(local_today().year, local_today().year + 1)
    proc = make_procedure()
    reception = make_user("reception", name="Trần Thị Tiếp Nhận")
    department = make_user("department", agency=proc.agency, name="Lê Văn Sở")
    leader = make_user("leader", name="Phạm Lãnh Đạo")
    citizen = fresh_client(app)
    a, b = jpeg_bytes(), pdf_bytes()
    put_blob(citizen, a)
    put_blob(citizen, b)
    body = manifest(proc, [(0, a), (1, b)], return_method="electronic")
    code = post_dossier(citizen, body, new_key()).json["code"]
    page = citizen.get(f"/tra-cuu?ma={code}").get_data(as_text=True)
    assert citizen.post("/tra-cuu", data={"code": code, "secret": VALID_PHONE,
                                          "csrf_token": csrf_token(page)}).status_code == 303
    clients = {}
    for name, user in (("reception", reception), ("department", department), ("leader", leader)):
        clients[name] = fresh_client(app)
        sign_in(clients[name], user)
    clients["citizen"] = citizen
    return code, clients


def dossier(code: str) -> Dossier:
    return db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()


def act(client, code: str, slug: str, data: dict | None = None, files: dict | None = None):
    """Submit one action form from the dossier page, as the officer sees it now."""
    page = client.get(f"/staff/ho-so/{code}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    form = {"csrf_token": csrf_token(page), "version": version.group(1) if version else "", **(data or {})}
    for name, (content, filename) in (files or {}).items():
        form[name] = (io.BytesIO(content), filename)
    return client.post(f"/staff/ho-so/{code}/{slug}", data=form, content_type="multipart/form-data")


def statuses(code: str) -> list[int]:
    return [e.to_status for e in dossier(code).events]


def test_whole_lifecycle(people, app):
    code, c = people
    rec, dep, citizen = c["reception"], c["department"], c["citizen"]

    # Reception sees the new dossier at the top of the queue and opens it.
    queue = rec.get("/staff/").get_data(as_text=True)
    assert code in queue and "Mới đăng ký" in queue
    page = rec.get(f"/staff/ho-so/{code}").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Xin việc" in page and "tep-0.jpg" in page
    assert "Tiếp nhận hồ sơ" in page and "Từ chối tiếp nhận" in page

    # A refusal without a reason is refused itself, and changes nothing.
    response = act(rec, code, "tu-choi", {"note": " "})
    assert response.status_code == 422 and "Vui lòng ghi lý do" in response.get_data(as_text=True)
    assert dossier(code).status == Status.SUBMITTED

    # Intake finds a document missing: supplement request, answered by the citizen online.
    deadline = deadlines.load_calendar().add_working_days(local_today(), 3)
    response = act(rec, code, "yeu-cau-bo-sung", {"items": "Bản chụp căn cước rõ nét", "deadline": deadline})
    assert response.status_code == 303
    status_page = citizen.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Hồ sơ cần bổ sung" in status_page
    form = citizen.get(f"/ho-so/{code}/bo-sung").get_data(as_text=True)
    assert "Bản chụp căn cước rõ nét" in form
    key = re.search(r'name="client_id" value="([^"]+)"', form).group(1)
    sent = citizen.post(f"/ho-so/{code}/bo-sung", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(form), "client_id": key, "note": "Ảnh chụp lại",
        "files": (io.BytesIO(png_bytes()), "can-cuoc.png")})
    assert sent.status_code == 303
    assert "Đã nhận giấy tờ bổ sung" in citizen.get(sent.location).get_data(as_text=True)
    assert dossier(code).status == Status.SUBMITTED

    # Accepted: the due date is fixed from now; then forwarded to the department.
    assert act(rec, code, "tiep-nhan").status_code == 303
    accepted = dossier(code)
    assert accepted.accepted_at is not None and accepted.due_date > local_today()
    assert act(rec, code, "chuyen-xu-ly").status_code == 303

    # The department asks for one more document; the citizen answers through the outbox API.
    assert act(dep, code, "yeu-cau-bo-sung", {"items": "Giấy xác nhận cư trú", "deadline": deadline}
               ).status_code == 303
    assert dossier(code).clock_stopped_on == local_today()
    extra = pdf_bytes("cu tru")
    put_blob(citizen, extra)
    body = {"secret": VALID_PHONE, "documents": [{"sha256": sha(extra),
                                                  "name": "cu-tru.pdf"}]}
    key = new_key()
    first = citizen.post(f"/api/v1/dossiers/{code}/supplements", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 201 and first.json["status"] == Status.PROCESSING
    again = citizen.post(f"/api/v1/dossiers/{code}/supplements", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json["supplement"] == 2
    assert dossier(code).supplement_count == 2 and dossier(code).clock_stopped_on is None

    # Fees, then the result, returned electronically.
    assert act(dep, code, "yeu-cau-nop-phi").status_code == 303
    assert act(dep, code, "xac-nhan-nop-phi", {"note": "Biên lai số 123"}).status_code == 303
    missing = act(dep, code, "hoan-thanh", {"return_method": "electronic"})
    assert missing.status_code == 422
    assert "Vui lòng đính kèm văn bản kết quả" in missing.get_data(as_text=True)
    result = pdf_bytes("ket qua")
    assert act(dep, code, "hoan-thanh", {"return_method": "electronic"},
               {"result": (result, "phieu-ly-lich.pdf")}).status_code == 303
    assert dossier(code).status == Status.RESOLVED and dossier(code).finished_at is not None
    assert "Người nộp tải kết quả điện tử" in rec.get(f"/staff/ho-so/{code}").get_data(as_text=True)

    status_page = citizen.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Kết quả điện tử đã sẵn sàng" in status_page
    taken = citizen.post(f"/ho-so/{code}/nhan-ket-qua", data={"csrf_token": csrf_token(status_page)})
    assert taken.status_code == 303
    download = citizen.get(taken.location)
    assert download.data.startswith(result) and b"/ByteRange" in download.data  # signed (test_results.py)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    final = dossier(code)
    assert final.status == Status.RETURNED and final.return_method == "electronic"
    S = Status
    assert statuses(code) == [S.SUBMITTED, S.SUPPLEMENT, S.SUBMITTED, S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT,
                              S.PROCESSING, S.AWAITING_PAYMENT, S.PROCESSING, S.RESOLVED, S.RETURNED]
    labels = [e.actor_label for e in final.events]
    assert labels[1] == "Trần Thị Tiếp Nhận" and labels[5] == "Lê Văn Sở"
    assert labels[2].startswith("Người nộp") and labels[-1].startswith("Người nộp")
    requests = db.session.execute(db.select(SupplementRequest)).scalars().all()
    assert [r.answered_at is not None for r in requests] == [True, True]
    sheet = rec.get(f"/staff/ho-so/{code}/in/kiem-soat").get_data(as_text=True)
    assert "Phiếu kiểm soát quá trình" in sheet and "Trước hạn" in sheet


def test_counter_return_and_leader_reads_only(people):
    code, c = people
    rec, dep, leader = c["reception"], c["department"], c["leader"]
    act(rec, code, "tiep-nhan")
    act(rec, code, "chuyen-xu-ly")
    act(dep, code, "hoan-thanh", {"return_method": "counter"}, {"result": (jpeg_bytes(), "kq.jpg")})
    page = leader.get(f"/staff/ho-so/{code}").get_data(as_text=True)
    assert "Không có thao tác nào dành cho bạn" in page and 'name="version"' not in page
    refused = act(leader, code, "tra-ket-qua")
    assert refused.status_code == 403 and "Bạn không có quyền" in refused.get_data(as_text=True)
    assert act(rec, code, "tra-ket-qua", {"note": "Đã trao tận tay"}).status_code == 303
    d = dossier(code)
    assert d.status == Status.RETURNED and d.returned_at and d.events[-1].note == "Đã trao tận tay"


def test_withdrawal_from_the_status_page_then_stopped_by_staff(people):
    code, c = people
    citizen, rec = c["citizen"], c["reception"]
    page = citizen.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Rút hồ sơ" in page
    response = citizen.post(f"/ho-so/{code}/rut-ho-so", data={
        "csrf_token": csrf_token(page), "reason": "Nộp nhầm thủ tục"})
    assert response.status_code == 303
    assert "Đã gửi yêu cầu rút hồ sơ" in citizen.get(f"/ho-so/{code}").get_data(as_text=True)
    assert dossier(code).status == Status.WITHDRAWAL_REQUESTED
    assert act(rec, code, "dung-xu-ly", {"note": "Theo yêu cầu của người nộp"}).status_code == 303
    assert dossier(code).status == Status.STOPPED
    assert "Rút hồ sơ" not in citizen.get(f"/ho-so/{code}").get_data(as_text=True)


def test_refusal_slip_and_supplement_request_print(people):
    code, c = people
    rec = c["reception"]
    act(rec, code, "yeu-cau-bo-sung", {"items": "Tờ khai\nẢnh 4x6", "deadline": date(2099, 1, 2).isoformat()})
    slip = rec.get(f"/staff/ho-so/{code}/in/bo-sung/1").get_data(as_text=True)
    assert "Phiếu yêu cầu bổ sung" in slip and "<li>Ảnh 4x6</li>" in slip and "02/01/2099" in slip
    assert rec.get(f"/staff/ho-so/{code}/in/tu-choi").status_code == 404  # not refused
    d = dossier(code)
    assert d.status == Status.SUPPLEMENT


def test_stale_form_gets_409_and_changes_nothing(people):
    code, c = people
    rec = c["reception"]
    old_page = rec.get(f"/staff/ho-so/{code}").get_data(as_text=True)  # officer A draws the page
    other = c["reception"]
    assert act(other, code, "tiep-nhan").status_code == 303  # officer B accepts meanwhile
    response = rec.post(f"/staff/ho-so/{code}/tu-choi", data={
        "csrf_token": csrf_token(old_page), "version": "1", "note": "Thiếu giấy tờ"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Hồ sơ đã được thay đổi bởi Trần Thị Tiếp Nhận" in text
    assert "Được tiếp nhận" in text  # the page shows what is true now
    assert dossier(code).status == Status.ACCEPTED
    assert db.session.execute(db.select(db.func.count()).select_from(StatusEvent)).scalar_one() == 2
