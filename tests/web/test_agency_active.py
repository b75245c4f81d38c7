"""An agency that stops taking dossiers: out of the catalogue, applying refused, old dossiers unaffected."""

import io

from app.extensions import db
from app.models import Agency, Blob, Dossier, Status
from tests.factories import (
    applicant,
    jpeg_bytes,
    make_agency,
    make_dossier,
    make_procedure,
    make_user,
    manifest,
    new_key,
    pdf_bytes,
)
from tests.helpers import client_id_of, csrf_token, form_post, fresh_client, post_dossier, put_blob, sign_in

AGENCIES = "/staff/quan-tri/co-quan"
CLOSED = "Sở Tư pháp hiện không tiếp nhận hồ sơ mới cho thủ tục này."


def _close(agency: Agency) -> None:
    agency.active = False
    db.session.commit()


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_the_editor_closes_and_reopens_an_agency(admin_client):
    proc = make_procedure()
    url = f"{AGENCIES}/{proc.agency_id}"
    form = admin_client.get(url).get_data(as_text=True)
    assert 'id="active" name="active" value="1" checked' in form
    fields = {"code": proc.agency.code, "name": proc.agency.name, "short_name": "STP"}
    assert form_post(admin_client, url, fields, page=url).status_code == 303  # the box left unticked
    assert db.session.get(Agency, proc.agency_id).active is False
    listing = admin_client.get(AGENCIES).get_data(as_text=True)
    assert "Ngừng tiếp nhận" in listing
    assert 'id="active" name="active" value="1" checked' not in admin_client.get(url).get_data(as_text=True)
    assert proc.name not in fresh_client(admin_client.application).get("/thu-tuc").get_data(as_text=True)

    assert form_post(admin_client, url, fields | {"active": "1"}, page=url).status_code == 303
    assert db.session.get(Agency, proc.agency_id).active is True
    assert proc.name in fresh_client(admin_client.application).get("/thu-tuc").get_data(as_text=True)


def test_a_new_agency_takes_dossiers_unless_unticked(admin_client):
    page = admin_client.get(AGENCIES).get_data(as_text=True)
    assert 'id="active" name="active" value="1" checked' in page
    form_post(admin_client, AGENCIES, {"code": "000.30.00.H40", "name": "Sở Mới", "active": "1"},
              page=AGENCIES)
    form_post(admin_client, AGENCIES, {"code": "000.31.00.H40", "name": "Sở Cũ"}, page=AGENCIES)
    states = dict(db.session.execute(db.select(Agency.code, Agency.active)).all())
    assert states == {"000.30.00.H40": True, "000.31.00.H40": False}


def test_the_centre_cannot_be_closed(admin_client):
    centre = make_agency(code="000.00.00.H40", name="Trung tâm Phục vụ hành chính công")
    centre.is_centre = True
    db.session.commit()
    url = f"{AGENCIES}/{centre.id}"
    answer = form_post(admin_client, url, {"code": centre.code, "name": "Trung tâm mới"}, page=url)
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert "Không thể ngừng hoạt động Trung tâm Phục vụ hành chính công." in text
    assert 'href="#active"' in text and 'aria-invalid="true"' in text
    centre = db.session.get(Agency, centre.id)
    assert (centre.active, centre.name) == (True, "Trung tâm Phục vụ hành chính công")  # nothing saved


def test_a_closed_agencys_procedures_leave_the_public_catalogue(client, ctx):
    proc = make_procedure()
    other = make_procedure(agency=make_agency(code="000.02.00.H40", name="Sở Tài chính"), code="1.000001",
                           name="Đăng ký giá", field="Quản lý giá")
    _close(proc.agency)
    home = client.get("/").get_data(as_text=True)
    assert "Sở Tài chính" in home and "Sở Tư pháp" not in home
    listing = client.get("/thu-tuc").get_data(as_text=True)
    assert other.name in listing and proc.name not in listing
    assert "Lý lịch tư pháp" not in listing  # its field is no longer offered as a filter
    assert proc.name not in client.get("/thu-tuc?q=ly+lich").get_data(as_text=True)
    assert client.get(f"/thu-tuc/{proc.code}").status_code == 404
    assert client.get(f"/thu-tuc/{proc.code}/nop").status_code == 404
    assert [p["code"] for p in client.get("/api/v1/procedures").get_json()] == [other.code]


def test_applying_online_to_a_closed_agency_is_refused_and_nothing_is_kept(client, ctx):
    proc = make_procedure()
    page = client.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)  # drawn while still open
    _close(proc.agency)
    data = {"csrf_token": csrf_token(page), "client_id": client_id_of(page),
            "applicant.name": "Trần Thị Bình", "applicant.id_number": "079203001234",
            "applicant.phone": "0987654321", "applicant.address": "45 Trưng Nữ Vương",
            "fields.purpose": "Xin việc", "fields.copies": "1", "return_method": "counter",
            f"documents.{proc.requirements[0].id}": (io.BytesIO(pdf_bytes()), "to-khai.pdf"),
            f"documents.{proc.requirements[1].id}": (io.BytesIO(jpeg_bytes()), "cccd.jpg")}
    answer = client.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert CLOSED in text and 'href="#procedure"' in text and 'id="procedure"' in text
    assert 'value="Trần Thị Bình"' in text  # what was typed comes back
    assert _count(Dossier) == 0 and _count(Blob) == 0


def test_the_api_refuses_a_queued_dossier_for_a_closed_agency(client, ctx):
    proc = make_procedure()
    a, b = jpeg_bytes(), pdf_bytes()
    put_blob(client, a)
    put_blob(client, b)
    _close(proc.agency)
    answer = post_dossier(client, manifest(proc, [(0, a), (1, b)]), new_key())
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["error"] == "invalid" and body["message"].startswith(CLOSED)
    assert body["details"]["procedure"] == [body["message"]]
    assert _count(Dossier) == 0


def test_counter_intake_refuses_a_closed_agency(app, ctx):
    proc = make_procedure()
    reception = fresh_client(app)
    sign_in(reception, make_user("reception"))
    url = f"/staff/tiep-nhan/{proc.code}"
    page = reception.get(url).get_data(as_text=True)
    _close(proc.agency)
    assert proc.code not in reception.get("/staff/tiep-nhan").get_data(as_text=True)
    answer = reception.post(url, data={
        "csrf_token": csrf_token(page), "client_id": client_id_of(page),
        "applicant.name": "An", "applicant.id_number": "079203001234", "applicant.phone": "0912345678",
        "applicant.address": "1 Lê Lợi"})
    assert answer.status_code == 422 and CLOSED in answer.get_data(as_text=True)
    assert _count(Dossier) == 0


def test_existing_dossiers_and_the_staff_workspace_carry_on(app, ctx):
    proc = make_procedure()
    dossier = make_dossier(proc)
    _close(proc.agency)
    reception = fresh_client(app)
    sign_in(reception, make_user("reception"))
    assert dossier.code in reception.get("/staff/").get_data(as_text=True)
    url = f"/staff/ho-so/{dossier.code}"
    assert reception.get(url).status_code == 200
    accepted = form_post(reception, f"{url}/tiep-nhan", {"version": dossier.version}, page=url)
    assert accepted.status_code == 303
    db.session.refresh(dossier)
    assert dossier.status == Status.ACCEPTED
    # The citizen still follows it with the code and phone number.
    tracked = client_track(app, dossier.code)
    assert tracked.status_code == 200 and tracked.get_json()["status"] == Status.ACCEPTED


def client_track(app, code: str):
    return fresh_client(app).post("/api/v1/track", json={"code": code, "secret": applicant()["phone"]})
