"""The plain apply form judges fields and files in one round, and keeps good files across it.

Without JavaScript the person gets every reason at once (the empty field and each refused
file, by its field and in the summary), the files that were fine are kept on the server and
listed as received, and only this browser may name them again.
"""

import io

from app.extensions import db
from app.models import Blob, Dossier
from tests.factories import jpeg_bytes, make_procedure, pdf_bytes, sha
from tests.helpers import client_id_of, csrf_token, fresh_client, post_in_memory
from tests.web.test_apply_form import form_for

MB = 1024 * 1024
EXE = b"MZ\x90\x00" + b"\x00" * 500  # a Windows program


def dossiers() -> list[Dossier]:
    return list(db.session.execute(db.select(Dossier)).scalars())


def blob_hashes() -> set[str]:
    return {b.sha256 for b in db.session.execute(db.select(Blob)).scalars()}


def test_missing_field_bad_file_and_good_file_answered_together(app, ctx):
    client = fresh_client(app)
    proc = make_procedure()
    form, photo = proc.requirements[0].id, proc.requirements[1].id
    data, _ = form_for(client, proc, **{
        "applicant.name": "", f"documents.{photo}": (io.BytesIO(EXE), "cccd.pdf")})
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    html = response.get_data(as_text=True)

    assert response.status_code == 422  # a field is wrong too: one answer for all of it
    summary = html[html.index('id="error-summary"'):html.index("</ul>")]
    assert 'href="#applicant-name"' in summary
    assert f'href="#documents-{photo}"' in summary
    assert "cccd.pdf không phải tệp PDF, JPEG hoặc PNG" in summary
    assert f'id="documents-{photo}-error">cccd.pdf không phải tệp PDF, JPEG hoặc PNG' in html
    assert "Vui lòng đính kèm giấy tờ này." not in html  # the file's own reason, not "attach one"
    # The good PDF is stored and carried back by its hash, ticked; the program is not.
    assert blob_hashes() == {sha(pdf_bytes())}
    assert f'name="kept.{form}" value="{sha(pdf_bytes())}|to-khai.pdf" checked' in html
    assert "✓ Đã nhận: to-khai.pdf, 1 KB — giữ lại" in html
    assert dossiers() == []

    # Fixing the name and choosing a real photo, without sending the PDF again, files it.
    retry, _ = form_for(client, proc, **{
        "client_id": data["client_id"], f"documents.{form}": None,
        f"kept.{form}": f"{sha(pdf_bytes())}|to-khai.pdf",
        f"documents.{photo}": (io.BytesIO(jpeg_bytes()), "cccd.jpg")})
    assert client.post(f"/thu-tuc/{proc.code}/nop", data=retry).status_code == 303
    [dossier] = dossiers()
    assert sorted((d.original_name, d.sha256) for d in dossier.documents) == sorted([
        ("to-khai.pdf", sha(pdf_bytes())), ("cccd.jpg", sha(jpeg_bytes()))])


def test_another_browser_cannot_attach_a_kept_file_by_its_hash(app, ctx):
    client = fresh_client(app)
    proc = make_procedure()
    form = proc.requirements[0].id
    data, _ = form_for(client, proc, **{"applicant.name": ""})
    assert client.post(f"/thu-tuc/{proc.code}/nop", data=data).status_code == 422
    assert sha(pdf_bytes()) in blob_hashes()  # stored, and known to whoever saw the page

    stranger = fresh_client(app)
    answers = []
    for named in (sha(pdf_bytes()), "ab" * 32):  # someone else's file, and no file at all
        attempt, _ = form_for(stranger, proc, **{
            f"documents.{form}": None, f"kept.{form}": f"{named}|to-khai.pdf"})
        response = stranger.post(f"/thu-tuc/{proc.code}/nop", data=attempt)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "to-khai.pdf" not in html
        answers.append(html[html.index('id="error-summary"'):html.index("</ul>")])
    assert answers[0] == answers[1]  # the answer does not tell whether that hash exists
    assert f'href="#documents-{form}">Tờ khai: Vui lòng đính kèm giấy tờ này.' in answers[0]
    assert dossiers() == []


def test_kept_file_unticked_is_dropped_and_bad_values_are_ignored(client, ctx):
    proc = make_procedure()
    form = proc.requirements[0].id
    data, _ = form_for(client, proc, **{"applicant.name": ""})
    client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    retry, _ = form_for(client, proc, **{
        "client_id": data["client_id"], f"documents.{form}": None,
        f"kept.{form}": ["not-a-hash|x.pdf", f"{sha(pdf_bytes()).upper()}|x.pdf", "|"],
        "kept.abc": f"{sha(pdf_bytes())}|to-khai.pdf"})
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=retry)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'href="#documents-{form}">Tờ khai: Vui lòng đính kèm giấy tờ này.' in html
    assert dossiers() == []


def test_a_30_mb_file_is_reported_with_its_real_size(client, ctx):
    proc = make_procedure()
    form = proc.requirements[0].id
    big = pdf_bytes() + b"%" * (int(30.2 * MB) - len(pdf_bytes()))
    data, _ = form_for(client, proc, **{f"documents.{form}": (io.BytesIO(big), "so-do.pdf")})
    response = post_in_memory(client, f"/thu-tuc/{proc.code}/nop", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "so-do.pdf quá lớn: tệp nặng 30,2 MB; mỗi tệp tối đa 10 MB." in html
    assert "10,0 MB" not in html
    assert sha(big) not in blob_hashes() and len(blob_hashes()) == 2  # the two photos are kept
    assert dossiers() == []


def test_files_over_a_dossier_together_are_kept_and_the_total_said(client, ctx, app):
    app.config["MAX_DOSSIER_BYTES"] = 1024
    proc = make_procedure()
    data, _ = form_for(client, proc)
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Các tệp của hồ sơ nặng 2 KB; một hồ sơ tối đa 1 KB." in html
    assert html.count("— giữ lại") == 3  # each is fine alone: untick one rather than choose again
    assert dossiers() == []


def test_a_body_over_the_hard_cap_comes_back_filled_in_with_each_size(client, ctx, app):
    app.config.update(MAX_CONTENT_LENGTH=300_000, MAX_FILE_BYTES=100_000, MAX_DOSSIER_BYTES=250_000)
    proc = make_procedure()
    form, photo = proc.requirements[0].id, proc.requirements[1].id
    first, _ = form_for(client, proc, **{"applicant.name": ""})  # keeps the PDF on the server
    assert client.post(f"/thu-tuc/{proc.code}/nop", data=first).status_code == 422
    stored = blob_hashes()

    big = jpeg_bytes() + b"\x00" * 400_000
    data, _ = form_for(client, proc, **{
        "client_id": first["client_id"], f"documents.{form}": None,
        f"kept.{form}": f"{sha(pdf_bytes())}|to-khai.pdf",
        f"documents.{photo}": [(io.BytesIO(big), "cccd-to.jpg"), (io.BytesIO(jpeg_bytes()), "cccd.jpg")]})
    response = post_in_memory(client, f"/thu-tuc/{proc.code}/nop", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Hồ sơ chưa được gửi: các tệp quá lớn" in html
    assert "Các tệp gửi cùng lúc nặng 394 KB, nên máy chủ không nhận hồ sơ và chưa lưu tệp nào." in html
    assert "Mỗi tệp tối đa 98 KB, cả hồ sơ tối đa 244 KB." in html
    assert "cccd-to.jpg quá lớn: tệp nặng 391 KB; mỗi tệp tối đa 98 KB." in html
    assert "cccd.jpg (1 KB) chưa được lưu; vui lòng chọn lại." in html
    # What was typed comes back, the PDF kept before is still kept, nothing new is stored.
    assert 'value="Bổ sung hồ sơ xin việc"' in html and "45 Trưng Nữ Vương" in html
    assert f'value="{sha(pdf_bytes())}|to-khai.pdf" checked' in html
    assert client_id_of(html) == first["client_id"] and csrf_token(html)
    assert blob_hashes() == stored
    assert dossiers() == []


def test_other_pages_over_the_cap_say_the_limits(client, ctx, app):
    app.config.update(MAX_CONTENT_LENGTH=10_000)
    response = client.post("/tra-cuu", data={"code": "x" * 20_000})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "chưa có gì được lưu. Mỗi tệp tối đa 10 MB, cả hồ sơ tối đa 50 MB." in html


def test_a_broken_body_over_the_cap_gets_the_plain_answer(client, ctx, app):
    app.config.update(MAX_CONTENT_LENGTH=1000)
    proc = make_procedure()
    for body in (b"x" * 5000, b"--zzz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + b"y" * 5000):
        response = client.post(f"/thu-tuc/{proc.code}/nop", data=body,
                               content_type="multipart/form-data; boundary=zzz")
        assert response.status_code == 413
        assert "chưa có gì được lưu" in response.get_data(as_text=True)
