"""Issue 9.1, as a catalogue of attacks: an organisation owner trying to take over a person's dossiers.

The model under test: a membership is an invitation the person accepts (and can leave);
a dossier is the organisation's only when it was filed for it; membership never opens
what the person filed for themself; a link handed out through membership dies with it.
"""

import re

import pytest

from app.extensions import db
from app.models import Document, Dossier, Membership, PostalRequest, Status
from app.services import workflow
from app.services.actors import Actor
from app.services.postal import requests as postal
from tests.factories import make_procedure, make_user, new_key
from tests.helpers import csrf_token, fresh_client
from tests.org_helpers import (
    accept,
    company,
    file_dossier,
    filed,
    invitation_id,
    invite,
    member,
    person,
    post,
)
from tests.postal_helpers import post_postal, postal_body
from tests.unit.test_workflow import result_doc

VICTIM = "nan-nhan@example.vn"

# Every page and action a person has on their own dossier.
DOSSIER_ROUTES = [
    ("GET", "/ho-so/{code}"), ("GET", "/ho-so/{code}/bien-nhan"), ("GET", "/ho-so/{code}/buu-chinh"),
    ("POST", "/ho-so/{code}/buu-chinh"), ("POST", "/ho-so/{code}/buu-chinh/{req}/sua"),
    ("POST", "/ho-so/{code}/buu-chinh/{req}/huy"), ("GET", "/ho-so/{code}/bo-sung"),
    ("POST", "/ho-so/{code}/rut-ho-so"), ("POST", "/ho-so/{code}/danh-gia"),
]
RESULT_ROUTES = [("POST", "/ho-so/{code}/nhan-ket-qua"), ("GET", "/ho-so/{code}/ket-qua/{doc}")]


def _returned_with_result(dossier: Dossier) -> Document:
    """Take the dossier through to "result handed over", with one result document."""
    proc = dossier.procedure
    reception = Actor.of(make_user("reception"))
    department = Actor.of(make_user("department", agency=proc.agency))
    workflow.accept(dossier, reception)
    workflow.forward(dossier, reception)
    workflow.resolve(dossier, department, [result_doc()], "counter")
    workflow.return_result(dossier, reception, "counter")
    return next(d for d in dossier.documents if d.round == "result")


@pytest.fixture
def world(ctx, app):
    """Company A's owner, and a person who filed two dossiers of their own while signed in."""
    proc = make_procedure()
    owner, org = company(app)
    victim = person(app, VICTIM)
    own = filed(victim, proc)
    done = filed(victim, proc)
    doc = _returned_with_result(done)
    req, _created = postal.register(own, postal_body(), new_key(), Actor.citizen(own))
    return {"proc": proc, "owner": owner, "org": org, "victim": victim, "own": own, "done": done,
            "doc": doc, "postal": req}


def _try(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = csrf_token(client.get("/tai-khoan").get_data(as_text=True))
    data = {"csrf_token": token, "client_id": new_key(), "action": "confirm", "reason": "Tôi rút",
            "level": "3"} | {k: str(v) for k, v in postal_body(street="99 Đường Của Chủ").items()}
    return client.post(url, data=data)


def _routes(w) -> list[tuple[str, str]]:
    own, done = w["own"], w["done"]
    routes = [(m, r.format(code=own.code, req=w["postal"].id)) for m, r in DOSSIER_ROUTES]
    return routes + [(m, r.format(code=done.code, doc=w["doc"].id)) for m, r in RESULT_ROUTES]


def _assert_untouched(w) -> None:
    for row in (w["own"], w["done"], w["postal"]):
        db.session.refresh(row)
    assert w["own"].status == Status.SUBMITTED and w["done"].status == Status.RETURNED
    assert w["postal"].street == "12 Lê Lợi" and w["postal"].cancelled_at is None
    assert db.session.execute(db.select(db.func.count()).select_from(PostalRequest)).scalar_one() == 1
    assert w["own"].organisation_id is None and w["own"].owner_id is not None


def _assert_closed_to(client, w) -> None:
    for method, url in _routes(w):
        answer = _try(client, method, url)
        assert answer.status_code == 404, (method, url, answer.status_code)
    _assert_untouched(w)


def _org_listing(client, org) -> str:
    return client.get(f"/to-chuc/{org.id}").get_data(as_text=True) + \
        client.get(f"/to-chuc/{org.id}/ho-so.csv").get_data(as_text=True)


def test_inviting_a_person_without_their_consent_opens_nothing(world):
    owner, org, w = world["owner"], world["org"], world
    assert invite(owner, org, VICTIM).status_code == 303
    _assert_closed_to(owner, w)
    listing = _org_listing(owner, org)
    assert w["own"].code not in listing and w["done"].code not in listing


def test_a_pending_invitation_is_not_a_membership(world):
    owner, org, victim = world["owner"], world["org"], world["victim"]
    assert invite(owner, org, VICTIM).status_code == 303
    assert db.session.execute(db.select(Membership.status).filter_by(login=VICTIM)).scalar_one() == "pending"
    org_dossier = filed(owner, world["proc"], organisation=org.id)
    assert victim.get(f"/to-chuc/{org.id}").status_code == 404  # not a member yet
    assert victim.get(f"/ho-so/{org_dossier.code}").status_code == 404
    _assert_closed_to(owner, world)
    # Nor may the invited person file for it before accepting.
    refused = file_dossier(victim, world["proc"], organisation=org.id)
    assert refused.status_code == 422 and refused.get_json()["details"]["organisation"]


def test_an_accepted_member_still_keeps_their_own_dossiers_to_themself(world):
    owner, org, victim = world["owner"], world["org"], world["victim"]
    invite(owner, org, VICTIM)
    assert accept(victim, org, VICTIM).status_code == 303
    assert db.session.execute(db.select(Membership.status).filter_by(login=VICTIM)).scalar_one() == "active"
    _assert_closed_to(owner, world)
    listing = _org_listing(owner, org) + _org_listing(victim, org)
    assert world["own"].code not in listing and world["done"].code not in listing
    # Bulk postal names only the organisation's dossiers: the person's own one is "not found".
    page = f"/to-chuc/{org.id}"
    assert post(owner, f"{page}/dia-chi", {"recipient_name": "Chủ", "phone": "0912345678",
                                           "street": "99 Đường Của Chủ", "province": "80",
                                           "ward": postal_body()["ward"]}, page).status_code == 303
    answer = post(owner, f"{page}/buu-chinh", {"address": org.addresses[0].id, "client_id": new_key(),
                                               "codes": [world["own"].code]}, page)
    assert answer.status_code == 404
    _assert_untouched(world)
    # The person still has everything of their own.
    assert victim.get(f"/ho-so/{world['own'].code}").status_code == 200
    assert world["own"].code in victim.get("/tai-khoan").get_data(as_text=True)


def test_the_postal_api_gives_the_owner_nothing_either(world):
    owner, org, victim = world["owner"], world["org"], world["victim"]
    invite(owner, org, VICTIM)
    accept(victim, org, VICTIM)
    # Without the applicant's proof the API does not know the owner, member or not.
    assert post_postal(owner, world["own"].code, postal_body(street="99 Đường Của Chủ")).status_code == 404
    _assert_untouched(world)


def test_a_dossier_filed_for_the_organisation_is_its_members(world, app):
    owner, org = world["owner"], world["org"]
    colleague = member(app, owner, org, "dong-nghiep@a.vn")
    dossier = filed(colleague, world["proc"], organisation=org.id)
    assert dossier.organisation_id == org.id and dossier.applicant_kind == "business"
    for tail in ("", "/bien-nhan", "/buu-chinh"):
        assert owner.get(f"/ho-so/{dossier.code}{tail}").status_code == 200, tail
    assert dossier.code in _org_listing(owner, org)
    assert dossier.code not in colleague.get("/tai-khoan").get_data(as_text=True)  # not a personal one


def _member_link(client, code: str) -> str:
    """A signed link as the pages hand out to a member (the postal page carries one)."""
    html = client.get(f"/ho-so/{code}/buu-chinh").get_data(as_text=True)
    return re.search(r'data-token="([^"]+)"', html).group(1)


@pytest.mark.parametrize("how", ["leaves", "is removed"])
def test_after_the_membership_ends_nothing_opens_not_even_an_old_signed_link(world, app, how):
    owner, org = world["owner"], world["org"]
    filer = member(app, owner, org, "nguoi-nop@a.vn", "Người Nộp")
    reader = member(app, owner, org, "nguoi-doc@a.vn", "Người Đọc")
    answer = file_dossier(filer, world["proc"], organisation=org.id)
    code, receipt = answer.get_json()["code"], answer.get_json()["receipt_url"]
    link = _member_link(reader, code)
    fresh = fresh_client(app)  # someone the links were forwarded to
    assert fresh.get(receipt).status_code == 200 and fresh.get(f"/ho-so/{code}?t={link}").status_code == 200
    for login, client in (("nguoi-nop@a.vn", filer), ("nguoi-doc@a.vn", reader)):
        if how == "leaves":
            assert post(client, f"/to-chuc/{org.id}/roi-to-chuc", {}, f"/to-chuc/{org.id}").status_code == 303
        else:
            page = f"/to-chuc/{org.id}"
            removal = f"{page}/thanh-vien/{invitation_id(org, login)}/xoa"
            assert post(owner, removal, {}, page).status_code == 303
    for client in (filer, reader, fresh_client(app)):
        assert client.get(f"/ho-so/{code}").status_code == 404
        assert client.get(receipt).status_code == 404
        assert client.get(f"/ho-so/{code}?t={link}").status_code == 404
    assert filer.get(f"/to-chuc/{org.id}").status_code == reader.get(f"/to-chuc/{org.id}").status_code == 404
    # Nor does the link still work on the API (postal request, withdrawal by the outbox).
    assert post_postal(fresh_client(app), code, postal_body(token=link)).status_code == 404
    assert owner.get(f"/ho-so/{code}").status_code == 200  # still the organisation's


def test_withdrawal_and_result_are_refused_to_the_owner_of_a_personal_dossier(world):
    owner, org, victim = world["owner"], world["org"], world["victim"]
    invite(owner, org, VICTIM)
    accept(victim, org, VICTIM)
    done, doc = world["done"], world["doc"]
    assert _try(owner, "POST", f"/ho-so/{world['own'].code}/rut-ho-so").status_code == 404
    assert owner.get(f"/ho-so/{done.code}/ket-qua/{doc.id}").status_code == 404
    _assert_untouched(world)
    assert victim.get(f"/ho-so/{done.code}/ket-qua/{doc.id}").status_code == 200


def test_inviting_says_nothing_about_whether_an_account_exists(world, app):
    owner, org = world["owner"], world["org"]
    page = f"/to-chuc/{org.id}"
    answers = {}
    for login in (VICTIM, "khong-co-tai-khoan@example.vn"):
        answer = invite(owner, org, login)
        answers[login] = (answer.status_code, answer.headers["Location"])
    assert len(set(answers.values())) == 1
    html = owner.get(page).get_data(as_text=True)
    for login in answers:
        assert login in html
    rows = db.session.execute(db.select(Membership).filter_by(organisation_id=org.id, status="pending"))
    rows = rows.scalars()
    assert {(m.login, m.user_id) for m in rows} == {(VICTIM, None), ("khong-co-tai-khoan@example.vn", None)}
    # A person who registers later with the invited address sees the invitation.
    late = person(app, "khong-co-tai-khoan@example.vn", "Người Đến Sau")
    assert "Công ty A" in late.get("/tai-khoan").get_data(as_text=True)


def test_an_invitation_is_shown_at_sign_in_and_only_its_person_can_accept(world, app):
    owner, org = world["owner"], world["org"]
    invite(owner, org, VICTIM)
    other = person(app, "nguoi-khac@example.vn")
    assert accept(other, org, VICTIM).status_code == 404
    assert post(other, f"/tai-khoan/loi-moi/{invitation_id(org, VICTIM)}/tu-choi").status_code == 404
    staff = make_user("reception", email="can-bo@example.vn")
    invite(owner, org, staff.email)
    assert db.session.execute(db.select(Membership.status).filter_by(login=VICTIM)).scalar_one() == "pending"
    # Signing in tells the person; the account page offers to accept or decline.
    browser = fresh_client(app)
    page = browser.get("/dang-nhap").get_data(as_text=True)
    browser.post("/dang-nhap", data={"email": VICTIM, "password": "mat-khau-cong-dan",
                                     "csrf_token": csrf_token(page)})
    home = browser.get("/").get_data(as_text=True)
    assert "Công ty A mời bạn tham gia tổ chức" in home
    account = browser.get("/tai-khoan").get_data(as_text=True)
    assert f"/tai-khoan/loi-moi/{invitation_id(org, VICTIM)}/chap-nhan" in account


def test_declining_leaves_nothing_and_a_member_can_leave_but_the_last_owner_cannot(world, app):
    owner, org, victim = world["owner"], world["org"], world["victim"]
    invite(owner, org, VICTIM)
    assert post(victim, f"/tai-khoan/loi-moi/{invitation_id(org, VICTIM)}/tu-choi").status_code == 303
    assert db.session.execute(db.select(Membership).filter_by(login=VICTIM)).scalar_one_or_none() is None
    page = f"/to-chuc/{org.id}"
    refused = post(owner, f"{page}/roi-to-chuc", {}, page)
    assert refused.status_code == 422 and "ít nhất một chủ sở hữu" in refused.get_data(as_text=True)
    assert owner.get(page).status_code == 200


def test_claim_cannot_pull_an_organisations_dossier_into_a_personal_account(world, app):
    owner, org = world["owner"], world["org"]
    dossier = filed(owner, world["proc"], organisation=org.id)
    thief = person(app, "ke-trom@example.vn")
    answer = post(thief, "/tai-khoan/nhan-ho-so", {"code": dossier.code, "phone": dossier.applicant_phone,
                                                   "id_number": dossier.applicant_id_number})
    assert answer.status_code == 422
    db.session.refresh(dossier)
    assert dossier.organisation_id == org.id and thief.get(f"/ho-so/{dossier.code}").status_code == 404
