"""Declarations filled online: the apply form without script, the API, the PDF kept as a document."""

import io

import pypdf
import pytest

from app.extensions import db
from app.models import Blob, Document, Dossier
from app.services.catalogue.seed import load_catalogue
from app.services.files import blobs
from tests.factories import VALID_ID, jpeg_bytes, make_user, manifest, new_key, sha
from tests.helpers import client_id_of, csrf_token, fresh_client, post_dossier, put_blob, sign_in

LLTP = "2.001417"  # Cấp Phiếu lý lịch tư pháp: its first requirement is the Mẫu 03/2013/TT-LLTP

ANSWERS = {
    "full_name": "Nguyễn Thị Hương", "sex": "Nữ", "birth_date": "1990-05-17",
    "birth_place": "Xã Hòa Thành, tỉnh Tây Ninh", "nationality": "Việt Nam", "ethnicity": "Kinh",
    "residence": "Số 12 đường Trưng Nữ Vương, phường Tân Ninh, tỉnh Tây Ninh",
    "id_number": VALID_ID, "id_issued_on": "2021-08-02", "id_issued_by": "Cục Cảnh sát QLHC về TTXH",
    "father": "Nguyễn Văn Đức", "mother": "Trần Thị Lụa", "spouse": "",
    "residence_history": "2008–2012: học tại Trường Đại học Cần Thơ; 2012 đến nay: nhân viên kế toán",
    "purpose": "Bổ sung hồ sơ xin việc", "copies": "2",
}


@pytest.fixture
def proc(ctx):
    load_catalogue()
    from app.services.catalogue.procedures import get_procedure

    return get_procedure(LLTP)


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def form_for(client, proc, answers: dict) -> dict:
    page = client.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    declaration, photo_id = proc.requirements[0], proc.requirements[1]
    data = {
        "csrf_token": csrf_token(page), "client_id": client_id_of(page),
        "applicant.name": "Nguyễn Thị Hương", "applicant.id_number": VALID_ID,
        "applicant.phone": "0987 654 321", "applicant.email": "",
        "applicant.address": "Số 12 đường Trưng Nữ Vương, phường Tân Ninh, tỉnh Tây Ninh",
        "fields.purpose": "Xin việc", "fields.copies": "1", "fields.kind": "Phiếu số 1",
        "return_method": "counter",
        f"documents.{photo_id.id}": (io.BytesIO(jpeg_bytes()), "cccd.jpg"),
    }
    data |= {f"declarations.{declaration.id}.{k}": v for k, v in answers.items()}
    return data


def test_the_form_offers_the_declaration_and_its_blank_form(client, proc):
    req = proc.requirements[0]
    html = client.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    assert "Điền tờ khai trực tuyến" in html and f'id="declarations-{req.id}-full_name"' in html
    assert "Mẫu số 03/2013/TT-LLTP" in html
    blank = client.get(f"/thu-tuc/{proc.code}/to-khai/{req.id}/mau-trong.pdf")
    assert blank.status_code == 200 and blank.mimetype == "application/pdf"
    text = pdf_text(blank.data)
    assert "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP" in text and "Họ và tên cha" in text
    # A requirement without a declaration has no blank form here.
    other = proc.requirements[1].id
    assert client.get(f"/thu-tuc/{proc.code}/to-khai/{other}/mau-trong.pdf").status_code == 404


def test_filled_online_without_script_the_dossier_keeps_the_rendered_pdf(client, proc):
    req = proc.requirements[0]
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=form_for(client, proc, ANSWERS))
    assert response.status_code == 303, response.get_data(as_text=True)
    [dossier] = db.session.execute(db.select(Dossier)).scalars()
    [document] = [d for d in dossier.documents if d.requirement_id == req.id]
    assert document.media_type == "application/pdf"
    assert document.original_name == "Tờ khai điền trực tuyến - Mẫu số 03-2013-TT-LLTP.pdf"
    data = blobs.store().read(db.session.get(Blob, document.sha256).storage_key)
    assert sha(data) == document.sha256 and len(data) == document.size
    text = pdf_text(data)
    for expected in ("TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", "Kính gửi: Sở Tư pháp",
                     "Họ và tên: Nguyễn Thị Hương", "Giới tính: Nữ", "17/05/1990",
                     "Họ và tên mẹ: Trần Thị Lụa", "Trường Đại học Cần Thơ", "Số lượng Phiếu yêu cầu cấp: 2"):
        assert expected in text, expected
    assert dossier.declarations == {str(req.id): {k: v for k, v in ANSWERS.items() if v} | {"copies": 2}}

    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tờ khai điền trực tuyến - Mẫu số 03-2013-TT-LLTP.pdf" in receipt
    page = client.get(f"/ho-so/{dossier.code}/to-khai/{req.id}")
    assert page.status_code == 200 and "Trần Thị Lụa" in page.get_data(as_text=True)

    # Staff see and download it like an uploaded file.
    staff = fresh_client(client.application)
    sign_in(staff, make_user("reception"))
    html = staff.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)
    assert f"/staff/ho-so/{dossier.code}/tep/{document.id}" in html and document.original_name in html
    download = staff.get(f"/staff/ho-so/{dossier.code}/tep/{document.id}")
    assert download.status_code == 200 and download.data == data


def test_a_missing_required_answer_is_a_422_by_the_field(client, proc):
    req = proc.requirements[0]
    response = client.post(f"/thu-tuc/{proc.code}/nop",
                           data=form_for(client, proc, ANSWERS | {"birth_date": "", "copies": "x"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="declarations-{req.id}-birth_date-error"' in html
    assert (f'href="#declarations-{req.id}-birth_date">Ngày, tháng, năm sinh: '
            "Vui lòng nhập thông tin này.") in html
    assert "Số lượng Phiếu yêu cầu cấp: Vui lòng nhập một số nguyên." in html
    assert f'id="declaration-{req.id}" data-declaration="{req.id}" open' in html  # shown, as filled
    assert "Trần Thị Lụa" in html  # what was typed is kept
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count()).select_from(Document)).scalar_one() == 0


def test_neither_file_nor_declaration_asks_for_either(client, proc):
    req = proc.requirements[0]
    response = client.post(f"/thu-tuc/{proc.code}/nop", data=form_for(client, proc, {}))
    assert response.status_code == 422
    assert "Vui lòng đính kèm giấy tờ này hoặc điền tờ khai trực tuyến." in response.get_data(as_text=True)
    assert f'id="declaration-{req.id}" data-declaration="{req.id}">' in response.get_data(as_text=True)


def test_replay_through_the_api_is_the_same_dossier_and_the_same_pdf(client, proc):
    photo = jpeg_bytes()
    assert put_blob(client, photo).status_code in (200, 201)
    body = manifest(proc, [(1, photo)], fields={"purpose": "Xin việc", "copies": 1, "kind": "Phiếu số 1"},
                    declarations={str(proc.requirements[0].id): ANSWERS})
    key = new_key()
    first = post_dossier(client, body, key)
    assert first.status_code == 201, first.json
    again = post_dossier(client, body, key)
    assert again.status_code in (200, 201) and again.json["code"] == first.json["code"]
    [dossier] = db.session.execute(db.select(Dossier)).scalars()
    hashes = [d.sha256 for d in dossier.documents if d.requirement_id == proc.requirements[0].id]
    assert len(hashes) == 1 and len(dossier.documents) == 2

    # The same answers at the same time draw the same bytes: the document's hash is stable.
    from app.services.dossiers import declarations
    [(_req, redrawn)] = declarations.rendered(proc, dossier.declarations, "Nguyễn Văn An",
                                              dossier.submitted_at)
    assert sha(redrawn) == hashes[0]

    changed = body | {"declarations": {str(proc.requirements[0].id): ANSWERS | {"copies": "3"}}}
    assert post_dossier(client, changed, key).status_code == 409


def test_api_declaration_errors_are_field_details(client, proc):
    req = proc.requirements[0]
    photo = jpeg_bytes()
    put_blob(client, photo)
    body = manifest(proc, [(1, photo)], fields={"purpose": "Xin việc", "copies": 1, "kind": "Phiếu số 1"},
                    declarations={str(req.id): ANSWERS | {"sex": "Khác", "full_name": "x" * 101}})
    response = post_dossier(client, body, new_key())
    assert response.status_code == 422
    details = response.json["details"]
    assert details[f"declarations.{req.id}.sex"] == ["Vui lòng chọn một giá trị trong danh sách."]
    assert details[f"declarations.{req.id}.full_name"] == ["Tối đa 100 ký tự."]
    for bad in ([], {"abc": {}}, {str(req.id): "text"}, {str(proc.requirements[1].id): {"x": "y"}}):
        answer = post_dossier(client, manifest(proc, [(0, photo), (1, photo)], declarations=bad), new_key())
        assert answer.status_code == 422, bad
        assert "declarations" in answer.json["details"], bad
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 0


def test_a_manifest_without_declarations_hashes_as_before(ctx, proc):
    from app.services import idempotency
    from app.services.dossiers import submissions
    body = manifest(proc, [(0, b"a"), (1, b"b")], fields={"purpose": "Xin việc", "copies": 1,
                                                         "kind": "Phiếu số 1"})
    clean, _proc = submissions.validate_manifest(body)
    assert "declarations" not in clean
    empty, _proc = submissions.validate_manifest(body | {"declarations": {str(proc.requirements[0].id): {
        "full_name": "", "sex": ""}}})
    assert idempotency.digest(empty) == idempotency.digest(clean)


def test_seed_gives_declarations_and_stays_idempotent(ctx, proc):
    load_catalogue()
    load_catalogue()
    from app.models import Requirement

    declared = db.session.execute(
        db.select(Requirement).where(Requirement.declaration.is_not(None))).scalars().all()
    assert len({r.procedure.code for r in declared}) >= 5
    assert all(r.declaration["fields"] for r in declared)
