"""Issue 10, "business filing that is real": a member files for the organisation, and everyone sees it."""

import re

from app.extensions import db
from app.models import Dossier, PostalRequest
from tests.factories import applicant, make_dossier, make_procedure, make_user, new_key
from tests.helpers import csrf_token, fresh_client, post_dossier, sign_in
from tests.org_helpers import (
    ORG_ADDRESS,
    OTHER_TAX,
    TAX_CODE,
    company,
    file_dossier,
    filed,
    invite,
    member,
    person,
    post,
)
from tests.postal_helpers import TAY_NINH, TAY_NINH_WARD
from tests.web.test_apply_form import form_for


def _checked(html: str) -> str:
    """The value of the "Nộp hồ sơ cho" radio the page has chosen."""
    return re.search(r'name="organisation" value="([^"]*)" checked', html).group(1)


def _value(html: str, name: str) -> str:
    name = re.escape(name)
    field = re.search(rf'name="{name}"[^>]*>([^<]*)</textarea>|name="{name}"[^>]*value="([^"]*)"', html)
    return field.group(1) if field.group(1) is not None else field.group(2)


def test_a_member_gets_the_applicant_block_prefilled_from_the_organisation(ctx, app):
    proc = make_procedure()
    owner, org = company(app)
    employee = member(app, owner, org, "nv@a.vn", "Lê Văn Nhân")
    # A business account files for its organisation by default; a member who is a citizen chooses.
    assert _checked(owner.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)) == str(org.id)
    plain = employee.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    assert _checked(plain) == "" and "Nộp cho tổ chức Công ty A" in plain
    html = employee.get(f"/thu-tuc/{proc.code}/nop?to-chuc={org.id}").get_data(as_text=True)
    assert _checked(html) == str(org.id)
    assert TAX_CODE in html and "Người liên hệ của tổ chức" in html and "Họ và tên người liên hệ" in html
    assert _value(html, "applicant.address") == ORG_ADDRESS
    assert _value(html, "applicant.name") == "Lê Văn Nhân" and _value(html, "applicant.email") == "nv@a.vn"
    assert 'value="post" checked' in html  # the organisation asked for results by post
    # Nobody else is offered the organisation.
    stranger = person(app, "nguoi-la@example.vn")
    offered = stranger.get(f"/thu-tuc/{proc.code}/nop?to-chuc={org.id}").get_data(as_text=True)
    assert 'name="organisation"' not in offered


def test_the_plain_form_files_for_the_organisation_with_its_tax_code(ctx, app):
    proc = make_procedure()
    owner, org = company(app)
    employee = member(app, owner, org, "nv@a.vn", "Lê Văn Nhân")
    data, _page = form_for(employee, proc, organisation=str(org.id), **{"applicant.name": "Lê Văn Nhân"})
    answer = employee.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert answer.status_code == 303
    dossier = db.session.execute(db.select(Dossier)).scalar_one()
    assert (dossier.organisation_id, dossier.tax_code) == (org.id, TAX_CODE)
    assert dossier.applicant_kind == "business"
    assert dossier.applicant_name == "Công ty A" and dossier.contact_name == "Lê Văn Nhân"
    receipt = employee.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Công ty A" in receipt and dossier.code in receipt


def test_the_organisation_is_never_taken_from_the_client(ctx, app):
    proc = make_procedure()
    owner, org = company(app)
    _rival, rival_org = company(app, "chu@b.vn", OTHER_TAX, "Công ty B")
    employee = member(app, owner, org, "nv@a.vn")
    invite(owner, org, "moi-moi@a.vn")
    pending = person(app, "moi-moi@a.vn")
    # Another organisation, a pending invitation, no account, nonsense: refused, nothing filed.
    for client, chosen in ((employee, rival_org.id), (pending, org.id), (fresh_client(app), org.id),
                           (employee, "1; drop"), (employee, 2**63), (employee, True)):
        answer = file_dossier(client, proc, organisation=chosen)
        # (An integer past 64 bits is refused at the JSON boundary already: 400.)
        assert answer.status_code in (422, 400 if chosen == 2**63 else 422), (chosen, answer.get_json())
        assert answer.get_json()["message"]
    data, _page = form_for(employee, proc, organisation=str(rival_org.id))
    page = employee.post(f"/thu-tuc/{proc.code}/nop", data=data)
    assert page.status_code == 422 and "không (còn) là thành viên" in page.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 0
    # What the device says about the applicant cannot make a personal dossier a business's.
    personal = filed(employee, proc, name="Công ty Giả", tax_code=TAX_CODE, kind="business")
    assert (personal.organisation_id, personal.tax_code, personal.applicant_kind) == (None, "", "citizen")
    business = filed(employee, proc, organisation=org.id, name="Tên Tự Khai")
    assert business.applicant_name == "Công ty A" and business.contact_name == "Tên Tự Khai"


def test_a_personal_manifest_replays_as_before_the_organisation_key_existed(ctx, app):
    proc = make_procedure()
    client = person(app, "ca-nhan@example.vn")
    answer = file_dossier(client, proc)
    body_key = new_key()
    first = post_dossier(client, {**_body_of(answer), "organisation": None}, body_key)
    again = post_dossier(client, _body_of(answer), body_key)
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["code"] == again.get_json()["code"]


def _body_of(answer) -> dict:
    dossier = db.session.execute(db.select(Dossier).filter_by(code=answer.get_json()["code"])).scalar_one()
    return {"procedure": dossier.procedure.code, "applicant": applicant(),
            "fields": {"purpose": "Xin việc", "copies": 1},
            "documents": [{"requirement": d.requirement_id, "sha256": d.sha256, "name": d.original_name}
                          for d in dossier.documents]}


def test_staff_see_and_search_the_company_and_its_tax_code(ctx, app):
    proc = make_procedure()
    owner, org = company(app)
    business = filed(owner, proc, organisation=org.id, name="Chủ Công Ty")
    other = make_dossier(proc, applicant=applicant(name="Nguyễn Công Dân"))
    officer = fresh_client(app)
    sign_in(officer, make_user("reception"))
    for q in (TAX_CODE, "cong ty a", "Công ty A"):
        html = officer.get(f"/staff/?q={q}").get_data(as_text=True)
        assert business.code in html and other.code not in html, q
        assert f"MST {TAX_CODE}" in html
    page = officer.get(f"/staff/ho-so/{business.code}").get_data(as_text=True)
    assert "Tổ chức nộp hồ sơ" in page and TAX_CODE in page and "Chủ Công Ty" in page
    personal = officer.get(f"/staff/ho-so/{other.code}").get_data(as_text=True)
    assert "Tổ chức nộp hồ sơ" not in personal
    # A code's tail is never mistaken for a tax code.
    tail = business.code.split("-", 1)[1]
    assert business.code in officer.get(f"/staff/?q={tail}").get_data(as_text=True)


def test_the_organisations_list_csv_and_bulk_postal_hold_only_its_dossiers(ctx, app):
    proc = make_procedure()
    owner, org = company(app)
    employee = member(app, owner, org, "nv@a.vn", "Lê Văn Nhân")
    for_org = filed(employee, proc, organisation=org.id)
    own = filed(employee, proc)  # the same person's own dossier: never the organisation's
    page = f"/to-chuc/{org.id}"
    listing = owner.get(page).get_data(as_text=True)
    assert for_org.code in listing and own.code not in listing and "Lê Văn Nhân" in listing
    csv_text = owner.get(f"{page}/ho-so.csv").get_data(as_text=True)
    assert for_org.code in csv_text and own.code not in csv_text
    assert "ma_so_thue" in csv_text.splitlines()[0] and TAX_CODE in csv_text
    assert post(owner, f"{page}/dia-chi", {"label": "Kho", "recipient_name": "Kho A", "phone": "0912345678",
                                           "street": "1 Lê Lợi", "province": TAY_NINH,
                                           "ward": TAY_NINH_WARD}, page).status_code == 303
    address = org.addresses[0].id
    assert post(owner, f"{page}/buu-chinh", {"address": address, "client_id": new_key(),
                                             "codes": [own.code]}, page).status_code == 404
    done = post(owner, f"{page}/buu-chinh", {"address": address, "client_id": new_key(),
                                             "codes": [for_org.code]}, page)
    assert done.status_code == 303
    shown = owner.get(done.headers["Location"]).get_data(as_text=True)
    assert shown.count("Đã đăng ký gửi qua bưu chính 1 hồ sơ.") == 1  # once, not twice
    assert [r.dossier_id for r in db.session.execute(db.select(PostalRequest)).scalars()] == [for_org.id]


def test_bulk_postal_bad_input_is_a_clear_answer_never_a_500(ctx, app):
    owner, org = company(app)
    page = f"/to-chuc/{org.id}"
    for data in ({"address": "abc", "codes": ["x"]}, {"address": "99999999999999999999"}, {"address": "1"}):
        assert post(owner, f"{page}/buu-chinh", data, page).status_code == 404, data
    post(owner, f"{page}/dia-chi", {"recipient_name": "Kho A", "phone": "0912345678", "street": "1 Lê Lợi",
                                    "province": TAY_NINH, "ward": TAY_NINH_WARD}, page)
    nothing = post(owner, f"{page}/buu-chinh", {"address": org.addresses[0].id, "client_id": "x"}, page)
    assert nothing.status_code == 422 and "Chọn ít nhất một hồ sơ" in nothing.get_data(as_text=True)
    assert owner.get(f"{page}?status=99999999999999999999999").status_code == 200


def test_the_postal_request_of_an_organisations_dossier_starts_from_its_default_address(ctx, app):
    proc = make_procedure()
    owner, org = company(app)
    page = f"/to-chuc/{org.id}"
    post(owner, f"{page}/dia-chi", {"recipient_name": "Kho Công ty A", "phone": "0912345678",
                                    "street": "7 Kho Bãi", "province": TAY_NINH, "ward": TAY_NINH_WARD}, page)
    dossier = filed(owner, proc, organisation=org.id)
    html = owner.get(f"/ho-so/{dossier.code}/buu-chinh").get_data(as_text=True)
    assert 'value="Kho Công ty A"' in html and 'value="7 Kho Bãi"' in html
    form = owner.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    assert "Kho Công ty A" in form  # the apply form says where results will go
    assert csrf_token(form)
