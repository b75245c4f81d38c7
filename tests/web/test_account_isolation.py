"""One person or organisation can never see or act on another's dossier: every route tried."""

import pytest

from app.extensions import db
from app.models import Organisation
from app.services.actors import Actor
from app.services.postal import requests as postal
from tests.factories import VALID_ID, VALID_PHONE, make_dossier, make_procedure, new_key
from tests.helpers import csrf_token, fresh_client
from tests.postal_helpers import TAY_NINH, TAY_NINH_WARD, post_postal, postal_body
from tests.web.test_accounts import TAX_CODE, post, register

OTHER_TAX = "0312345673"  # another valid check digit

DOSSIER_ROUTES = [
    ("GET", "/ho-so/{code}"), ("GET", "/ho-so/{code}/bien-nhan"), ("GET", "/ho-so/{code}/buu-chinh"),
    ("POST", "/ho-so/{code}/buu-chinh"), ("GET", "/ho-so/{code}/bo-sung"), ("POST", "/ho-so/{code}/bo-sung"),
    ("POST", "/ho-so/{code}/nhan-ket-qua"), ("GET", "/ho-so/{code}/ket-qua/{doc}"),
    ("POST", "/ho-so/{code}/rut-ho-so"), ("POST", "/ho-so/{code}/buu-chinh/{req}/sua"),
    ("POST", "/ho-so/{code}/buu-chinh/{req}/huy"),
]
ORG_ROUTES = [
    ("GET", "/to-chuc/{org}"), ("GET", "/to-chuc/{org}/ho-so.csv"), ("POST", "/to-chuc/{org}/thanh-vien"),
    ("POST", "/to-chuc/{org}/dia-chi"), ("POST", "/to-chuc/{org}/buu-chinh"),
    ("POST", "/to-chuc/{org}/mac-dinh"), ("POST", "/to-chuc/{org}/thanh-vien/{member}/vai-tro"),
    ("POST", "/to-chuc/{org}/thanh-vien/{member}/xoa"),
]


@pytest.fixture
def world(ctx, app):
    """Business A (owner + its dossier) and an intruder: a citizen, and business B's owner."""
    proc = make_procedure()
    owner = fresh_client(app)
    register(owner, "chu@a.vn", kind="business", tax_code=TAX_CODE, org_name="Công ty A")
    dossier = make_dossier(proc)
    assert post(owner, "/tai-khoan/nhan-ho-so",
                {"code": dossier.code, "phone": VALID_PHONE, "id_number": VALID_ID}).status_code == 303
    org = db.session.execute(db.select(Organisation).filter_by(tax_code=TAX_CODE)).scalar_one()
    # A postal request the applicant may still change or cancel: nobody else may.
    req, _created = postal.register(dossier, postal_body(), new_key(), Actor.citizen(dossier))
    citizen = fresh_client(app)
    assert register(citizen, "0987654321").status_code == 303
    rival = fresh_client(app)
    assert register(rival, "chu@b.vn", kind="business", tax_code=OTHER_TAX,
                    org_name="Công ty B").status_code == 303
    return {"owner": owner, "dossier": dossier, "org": org, "intruders": [citizen, rival], "postal": req}


def _try(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    html = client.get("/tai-khoan").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "client_id": "0f7f5a3e-6f8e-4e52-9c79-1b6a8f2f4a11",
            "codes": ["x"], "address": "1", "login": "chu@b.vn", "action": "confirm", "role": "member"}
    return client.post(url, data=data | {k: str(v) for k, v in postal_body().items()})


@pytest.mark.parametrize(("method", "route"), DOSSIER_ROUTES + ORG_ROUTES)
def test_nobody_else_sees_or_acts(world, method, route):
    d, org, req = world["dossier"], world["org"], world["postal"]
    [owner] = org.members
    url = route.format(code=d.code, org=org.id, doc=d.documents[0].id, req=req.id, member=owner.id)
    for intruder in world["intruders"]:
        answer = _try(intruder, method, url)
        assert answer.status_code == 404, (url, answer.status_code)
    db.session.refresh(d)
    db.session.refresh(req)
    db.session.refresh(owner)
    assert d.status == 1 and d.owner_id is not None
    assert req.cancelled_at is None and req.street == "12 Lê Lợi" and owner.role == "owner"


def test_owner_reaches_what_intruders_cannot(world):
    d, org = world["dossier"], world["org"]
    assert world["owner"].get(f"/ho-so/{d.code}").status_code == 200
    assert world["owner"].get(f"/ho-so/{d.code}/buu-chinh").status_code == 200
    assert world["owner"].get(f"/to-chuc/{org.id}").status_code == 200


def test_bulk_postal_cannot_name_another_organisations_dossier(world, app):
    rival = world["intruders"][1]
    rival_org = db.session.execute(db.select(Organisation).filter_by(tax_code=OTHER_TAX)).scalar_one()
    page = f"/to-chuc/{rival_org.id}"
    address = {"recipient_name": "B", "phone": VALID_PHONE, "street": "2 Lê Lợi",
               "province": TAY_NINH, "ward": TAY_NINH_WARD}
    assert post(rival, f"{page}/dia-chi", address, page).status_code == 303
    address_id = rival_org.addresses[0].id
    html = rival.get(page).get_data(as_text=True)
    answer = rival.post(f"{page}/buu-chinh", data={"csrf_token": csrf_token(html), "address": address_id,
                                                   "codes": [world["dossier"].code]})
    assert answer.status_code == 404


def test_api_needs_proof_not_an_account(world, app):
    d = world["dossier"]
    assert post_postal(world["intruders"][0], d.code, postal_body()).status_code == 404
    assert post_postal(world["owner"], d.code, postal_body(secret="0911111111")).status_code == 404


def test_staff_sides_are_closed_to_accounts(world):
    for intruder in world["intruders"]:
        assert intruder.get("/staff/").status_code == 403
        assert intruder.get("/staff/buu-chinh/").status_code == 403
