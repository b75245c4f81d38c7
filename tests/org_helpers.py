"""What the organisation tests share: a company and its people, invitations, dossiers filed for it."""

import re

from app.extensions import db
from app.models import Dossier, Membership, Organisation
from tests.factories import jpeg_bytes, manifest, new_key, pdf_bytes
from tests.helpers import csrf_token, fresh_client, post_dossier, put_blob

PASSWORD = "mat-khau-cong-dan"
TAX_CODE = "0100109106"  # valid check digits
OTHER_TAX = "0312345673"
ORG_ADDRESS = "5 Nguyễn Huệ, phường Long An, tỉnh Tây Ninh"


def register(client, login: str, name: str = "Trần Thị Bình", **kw):
    page = client.get("/dang-ky").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "name": name, "login": login,
            "password": PASSWORD, "kind": "citizen"} | kw
    return client.post("/dang-ky", data=data)


def post(client, url: str, data: dict | None = None, page: str = "/tai-khoan"):
    """POST a form with a CSRF token taken from `page` of the same session."""
    html = client.get(page).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **(data or {})})


def company(app, login: str = "chu@a.vn", tax_code: str = TAX_CODE, name: str = "Công ty A"):
    """A business account and its organisation (the account is its owner)."""
    client = fresh_client(app)
    answer = register(client, login, name="Chủ Công Ty", kind="business", tax_code=tax_code,
                      org_name=name, org_address=ORG_ADDRESS)
    assert answer.status_code == 303
    org = db.session.execute(db.select(Organisation).filter_by(tax_code=tax_code)).scalar_one()
    return client, org


def person(app, login: str, name: str = "Lê Văn Nhân"):
    client = fresh_client(app)
    assert register(client, login, name=name).status_code == 303
    return client


def invite(owner, org: Organisation, login: str):
    page = f"/to-chuc/{org.id}"
    return post(owner, f"{page}/thanh-vien", {"login": login}, page)


def invitation_id(org: Organisation, login: str) -> int:
    return db.session.execute(db.select(Membership.id).filter_by(organisation_id=org.id, login=login)
                              ).scalar_one()


def accept(client, org: Organisation, login: str):
    return post(client, f"/tai-khoan/loi-moi/{invitation_id(org, login)}/chap-nhan")


def member(app, owner, org: Organisation, login: str, name: str = "Lê Văn Nhân"):
    """A person invited by the owner who accepted: an active member."""
    client = person(app, login, name)
    assert invite(owner, org, login).status_code == 303
    assert accept(client, org, login).status_code == 303
    return client


def file_dossier(client, proc, organisation: int | None = None, **applicant):
    """File a dossier through the sync API, for an organisation or personally; return the answer."""
    docs = [(0, jpeg_bytes()), (1, pdf_bytes(new_key()))]
    for _i, data in docs:
        assert put_blob(client, data).status_code in (200, 201)
    body = manifest(proc, docs)
    if applicant:
        body["applicant"] = body["applicant"] | applicant
    if organisation is not None:
        body["organisation"] = organisation
    return post_dossier(client, body, new_key())


def filed(client, proc, organisation: int | None = None, **applicant) -> Dossier:
    answer = file_dossier(client, proc, organisation, **applicant)
    assert answer.status_code == 201, answer.get_json()
    return db.session.execute(db.select(Dossier).filter_by(code=answer.get_json()["code"])).scalar_one()


def token_of(url: str) -> str:
    """The signed token in a receipt or status link."""
    return re.search(r"[?&]t=([^&\"]+)", url).group(1)
