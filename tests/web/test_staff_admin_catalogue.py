"""Admin catalogue: agencies, and the documents each procedure requires."""

import re

import pytest

from app.extensions import db
from app.models import Agency, Document, Procedure, Requirement
from tests.factories import make_agency, make_dossier, make_procedure, make_user
from tests.helpers import form_post as post
from tests.helpers import fresh_client, sign_in

AGENCIES = "/staff/quan-tri/co-quan"



def agency_count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Agency)).scalar_one()


def test_add_an_agency_then_edit_it(client, admin):
    page = client.get(AGENCIES).get_data(as_text=True)
    assert "Thêm cơ quan" in page and 'name="csrf_token"' in page
    response = post(client, AGENCIES, {"code": "000.21.00.H40", "name": "Sở Dân tộc và Tôn giáo",
                                       "short_name": "SDTTG", "address": " 1 Trần Hưng Đạo "})
    assert response.status_code == 303
    agency = db.session.execute(db.select(Agency).filter_by(code="000.21.00.H40")).scalar_one()
    assert (agency.name, agency.short_name, agency.address, agency.is_centre) == (
        "Sở Dân tộc và Tôn giáo", "SDTTG", "1 Trần Hưng Đạo", False)
    assert "Đã thêm cơ quan Sở Dân tộc và Tôn giáo." in client.get(response.location).get_data(as_text=True)

    url = f"{AGENCIES}/{agency.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'value="000.21.00.H40"' in form and 'value="SDTTG"' in form
    saved = post(client, url, {"code": "000.21.00.H40", "name": "Sở Dân tộc", "short_name": ""})
    assert saved.status_code == 303
    agency = db.session.get(Agency, agency.id)
    assert (agency.name, agency.short_name, agency.address) == ("Sở Dân tộc", "", "")


def test_renaming_an_agency_keeps_its_procedures_findable(client, admin):
    proc = make_procedure()
    saved = post(client, f"{AGENCIES}/{proc.agency_id}", {
        "code": proc.agency.code, "name": "Sở Tư pháp tỉnh Tây Ninh", "short_name": "STPTN"})
    assert saved.status_code == 303
    text = db.session.get(Procedure, proc.id).search_text
    assert "tay ninh" in text and "stptn" in text


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"code": ""}, "code", "Vui lòng nhập thông tin này."),
    ({"code": "000.01 H40"}, "code", "Mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm và gạch ngang."),
    ({"code": "0" * 33}, "code", "Tối đa 32 ký tự."),
    ({"name": "   "}, "name", "Vui lòng nhập thông tin này."),
    ({"short_name": "X" * 33}, "short_name", "Tối đa 32 ký tự."),
    ({"code": "000.01.00.H40"}, "code", "Mã này đã được dùng cho cơ quan khác."),
    ({"active": "có lẽ"}, "active", "Giá trị không hợp lệ."),
])
def test_invalid_agency_is_not_saved(client, admin, form, field, message):
    make_agency()  # 000.01.00.H40
    db.session.commit()
    before = agency_count()
    data = {"code": "000.22.00.H40", "name": "Sở Mới", "short_name": "SM"} | form
    response = post(client, AGENCIES, data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in text and f'href="#{field}"' in text  # in the summary, linked to the field
    assert f'id="{field}" name="{field}"' in text and 'aria-invalid="true"' in text
    assert agency_count() == before


def test_editing_to_another_agencys_code_changes_nothing(client, admin):
    first, second = make_agency(), make_agency(code="000.02.00.H40", name="Sở Tài chính")
    db.session.commit()
    response = post(client, f"{AGENCIES}/{second.id}", {"code": first.code, "name": "Sở Tài chính mới"})
    assert response.status_code == 422
    assert "Mã này đã được dùng cho cơ quan khác." in response.get_data(as_text=True)
    assert db.session.get(Agency, second.id).name == "Sở Tài chính"
    assert client.get(f"{AGENCIES}/999999").status_code == 404
    assert post(client, f"{AGENCIES}/999999", {"code": "X", "name": "Y"}).status_code == 404


def test_only_admins_edit_agencies(app, ctx):
    agency = make_agency()
    db.session.commit()
    for role in ("reception", "leader"):
        other = fresh_client(app)
        sign_in(other, make_user(role))
        assert other.get(AGENCIES).status_code == 403
        assert post(other, f"{AGENCIES}/{agency.id}", {"code": "X1", "name": "Đổi tên"}).status_code == 403
    assert db.session.get(Agency, agency.id).code == "000.01.00.H40"


# --- Required documents ------------------------------------------------------------------------

def reqs(proc_id: int) -> list[tuple[str, bool, str]]:
    rows = db.session.execute(db.select(Requirement).filter_by(procedure_id=proc_id)
                              .order_by(Requirement.position)).scalars()
    return [(r.name, r.mandatory, r.accepted_types) for r in rows]


def test_add_edit_reorder_and_remove_requirements(client, admin):
    proc = make_procedure()
    base = f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to"
    page = client.get(f"/staff/quan-tri/thu-tuc/{proc.code}").get_data(as_text=True)
    assert "Thành phần hồ sơ" in page and "Bản chụp căn cước" in page
    added = post(client, base, {"name": "Ảnh 4x6", "mandatory": "1", "types": ["jpeg", "png"]})
    assert added.status_code == 303 and added.location.endswith("#requirements")
    assert reqs(proc.id)[-1] == ("Ảnh 4x6", True, "jpeg,png")

    first, second, optional, photo = [r.id for r in db.session.get(Procedure, proc.id).requirements]
    assert post(client, f"{base}/{optional}", {"name": "Giấy miễn phí", "types": ["pdf"]}).status_code == 303
    assert post(client, f"{base}/{photo}/thu-tu", {"direction": "up"}).status_code == 303
    assert post(client, f"{base}/{first}/thu-tu", {"direction": "up"}).status_code == 303  # already first
    names = [name for name, *_ in reqs(proc.id)]
    assert names == ["Tờ khai", "Bản chụp căn cước", "Ảnh 4x6", "Giấy miễn phí"]
    assert reqs(proc.id)[3] == ("Giấy miễn phí", False, "pdf")
    assert post(client, f"{base}/{second}/xoa").status_code == 303
    assert [name for name, *_ in reqs(proc.id)] == ["Tờ khai", "Ảnh 4x6", "Giấy miễn phí"]
    positions = [r.position for r in db.session.get(Procedure, proc.id).requirements]
    assert positions == [0, 1, 2]
    # The citizen's form follows the new list, in order, with the new file types.
    form = client.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    assert form.index("Tờ khai") < form.index("Ảnh 4x6") < form.index("Giấy miễn phí")
    field = re.search(rf'<input id="documents-{photo}"[^>]*>', form).group(0)
    assert 'accept="image/jpeg,image/png"' in field


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"name": ""}, "name", "Vui lòng nhập thông tin này."),
    ({"name": "x" * 501}, "name", "Tối đa 500 ký tự."),
    ({"types": []}, "types", "Chọn ít nhất một loại tệp."),
    ({"types": ["pdf", "exe"]}, "types", "Loại tệp không hợp lệ."),
])
def test_invalid_requirement_is_not_saved(client, admin, form, field, message):
    proc = make_procedure()
    before = reqs(proc.id)
    first = proc.requirements[0].id
    data = {"name": "Giấy mới", "mandatory": "1", "types": ["pdf"]} | form
    for url, target in ((f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to", "new"),
                        (f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to/{first}", str(first))):
        response = post(client, url, data)
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert message in text and f'href="#req-{target}-{field}"' in text
        assert f'id="req-{target}-{field}"' in text
        assert reqs(proc.id) == before


def test_a_requirement_with_submitted_documents_is_not_removed(client, admin):
    proc = make_procedure()
    dossier = make_dossier(proc)
    used = proc.requirements[0]
    response = post(client, f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to/{used.id}/xoa")
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Không thể xóa “Tờ khai”: đã có 1 giấy tờ" in text and "bấm “Ngừng yêu cầu”" in text
    assert len(reqs(proc.id)) == 3
    doc = db.session.execute(db.select(Document).filter_by(dossier_id=dossier.id, requirement_id=used.id)
                             ).scalar_one()
    assert doc.requirement_id == used.id
    # Making it optional is still allowed (retiring it: test_requirement_retire.py), and keeps
    # the old dossier's document linked.
    assert post(client, f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to/{used.id}", {
        "name": "Tờ khai (mẫu cũ)", "types": ["pdf", "jpeg", "png"]}).status_code == 303
    assert reqs(proc.id)[0] == ("Tờ khai (mẫu cũ)", False, "pdf,jpeg,png")


def test_requirement_of_another_procedure_is_404(client, admin):
    proc = make_procedure()
    other = make_procedure(agency=proc.agency, code="2.000001")
    foreign = other.requirements[0].id
    base = f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to/{foreign}"
    assert post(client, base, {"name": "Đổi", "types": ["pdf"]}).status_code == 404
    assert post(client, f"{base}/xoa").status_code == 404
    assert post(client, f"{base}/thu-tu", {"direction": "down"}).status_code == 404
    assert post(client, "/staff/quan-tri/thu-tuc/9.999999/giay-to", {"name": "X", "types": ["pdf"]}
                ).status_code == 404
    bad = post(client, f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to/{proc.requirements[0].id}/thu-tu",
               {"direction": "sideways"})
    assert bad.status_code == 400 and "Yêu cầu không hợp lệ." in bad.get_data(as_text=True)
    assert reqs(other.id)[0][0] == "Tờ khai" and len(reqs(proc.id)) == 3


def test_requirement_forms_have_unique_ids(client, admin):
    proc = make_procedure()
    page = client.get(f"/staff/quan-tri/thu-tuc/{proc.code}").get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_citizen_and_counter_forms_share_the_upload_field(app, client, admin):
    proc = make_procedure()
    second = proc.requirements[1].id
    assert post(client, f"/staff/quan-tri/thu-tuc/{proc.code}/giay-to/{second}", {
        "name": "Bản chụp căn cước", "mandatory": "1", "types": ["pdf"]}).status_code == 303
    reception = fresh_client(app)
    sign_in(reception, make_user("reception"))
    pages = {"apply": client.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True),
             "intake": reception.get(f"/staff/tiep-nhan/{proc.code}").get_data(as_text=True)}
    for html in pages.values():
        field = re.search(rf'<div class="field file" data-requirement="{second}" data-mandatory>.*?</div>',
                          html, re.S).group(0)
        assert 'accept="application/pdf"' in field
        assert '<span class="req" aria-hidden="true">*</span>' in field
        assert f'name="documents.{second}" type="file" multiple' in field
    # A failed counter intake shows the message by the field, as the citizen's form does.
    failed = post(reception, f"/staff/tiep-nhan/{proc.code}", {"applicant.name": "An"},
                  page=f"/staff/tiep-nhan/{proc.code}")
    assert failed.status_code == 422
    assert f'<p class="error" id="documents-{second}-error">' in failed.get_data(as_text=True)
