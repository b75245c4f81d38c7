"""The plain HTML apply form, end to end, and every kind of bad input it must survive."""

import io
import threading

from app.extensions import db
from app.models import Blob, Dossier
from tests.factories import VALID_ID, jpeg_bytes, make_procedure, pdf_bytes, sha
from tests.helpers import client_id_of, csrf_token


def form_for(client, proc, **overrides) -> tuple[dict, str]:
    page = client.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page), "client_id": client_id_of(page),
        "applicant.name": "Trần Thị Bình", "applicant.id_number": VALID_ID,
        "applicant.phone": "0987 654 321", "applicant.email": "",
        "applicant.address": "45 Trưng Nữ Vương, phường Tân Ninh, tỉnh Tây Ninh",
        "fields.purpose": "Bổ sung hồ sơ xin việc", "fields.copies": "2",
        "return_method": "counter",
    }
    data[f"documents.{proc.requirements[0].id}"] = (io.BytesIO(pdf_bytes()), "to-khai.pdf")
    data[f"documents.{proc.requirements[1].id}"] = [
        (io.BytesIO(jpeg_bytes()), "cccd-mat-truoc.jpg"),
        (io.BytesIO(jpeg_bytes(color=(0, 0, 0))), "cccd-mat-sau.jpg"),
    ]
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}, page


def dossiers() -> list[Dossier]:
    return list(db.session.execute(db.select(Dossier)).scalars())


def test_apply_creates_dossier_and_shows_receipt(client, ctx):
    proc = make_procedure()
    data, _page = form_for(client, proc)
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert response.status_code == 303
    [dossier] = dossiers()
    assert dossier.status == 1 and dossier.channel == 2
    assert dossier.applicant_phone == "0987654321"
    assert dossier.form_data == {"purpose": "Bổ sung hồ sơ xin việc", "copies": 2}
    assert sorted(d.original_name for d in dossier.documents) == [
        "cccd-mat-sau.jpg", "cccd-mat-truoc.jpg", "to-khai.pdf"]
    assert dossier.due_date is not None

    receipt = client.get(response.headers["Location"])
    html = receipt.get_data(as_text=True)
    assert receipt.status_code == 200
    assert dossier.code in html and "Trần Thị Bình" in html
    assert "to-khai.pdf" in html and "KB)" in html
    assert dossier.due_date.strftime("%d/%m/%Y") in html
    assert "<svg" in html  # QR code to the tracking page
    assert VALID_ID not in html  # the ID number is masked on screen


def test_double_submit_makes_one_dossier(client, ctx):
    proc = make_procedure()
    data, _page = form_for(client, proc)
    first = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    data2, _ = form_for(client, proc, client_id=data["client_id"], csrf_token=data["csrf_token"])
    second = client.post(f"/thu-tuc/{proc.code}/nop", data=data2)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].split("?")[0] == second.headers["Location"].split("?")[0]
    assert len(dossiers()) == 1


def test_concurrent_double_click_makes_one_dossier(app, ctx):
    """Two posts of the same form racing each other: one dossier, both see its receipt."""
    proc = make_procedure()
    results = []
    c0 = app.test_client()
    data, _ = form_for(c0, proc)

    def post():
        c = app.test_client()
        with c.session_transaction() as s, c0.session_transaction() as s0:
            s.update(s0)
        payload, _ = form_for(c, proc, client_id=data["client_id"])
        results.append(c.post(f"/thu-tuc/{proc.code}/nop", data=payload))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [303, 303]
    assert len(dossiers()) == 1


def test_renamed_executable_is_refused_with_415_and_the_good_file_kept(client, ctx):
    proc = make_procedure()
    fake = (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 500), "anh-the.jpg")
    data, _ = form_for(client, proc, **{f"documents.{proc.requirements[1].id}": fake})
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 415
    assert "anh-the.jpg không phải tệp PDF, JPEG hoặc PNG" in html
    assert 'role="alert"' in html
    assert dossiers() == []
    # Only the PDF beside it is stored, and the form says it is kept (tests/web/test_apply_files.py).
    assert [b.sha256 for b in db.session.execute(db.select(Blob)).scalars()] == [sha(pdf_bytes())]
    assert f'value="{sha(pdf_bytes())}|to-khai.pdf"' in html
    assert "Trần Thị Bình" in html  # what was typed is still there


def test_oversize_file_is_refused_with_413(client, ctx, app):
    app.config["MAX_FILE_BYTES"] = 50_000
    proc = make_procedure()
    big = (io.BytesIO(jpeg_bytes() + b"\x00" * 60_000), "scan-lon.jpg")
    data, _ = form_for(client, proc, **{f"documents.{proc.requirements[0].id}": big})
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert response.status_code == 413
    assert "scan-lon.jpg quá lớn" in response.get_data(as_text=True)
    assert dossiers() == []


def test_request_over_the_hard_cap_gets_vietnamese_413(client, ctx, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    proc = make_procedure()
    data, _ = form_for(client, proc)
    data[f"documents.{proc.requirements[0].id}"] = (io.BytesIO(b"%PDF" + b"0" * 20_000), "x.pdf")
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert response.status_code == 413
    assert "quá lớn" in response.get_data(as_text=True)
    assert dossiers() == []


def test_missing_document_and_bad_id_rerender_with_errors_and_keep_files(client, ctx):
    proc = make_procedure()
    data, _ = form_for(client, proc, **{
        "applicant.id_number": "0792030012", f"documents.{proc.requirements[1].id}": None})
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#applicant-id_number"' in html  # the summary links to the field
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in html
    assert "Vui lòng đính kèm giấy tờ này." in html
    assert dossiers() == []
    # The PDF that was fine is kept, so the person does not attach it again.
    assert f'name="kept.{proc.requirements[0].id}" value="{sha(pdf_bytes())}|to-khai.pdf"' in html

    # Correcting the ID and attaching the missing photo, without re-attaching the PDF, succeeds.
    retry, _ = form_for(client, proc, **{
        "client_id": data["client_id"], f"documents.{proc.requirements[0].id}": None,
        f"kept.{proc.requirements[0].id}": f"{sha(pdf_bytes())}|to-khai.pdf"})
    assert client.post(f"/thu-tuc/{proc.code}/nop", data=retry).status_code == 303
    [dossier] = dossiers()
    assert "to-khai.pdf" in [d.original_name for d in dossier.documents]


def test_html_in_name_is_shown_escaped(client, ctx):
    proc = make_procedure()
    name = '<script>alert("x")</script>Lan'
    data, _ = form_for(client, proc, **{"applicant.name": name})
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;Lan" in receipt
    assert '<script>alert("x")' not in receipt


def test_missing_csrf_token_is_refused_and_changes_nothing(client, ctx):
    proc = make_procedure()
    data, _ = form_for(client, proc, csrf_token=None)
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    assert dossiers() == []


def test_post_return_refused_for_procedure_without_postal_service(client, ctx):
    proc = make_procedure(postal_allowed=False)
    data, _ = form_for(client, proc, return_method="post")
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert response.status_code == 422
    assert "không nhận trả kết quả qua bưu chính" in response.get_data(as_text=True)
    assert dossiers() == []


def test_receipt_is_not_visible_to_another_browser(app, client, ctx):
    proc = make_procedure()
    data, _ = form_for(client, proc)
    location = client.post(f"/thu-tuc/{proc.code}/nop", data=data).headers["Location"]
    code = dossiers()[0].code
    stranger = app.test_client()
    assert stranger.get(f"/ho-so/{code}/bien-nhan").status_code == 404
    assert stranger.get(f"/ho-so/{code}").status_code == 404
    assert stranger.get(f"/ho-so/{code}/bien-nhan?t=forged").status_code == 404
    assert stranger.get(location).status_code == 200  # the signed link itself works


def test_server_error_rolls_back_and_answers_in_vietnamese(client, ctx, app, tmp_path):
    (tmp_path / "not-a-dir").write_text("x")
    app.config["BLOB_STORE"] = str(tmp_path / "not-a-dir")  # writing any file will fail
    proc = make_procedure()
    data, _ = form_for(client, proc)
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert response.status_code == 500
    assert "Hệ thống gặp sự cố" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Blob)).first() is None
    assert dossiers() == []
