"""A required document already used by dossiers is retired rather than deleted."""

import io
import re

from app.extensions import db
from app.models import Document, Dossier, Requirement
from tests.factories import jpeg_bytes, make_dossier, make_procedure, make_user, manifest, new_key, pdf_bytes
from tests.helpers import client_id_of, csrf_token, form_post, fresh_client, post_dossier, put_blob, sign_in

RETIRED = "Thủ tục không còn yêu cầu giấy tờ này; vui lòng gửi lại hồ sơ không kèm tệp này."


def _base(proc) -> str:
    return f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to"


def _retire(client, proc, req_id: int):
    return form_post(client, f"{_base(proc)}/{req_id}/ngung", page=f"/staff/quan-tri/thu-tuc/{proc.code}")


def _active(req_id: int) -> bool:
    return db.session.get(Requirement, req_id).active


def _dossier_count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one()


def test_retire_a_used_requirement_then_ask_for_it_again(admin_client):
    proc = make_procedure()
    make_dossier(proc)
    used = proc.requirements[1].id  # "Bản chụp căn cước", mandatory, used by the dossier
    page = f"/staff/quan-tri/thu-tuc/{proc.code}"
    # Deleting is still refused, and the message now points at retiring.
    refused = form_post(admin_client, f"{_base(proc)}/{used}/xoa", page=page)
    assert refused.status_code == 409 and "“Ngừng yêu cầu”" in refused.get_data(as_text=True)
    assert _active(used)
    answer = _retire(admin_client, proc, used)
    assert answer.status_code == 303 and answer.location.endswith("#requirements")
    assert not _active(used)
    html = admin_client.get(page).get_data(as_text=True)
    item = re.search(rf'<li id="requirement-{used}" class="retired">.*?</li>', html, re.S).group(0)
    assert "Đã ngừng yêu cầu" in item and "Yêu cầu lại" in item
    # Still used, so still not deleted even once retired.
    assert form_post(admin_client, f"{_base(proc)}/{used}/xoa", page=page).status_code == 409
    back = form_post(admin_client, f"{_base(proc)}/{used}/yeu-cau-lai", page=page)
    assert back.status_code == 303 and _active(used)


def test_a_retired_requirement_leaves_every_form_for_new_dossiers(app, admin_client):
    proc = make_procedure()
    retired = proc.requirements[1]
    _retire(admin_client, proc, retired.id)
    anonymous = fresh_client(app)
    for url in (f"/thu-tuc/{proc.code}", f"/thu-tuc/{proc.code}/nop"):
        html = anonymous.get(url).get_data(as_text=True)
        assert "Tờ khai" in html and retired.name not in html, url
    reception = fresh_client(app)
    sign_in(reception, make_user("reception"))
    intake = reception.get(f"/staff/tiep-nhan/{proc.code}").get_data(as_text=True)
    assert f'name="documents.{proc.requirements[0].id}"' in intake
    assert f'name="documents.{retired.id}"' not in intake
    [listed] = anonymous.get("/api/v1/procedures").get_json()
    assert [r["name"] for r in listed["requirements"]] == ["Tờ khai", "Giấy tờ miễn phí (nếu có)"]


def test_a_retired_mandatory_requirement_is_no_longer_required(app, admin_client):
    proc = make_procedure()
    _retire(admin_client, proc, proc.requirements[1].id)
    client = fresh_client(app)
    a = pdf_bytes()
    put_blob(client, a)
    answer = post_dossier(client, manifest(proc, [(0, a)]), new_key())
    assert answer.status_code == 201, answer.get_json()
    # The plain form too.
    page = client.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    sent = client.post(f"/thu-tuc/{proc.code}/nop", data={
        "csrf_token": csrf_token(page), "client_id": client_id_of(page),
        "applicant.name": "Trần Thị Bình", "applicant.id_number": "079203001234",
        "applicant.phone": "0987654321", "applicant.address": "45 Trưng Nữ Vương",
        "fields.purpose": "Xin việc", "fields.copies": "1", "return_method": "counter",
        f"documents.{proc.requirements[0].id}": (io.BytesIO(pdf_bytes("hai")), "to-khai.pdf")})
    assert sent.status_code == 303
    assert _dossier_count() == 2


def test_a_manifest_naming_a_retired_requirement_gets_a_field_message(app, admin_client):
    proc = make_procedure()
    retired = proc.requirements[1].id
    client = fresh_client(app)
    a, b = pdf_bytes(), jpeg_bytes()
    put_blob(client, a)
    put_blob(client, b)
    queued = manifest(proc, [(0, a), (1, b)])  # made offline before the change
    _retire(admin_client, proc, retired)
    answer = post_dossier(client, queued, new_key())
    assert answer.status_code == 422
    assert answer.get_json()["details"] == {f"documents.{retired}": [RETIRED]}
    assert _dossier_count() == 0


def test_a_stale_plain_form_with_a_retired_document_is_told_and_changes_nothing(app, admin_client):
    proc = make_procedure()
    retired = proc.requirements[1]
    client = fresh_client(app)
    page = client.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)  # drawn before the change
    _retire(admin_client, proc, retired.id)
    answer = client.post(f"/thu-tuc/{proc.code}/nop", data={
        "csrf_token": csrf_token(page), "client_id": client_id_of(page),
        "applicant.name": "Trần Thị Bình", "applicant.id_number": "079203001234",
        "applicant.phone": "0987654321", "applicant.address": "45 Trưng Nữ Vương",
        "fields.purpose": "Xin việc", "fields.copies": "1", "return_method": "counter",
        f"documents.{proc.requirements[0].id}": (io.BytesIO(pdf_bytes()), "to-khai.pdf"),
        f"documents.{retired.id}": (io.BytesIO(jpeg_bytes()), "cccd.jpg")})
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert f"{retired.name}: {RETIRED}" in text  # in the summary, named
    assert f'name="documents.{retired.id}"' not in text  # the form that comes back no longer asks
    assert _dossier_count() == 0


def test_an_old_dossier_keeps_its_documents_under_the_requirement_name(app, admin_client):
    proc = make_procedure()
    dossier = make_dossier(proc)
    retired = proc.requirements[1]
    _retire(admin_client, proc, retired.id)
    doc = db.session.execute(db.select(Document).filter_by(dossier_id=dossier.id,
                                                           requirement_id=retired.id)).scalar_one()
    reception = fresh_client(app)
    sign_in(reception, make_user("reception"))
    html = reception.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)
    assert f'<span class="requirement">{retired.name}:</span>' in html
    assert f"/tep/{doc.id}" in html
    assert reception.get(f"/staff/ho-so/{dossier.code}/tep/{doc.id}").status_code == 200


def test_retiring_is_for_admins_and_for_this_procedures_requirements(app, admin_client):
    proc = make_procedure()
    other = make_procedure(agency=proc.agency, code="2.000001")
    foreign = other.requirements[0].id
    page = f"/staff/quan-tri/thu-tuc/{proc.code}"
    assert form_post(admin_client, f"{_base(proc)}/{foreign}/ngung", page=page).status_code == 404
    assert form_post(admin_client, f"{_base(proc)}/999999/yeu-cau-lai", page=page).status_code == 404
    for role in ("reception", "leader"):
        client = fresh_client(app)
        sign_in(client, make_user(role))
        assert form_post(client, f"{_base(proc)}/{proc.requirements[0].id}/ngung").status_code == 403
    assert _active(foreign) and _active(proc.requirements[0].id)
