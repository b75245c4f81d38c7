"""The dossier page, document preview headers, and counter intake of walk-in dossiers."""

import io
import re

import pytest

from app.extensions import db
from app.models import Blob, Channel, Document, Dossier, Status, StatusEvent
from app.services.files.uploads import human_size
from tests.factories import VALID_ID, jpeg_bytes, make_dossier, make_procedure, make_user, pdf_bytes
from tests.helpers import csrf_token, fresh_client, post_in_memory, sign_in


@pytest.fixture
def officer(ctx, client):
    proc = make_procedure()
    sign_in(client, make_user("reception", name="Trần Thị Quầy"))
    return proc


def test_dossier_page_shows_applicant_form_documents_and_timeline(client, officer):
    dossier = make_dossier(officer)
    html = client.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)
    assert VALID_ID in html and "Xin việc" in html and "Mục đích" in html  # label from the procedure
    image, pdf = dossier.documents
    assert f'<img src="/staff/ho-so/{dossier.code}/tep/{image.id}"' in html
    assert f'href="/staff/ho-so/{dossier.code}/tep/{pdf.id}" target="_blank"' in html
    assert "Quá trình xử lý" in html and "Nộp hồ sơ" in html
    assert f'name="version" value="{dossier.version}"' in html


def test_documents_are_served_inline_with_safe_headers(client, officer):
    dossier = make_dossier(officer)
    image, pdf = dossier.documents
    img = client.get(f"/staff/ho-so/{dossier.code}/tep/{image.id}")
    assert img.status_code == 200 and img.mimetype == "image/jpeg"
    assert img.headers["Content-Disposition"].startswith("inline;")
    assert img.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in img.headers["Cache-Control"]
    doc = client.get(f"/staff/ho-so/{dossier.code}/tep/{pdf.id}")
    assert doc.mimetype == "application/pdf" and doc.data.startswith(b"%PDF")
    csp = doc.headers["Content-Security-Policy"]
    # The browser's PDF viewer needs object-src; nothing may frame the file or run script.
    assert "object-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
    # A document of another dossier is not reachable through this one.
    other = make_dossier(officer)
    assert client.get(f"/staff/ho-so/{dossier.code}/tep/{other.documents[0].id}").status_code == 404


def test_counter_intake_registers_and_accepts_a_walk_in(client, officer):
    page = client.get(f"/staff/tiep-nhan/{officer.code}").get_data(as_text=True)
    client_id = re.search(r'name="client_id" value="([^"]+)"', page).group(1)
    reqs = officer.requirements
    form = {
        "csrf_token": csrf_token(page), "client_id": client_id, "accept_now": "1",
        "applicant.name": "Phan Văn Quầy", "applicant.id_number": VALID_ID, "applicant.phone": "0912 345 678",
        "applicant.address": "1 Hùng Vương, Tây Ninh",
        "fields.purpose": "Bổ sung hồ sơ", "fields.copies": "2",
        "return_method": "counter",
        f"documents.{reqs[0].id}": (io.BytesIO(pdf_bytes("to khai")), "to-khai.pdf"),
        f"documents.{reqs[1].id}": (io.BytesIO(jpeg_bytes()), "can-cuoc.jpg"),
    }
    response = client.post(f"/staff/tiep-nhan/{officer.code}", data=form, content_type="multipart/form-data")
    assert response.status_code == 303
    dossier = db.session.execute(db.select(Dossier)).scalar_one()
    assert response.location == f"/staff/ho-so/{dossier.code}"
    assert dossier.channel == Channel.COUNTER and dossier.status == Status.ACCEPTED
    assert dossier.applicant_phone == "0912345678" and len(dossier.documents) == 2
    events = db.session.execute(db.select(StatusEvent).order_by(StatusEvent.id)).scalars().all()
    assert [(e.to_status, e.actor_kind, e.actor_label) for e in events] == [
        (Status.SUBMITTED, "user", "Trần Thị Quầy"), (Status.ACCEPTED, "user", "Trần Thị Quầy")]
    assert f"Đã tạo hồ sơ {dossier.code}" in client.get(response.location).get_data(as_text=True)


def test_counter_intake_keeps_scans_when_a_field_is_wrong(client, officer):
    page = client.get(f"/staff/tiep-nhan/{officer.code}").get_data(as_text=True)
    client_id = re.search(r'name="client_id" value="([^"]+)"', page).group(1)
    req = officer.requirements[0]
    response = client.post(f"/staff/tiep-nhan/{officer.code}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "client_id": client_id, "applicant.name": "Phan Văn Quầy",
        f"documents.{req.id}": (io.BytesIO(pdf_bytes("to khai")), "to-khai.pdf")})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in html or "Vui lòng nhập thông tin này." in html
    assert "✓ Đã nhận: to-khai.pdf" in html and f'name="kept.{req.id}"' in html
    assert db.session.execute(db.select(Dossier)).first() is None
    assert db.session.execute(db.select(Document)).first() is None


def _intake_form(client, officer) -> tuple[str, str]:
    page = client.get(f"/staff/tiep-nhan/{officer.code}").get_data(as_text=True)
    return csrf_token(page), re.search(r'name="client_id" value="([^"]+)"', page).group(1)


def test_counter_intake_ignores_a_kept_scan_this_browser_did_not_send(app, client, officer):
    # Another officer's browser (or a citizen's) stored a scan; knowing its hash is not enough.
    other = fresh_client(app)
    sign_in(other, make_user("reception", name="Lê Văn Khác"))
    token, client_id = _intake_form(other, officer)
    req = officer.requirements[0]
    other.post(f"/staff/tiep-nhan/{officer.code}", content_type="multipart/form-data", data={
        "csrf_token": token, "client_id": client_id,
        f"documents.{req.id}": (io.BytesIO(pdf_bytes("giay to cua nguoi khac")), "cua-nguoi-khac.pdf")})
    sha = db.session.execute(db.select(Blob.sha256)).scalar_one()
    token, client_id = _intake_form(client, officer)
    response = client.post(f"/staff/tiep-nhan/{officer.code}", content_type="multipart/form-data", data={
        "csrf_token": token, "client_id": client_id, "applicant.name": "Phan Văn Quầy",
        "applicant.id_number": VALID_ID, "applicant.phone": "0912345678", "applicant.address": "Số 1",
        f"kept.{req.id}": f"{sha}|cua-nguoi-khac.pdf"})
    assert response.status_code == 422
    assert "cua-nguoi-khac.pdf" not in response.get_data(as_text=True)
    assert db.session.execute(db.select(Dossier)).first() is None


def test_counter_intake_keeps_the_good_scan_and_names_the_bad_one_with_its_real_size(client, officer, app):
    token, client_id = _intake_form(client, officer)
    req = officer.requirements[0]
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_FILE_BYTES"] + 3 * 1024 * 1024)
    response = post_in_memory(client, f"/staff/tiep-nhan/{officer.code}", {
        "csrf_token": token, "client_id": client_id,
        f"documents.{req.id}": [(io.BytesIO(pdf_bytes("to khai")), "to-khai.pdf"),
                                (io.BytesIO(big), "ban-quet-lon.pdf")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422  # fields missing as well: the form's answer
    assert "✓ Đã nhận: to-khai.pdf" in html and "ban-quet-lon.pdf" in html
    assert f"ban-quet-lon.pdf quá lớn: tệp nặng {human_size(len(big))}" in html  # 13 MB, not "10 MB"
    assert db.session.execute(db.select(Dossier)).first() is None


def test_intake_is_for_reception_only(app, officer):
    leader = fresh_client(app)
    sign_in(leader, make_user("leader"))
    assert leader.get("/staff/tiep-nhan").status_code == 403
