"""Citizen and business accounts: register, sign in by phone, claim, organisations."""

from app.extensions import db
from app.models import Dossier, Membership, Organisation, PostalRequest, SavedAddress
from tests.factories import VALID_ID, VALID_PHONE, make_dossier, make_procedure
from tests.helpers import csrf_token, fresh_client
from tests.postal_helpers import TAY_NINH, TAY_NINH_WARD

PASSWORD = "mat-khau-cong-dan"
TAX_CODE = "0100109106"  # a valid check digit


def register(client, login: str, **kw):
    page = client.get("/dang-ky").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "name": "Trần Thị Bình", "login": login,
            "password": PASSWORD, "kind": "citizen"} | kw
    return client.post("/dang-ky", data=data)


def post(client, url, data, page="/tai-khoan"):
    html = client.get(page).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **data})


def test_register_by_phone_sign_in_and_submissions_get_the_owner(ctx, app):
    client = fresh_client(app)
    assert register(client, "0987 654 321").status_code == 303
    signout = client.get("/tai-khoan").get_data(as_text=True)
    client.post("/dang-xuat", data={"csrf_token": csrf_token(signout)})
    page = client.get("/dang-nhap").get_data(as_text=True)
    answer = client.post("/dang-nhap", data={"email": "0987654321", "password": PASSWORD,
                                             "csrf_token": csrf_token(page)})
    assert answer.status_code == 303
    # A dossier sent through the API while signed in belongs to the account.
    from tests.factories import jpeg_bytes, manifest, new_key, pdf_bytes
    from tests.helpers import post_dossier, put_blob
    proc = make_procedure()
    docs = [(0, jpeg_bytes()), (1, pdf_bytes())]
    for _i, data in docs:
        put_blob(client, data)
    made = post_dossier(client, manifest(proc, docs), new_key())
    assert made.status_code == 201
    dossier = db.session.execute(db.select(Dossier)).scalar_one()
    assert dossier.owner_id is not None
    assert dossier.code in client.get("/tai-khoan").get_data(as_text=True)
    # Without an account it still works, and has no owner.
    anon = fresh_client(app)
    for _i, data in docs:
        put_blob(anon, data)
    assert post_dossier(anon, manifest(proc, docs), new_key()).status_code == 201
    owners = sorted(str(d.owner_id) for d in db.session.execute(db.select(Dossier)).scalars())
    assert owners[-1] == "None"


def test_register_refuses_bad_input(ctx, app):
    client = fresh_client(app)
    assert register(client, "not-a-login", password="short").status_code == 422
    bad_tax = register(client, "a@b.vn", kind="business", tax_code="0100109107", org_name="Công ty A")
    assert bad_tax.status_code == 422 and "chữ số kiểm tra" in bad_tax.get_data(as_text=True)


def test_claim_and_a_wrong_id_is_refused_without_saying_which_part(ctx, app):
    proc = make_procedure()
    dossier = make_dossier(proc)
    client = fresh_client(app)
    register(client, "binh@example.vn")
    wrong_id = post(client, "/tai-khoan/nhan-ho-so",
                    {"code": dossier.code, "phone": VALID_PHONE, "id_number": "079203009999"})
    wrong_phone = post(client, "/tai-khoan/nhan-ho-so",
                       {"code": dossier.code, "phone": "0911111111", "id_number": VALID_ID})
    assert wrong_id.status_code == wrong_phone.status_code == 422
    message = "Thông tin không khớp với hồ sơ nào có thể nhận"
    for answer in (wrong_id, wrong_phone):
        assert message in answer.get_data(as_text=True)
        assert "định danh không đúng" not in answer.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.owner_id is None
    right = {"code": dossier.code, "phone": VALID_PHONE, "id_number": VALID_ID}
    ok = post(client, "/tai-khoan/nhan-ho-so", right)
    assert ok.status_code == 303
    db.session.refresh(dossier)
    assert dossier.owner_id is not None
    # Once claimed, nobody else can claim it, even with the right three.
    other = fresh_client(app)
    register(other, "khac@example.vn")
    again = post(other, "/tai-khoan/nhan-ho-so", right)
    assert again.status_code == 422


def _business(app, login: str, tax_code: str = TAX_CODE):
    client = fresh_client(app)
    answer = register(client, login, kind="business", tax_code=tax_code, org_name="Công ty Bình An")
    assert answer.status_code == 303
    org = db.session.execute(db.select(Organisation).filter_by(tax_code=tax_code)).scalar_one()
    return client, org


def _claim(client, dossier):
    answer = post(client, "/tai-khoan/nhan-ho-so",
                  {"code": dossier.code, "phone": VALID_PHONE, "id_number": VALID_ID})
    assert answer.status_code == 303


def test_business_members_share_dossiers_addresses_and_bulk_postal(ctx, app):
    from tests.org_helpers import accept, filed

    proc = make_procedure()
    owner, org = _business(app, "chu@binhan.vn")
    member = fresh_client(app)
    register(member, "nv@binhan.vn")
    page = f"/to-chuc/{org.id}"
    assert post(owner, f"/to-chuc/{org.id}/thanh-vien", {"login": "nv@binhan.vn"}, page).status_code == 303
    assert accept(member, org, "nv@binhan.vn").status_code == 303
    assert db.session.execute(db.select(Membership).filter_by(role="member", status="active")).scalar_one()
    d1, d2 = filed(member, proc, organisation=org.id), filed(owner, proc, organisation=org.id)
    # A member sees the colleague's dossier filed for the organisation, but may not add members.
    listing = member.get(page).get_data(as_text=True)
    assert d1.code in listing and d2.code in listing
    assert member.get(f"/ho-so/{d2.code}").status_code == 200
    assert post(member, f"/to-chuc/{org.id}/thanh-vien", {"login": "x@y.vn"}, page).status_code == 403
    filtered = member.get(f"{page}?q={d1.code[-4:]}").get_data(as_text=True)
    assert d1.code in filtered and d2.code not in filtered
    csv_text = member.get(f"/to-chuc/{org.id}/ho-so.csv").get_data(as_text=True)
    assert d1.code in csv_text and d2.code in csv_text
    assert post(member, f"/to-chuc/{org.id}/dia-chi", {
        "label": "Kho", "recipient_name": "Bình", "phone": VALID_PHONE, "street": "1 Lê Lợi",
        "province": TAY_NINH, "ward": TAY_NINH_WARD}, page).status_code == 303
    address = db.session.execute(db.select(SavedAddress)).scalar_one()
    html = member.get(page).get_data(as_text=True)
    answer = member.post(f"/to-chuc/{org.id}/buu-chinh", data={
        "csrf_token": csrf_token(html), "client_id": "0f7f5a3e-6f8e-4e52-9c79-1b6a8f2f4a11",
        "address": address.id, "codes": [d1.code, d2.code]})
    assert answer.status_code == 303
    assert {r.dossier_id for r in db.session.execute(db.select(PostalRequest)).scalars()} == {d1.id, d2.id}


def test_business_default_return_by_post_and_receipt_asks_for_the_address(ctx, app):
    proc = make_procedure()
    owner, org = _business(app, "chu@macdinh.vn")
    form = owner.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    assert 'value="post" checked' in form
    assert post(owner, f"/to-chuc/{org.id}/mac-dinh", {}, f"/to-chuc/{org.id}").status_code == 303
    assert 'value="counter" checked' in owner.get(f"/thu-tuc/{proc.code}/nop").get_data(as_text=True)
    dossier = make_dossier(proc, return_method="post")
    _claim(owner, dossier)
    receipt = owner.get(f"/ho-so/{dossier.code}/bien-nhan").get_data(as_text=True)
    assert f"/ho-so/{dossier.code}/buu-chinh" in receipt
