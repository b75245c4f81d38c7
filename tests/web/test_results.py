"""Signed results on the web: staff attach, the citizen downloads, anyone checks at /xac-thuc."""

import re

import pytest

from app.extensions import db
from app.models import Blob, Document, Status
from app.services.dossiers.tracking import access_token
from app.services.files import blobs
from tests.factories import VALID_PHONE, jpeg_bytes, pdf_bytes, sha
from tests.helpers import csrf_token, fresh_client, sign_in
from tests.results_helpers import flip, processing_dossier, reload, result_pdf, upload

SIGNED_OK = "Chữ ký số hợp lệ"


@pytest.fixture
def at_department(app, ctx):
    """A dossier being processed, and its department's officer signed in."""
    dossier, officer = processing_dossier()
    staff = fresh_client(app)
    sign_in(staff, officer)
    return dossier, staff


def resolve(staff, code: str, files: list[tuple[bytes, str]], method: str = "electronic"):
    page = staff.get(f"/staff/ho-so/{code}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return staff.post(f"/staff/ho-so/{code}/hoan-thanh", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "version": version, "return_method": method,
        "result": [upload(data, name) for data, name in files]})


def check(client, data: bytes | None, name: str = "ket-qua.pdf"):
    """Upload a file to /xac-thuc as the page's form does."""
    page = client.get("/xac-thuc").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page)}
    if data is not None:
        form["file"] = upload(data, name)
    return client.post("/xac-thuc", data=form, content_type="multipart/form-data")


def take_result(app, dossier) -> bytes:
    """The citizen opens the status page, takes the electronic result and downloads it."""
    citizen = fresh_client(app)
    status = citizen.get(f"/ho-so/{dossier.code}?t={access_token(dossier)}").get_data(as_text=True)
    taken = citizen.post(f"/ho-so/{dossier.code}/nhan-ket-qua", data={"csrf_token": csrf_token(status)})
    assert taken.status_code == 303, taken.get_data(as_text=True)[:300]
    download = citizen.get(taken.location)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    return download.data


def test_a_pdf_result_is_kept_signed_downloaded_and_verified(app, at_department):
    dossier, staff = at_department
    original = result_pdf()
    assert resolve(staff, dossier.code, [(original, "phieu-ly-lich.pdf")]).status_code == 303
    [doc] = [d for d in reload(dossier).documents if d.round == "result"]
    stored = blobs.store().read(blobs.get_blob(doc.sha256).storage_key)
    assert doc.sha256 != sha(original) and stored.startswith(original) and doc.size == len(stored)
    assert "có chữ ký số của trung tâm" in staff.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)

    citizen = fresh_client(app)
    status = citizen.get(f"/ho-so/{dossier.code}?t={access_token(dossier)}").get_data(as_text=True)
    assert "Kết quả điện tử đã sẵn sàng" in status and 'href="/xac-thuc"' in status
    downloaded = take_result(app, dossier)
    assert downloaded == stored and reload(dossier).status == Status.RETURNED

    page = check(fresh_client(app), downloaded)  # anyone, signed in or not
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and SIGNED_OK in html and 'data-state="valid"' in html
    assert dossier.code in html and app.config["CENTRE_NAME"] in html
    assert "trùng khớp từng byte với bản kết quả trung tâm đã cấp" in html
    # Nothing about the person beyond what the file carries.
    assert "Nguyễn Văn An" not in html and VALID_PHONE not in html


def test_an_image_result_is_kept_as_sent_and_said_unsigned(app, at_department):
    dossier, staff = at_department
    photo = jpeg_bytes(color=(9, 9, 9))
    assert resolve(staff, dossier.code, [(photo, "ket-qua.jpg")]).status_code == 303
    [doc] = [d for d in reload(dossier).documents if d.round == "result"]
    assert doc.media_type == "image/jpeg" and doc.sha256 == sha(photo)
    assert "không có chữ ký số" in staff.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)
    status = fresh_client(app).get(f"/ho-so/{dossier.code}?t={access_token(dossier)}").get_data(as_text=True)
    assert "Kết quả dạng ảnh không có chữ ký số" in status


def test_a_pdf_that_cannot_be_signed_is_refused_and_nothing_changes(app, at_department):
    dossier, staff = at_department
    answer = resolve(staff, dossier.code, [(b"%PDF-1.4\nnot really\n%%EOF\n", "hong.pdf")])
    assert answer.status_code == 422 and "không ký số được" in answer.get_data(as_text=True)
    dossier = reload(dossier)
    assert dossier.status == Status.PROCESSING and not [d for d in dossier.documents if d.round == "result"]


def test_no_usable_certificate_refuses_with_503_and_attaches_nothing(app, at_department, tmp_path):
    dossier, staff = at_department
    app.config.update(RESULT_SIGNING_KEY=str(tmp_path / "missing.pem"),
                      RESULT_SIGNING_CERT=str(tmp_path / "missing.crt"), RESULT_SIGNING_DEMO=False)
    answer = resolve(staff, dossier.code, [(result_pdf(), "kq.pdf")])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "chứng thư số của trung tâm chưa sẵn sàng" in html
    assert reload(dossier).status == Status.PROCESSING
    assert not (tmp_path / "missing.pem").exists()


def test_the_page_is_a_plain_form(client):
    page = client.get("/xac-thuc")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'name="file"' in html and 'action="/xac-thuc"' in html


@pytest.mark.parametrize(("data", "name", "status", "words", "state"), [
    (None, "", 422, "Vui lòng chọn tệp kết quả", None),
    (b"", "rong.pdf", 422, "Tệp đã chọn không có nội dung", None),
    (jpeg_bytes(), "anh.jpg", 415, "Không phải tệp PDF", "not_pdf"),
    (b"GIF89a" + bytes(300), "x.pdf", 415, "Không phải tệp PDF", "not_pdf"),
    (b"%PDF-1.7\n\xff\xfe garbage", "rac.pdf", 422, "Không đọc được tệp", "unreadable"),
    (pdf_bytes("quet"), "quet.pdf", 200, "Tệp PDF không có chữ ký số", "unsigned"),
])
def test_what_is_not_a_signed_result_is_said_plainly(app, ctx, data, name, status, words, state):
    page = check(fresh_client(app), data, name)
    html = page.get_data(as_text=True)
    assert page.status_code == status and words in html, html[:2000]
    assert (f'data-state="{state}"' in html) if state else ('id="error-summary"' in html)


def test_a_tampered_result_is_told(app, ctx):
    from app.services.results.signing import sign_pdf

    signed = sign_pdf(result_pdf(), "000.00.00.H40-261201-0001")
    for changed in (flip(signed, len(result_pdf()) // 2), flip(signed, -40), signed + b"\n% sua\n"):
        html = check(fresh_client(app), changed).get_data(as_text=True)
        assert SIGNED_OK not in html and 'role="alert"' in html
        assert "bị thay đổi sau khi ký" in html or "bị thêm nội dung sau khi ký" in html


def test_a_file_over_the_limit_is_refused_by_size(app, ctx):
    app.config["MAX_FILE_BYTES"] = 20_000
    page = check(fresh_client(app), result_pdf() + b"%" + b"x" * 30_000)
    assert page.status_code == 413 and "trang này nhận tệp tối đa" in page.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 50_000  # the whole body over the app's cap
    page = check(fresh_client(app), b"%PDF-1.4\n" + b"x" * 60_000)
    assert page.status_code == 413 and "quá lớn" in page.get_data(as_text=True)


def test_without_the_form_token_nothing_is_checked(app, ctx):
    answer = fresh_client(app).post("/xac-thuc", data={"file": upload(result_pdf())},
                                    content_type="multipart/form-data")
    assert answer.status_code == 400 and "data-state" not in answer.get_data(as_text=True)


def test_checks_are_rate_limited_in_their_own_bucket(app, ctx):
    app.config["RESULT_VERIFY_RATE_LIMIT"] = "2 per minute"
    client = fresh_client(app)
    answers = [check(client, pdf_bytes("x")).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    limited = check(client, pdf_bytes("x"))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "thao tác quá nhanh" in limited.get_data(as_text=True)
    assert client.get("/xac-thuc").status_code == 200  # reading the page is not a check
    assert client.get("/tra-cuu").status_code == 200


def test_checking_writes_nothing(app, ctx):
    from app.services.results.signing import sign_pdf

    signed = sign_pdf(result_pdf(), "000.00.00.H40-261201-0002")
    before = (db.session.query(Blob).count(), db.session.query(Document).count())
    for data in (signed, flip(signed, 500), jpeg_bytes(), b"%PDF-1.4 rac"):
        check(fresh_client(app), data)
    assert (db.session.query(Blob).count(), db.session.query(Document).count()) == before


def test_signing_cert_command_makes_the_demo_pair_once(app, runner, tmp_path):
    app.config.update(RESULT_SIGNING_KEY=str(tmp_path / "key.pem"),
                      RESULT_SIGNING_CERT=str(tmp_path / "cert.pem"))
    made = runner.invoke(args=["signing-cert"])
    assert made.exit_code == 0 and "Demo signing certificate written" in made.output
    assert "SHA-256 fingerprint" in made.output and app.config["CENTRE_NAME"] in made.output
    again = runner.invoke(args=["signing-cert"])
    assert again.exit_code == 0 and "left as they are" in again.output
    assert made.output.split("fingerprint: ")[1] == again.output.split("fingerprint: ")[1]
