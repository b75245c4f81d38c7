"""One access test over every staff URL: anonymous → sign-in, citizen → 403, other agency → 404."""

from datetime import date

import pytest

from app.extensions import db
from app.models import Document
from app.services import workflow
from app.services.actors import Actor
from tests.factories import make_agency, make_dossier, make_procedure, make_user
from tests.helpers import csrf_token, fresh_client, sign_in

# (method, URL rule, what a department officer of ANOTHER agency gets, who the page is for)
URLS = [
    ("GET", "/staff/", 200, "any"),
    ("GET", "/staff/ho-so/<code>", 404, "any"),
    ("GET", "/staff/ho-so/<code>/tep/<int:document_id>", 404, "any"),
    ("GET", "/staff/ho-so/<code>/in/tu-choi", 404, "any"),
    ("GET", "/staff/ho-so/<code>/in/bo-sung/<int:number>", 404, "any"),
    ("GET", "/staff/ho-so/<code>/in/kiem-soat", 404, "any"),
    ("POST", "/staff/ho-so/<code>/tiep-nhan", 404, None),
    ("POST", "/staff/ho-so/<code>/tu-choi", 404, None),
    ("POST", "/staff/ho-so/<code>/chuyen-xu-ly", 404, None),
    ("POST", "/staff/ho-so/<code>/yeu-cau-bo-sung", 404, None),
    ("POST", "/staff/ho-so/<code>/nhan-bo-sung", 404, None),
    ("POST", "/staff/ho-so/<code>/yeu-cau-nop-phi", 404, None),
    ("POST", "/staff/ho-so/<code>/xac-nhan-nop-phi", 404, None),
    ("POST", "/staff/ho-so/<code>/hoan-thanh", 404, None),
    ("POST", "/staff/ho-so/<code>/tra-ket-qua", 404, None),
    ("POST", "/staff/ho-so/<code>/ghi-nhan-rut", 404, None),
    ("POST", "/staff/ho-so/<code>/dung-xu-ly", 404, None),
    ("POST", "/staff/ho-so/<code>/xin-loi", 404, None),
    ("POST", "/staff/ho-so/<code>/khong-chap-nhan-rut", 404, None),
    ("GET", "/staff/tiep-nhan", 403, "reception"),
    ("GET", "/staff/tiep-nhan/<proc>", 403, "reception"),
    ("POST", "/staff/tiep-nhan/<proc>", 403, None),
    ("GET", "/staff/quan-tri/tai-khoan", 403, "admin"),
    ("POST", "/staff/quan-tri/tai-khoan", 403, None),
    ("POST", "/staff/quan-tri/tai-khoan/<int:user_id>/trang-thai", 403, None),
    ("GET", "/staff/quan-tri/thu-tuc", 403, "admin"),
    ("GET", "/staff/quan-tri/thu-tuc/<proc>", 403, "admin"),
    ("POST", "/staff/quan-tri/thu-tuc/<proc>", 403, None),
    ("POST", "/staff/quan-tri/thu-tuc/<proc>/giay-to", 403, None),
    ("POST", "/staff/quan-tri/thu-tuc/<proc>/giay-to/<int:requirement_id>", 403, None),
    ("POST", "/staff/quan-tri/thu-tuc/<proc>/giay-to/<int:requirement_id>/thu-tu", 403, None),
    ("POST", "/staff/quan-tri/thu-tuc/<proc>/giay-to/<int:requirement_id>/xoa", 403, None),
    ("POST", "/staff/quan-tri/thu-tuc/<proc>/giay-to/<int:requirement_id>/ngung", 403, None),
    ("POST", "/staff/quan-tri/thu-tuc/<proc>/giay-to/<int:requirement_id>/yeu-cau-lai", 403, None),
    ("GET", "/staff/quan-tri/co-quan", 403, "admin"),
    ("POST", "/staff/quan-tri/co-quan", 403, None),
    ("GET", "/staff/quan-tri/co-quan/<int:agency_id>", 403, "admin"),
    ("POST", "/staff/quan-tri/co-quan/<int:agency_id>", 403, None),
    ("GET", "/staff/quan-tri/ngay-nghi", 403, "admin"),
    ("POST", "/staff/quan-tri/ngay-nghi", 403, None),
    ("POST", "/staff/quan-tri/ngay-nghi/<day>/xoa", 403, None),
    ("POST", "/staff/quan-tri/ngay-nghi/nap", 403, None),
    ("GET", "/staff/quan-tri/ma-truy-cap", 403, "admin"),
    ("POST", "/staff/quan-tri/ma-truy-cap", 403, None),
    ("POST", "/staff/quan-tri/ma-truy-cap/<int:token_id>/thu-hoi", 403, None),
    ("GET", "/staff/quan-tri/webhook", 403, "admin"),
    ("POST", "/staff/quan-tri/webhook", 403, None),
    ("GET", "/staff/quan-tri/webhook/<int:subscription_id>", 403, None),
    ("POST", "/staff/quan-tri/webhook/<int:subscription_id>/doi-khoa", 403, None),
    ("POST", "/staff/quan-tri/webhook/<int:subscription_id>/tat", 403, None),
    ("POST", "/staff/quan-tri/webhook/<int:subscription_id>/bat", 403, None),
    ("POST", "/staff/quan-tri/webhook/lan-gui/<int:delivery_id>/gui-lai", 403, None),
    ("GET", "/staff/thanh-toan", 200, "department"),  # fee payments: each officer sees their own agency's
    ("POST", "/staff/thanh-toan/sao-ke", 422, None),  # the other agency has no receiving account
    ("POST", "/staff/thanh-toan/khoan/<int:credit_id>/gan", 404, None),
    ("POST", "/staff/thanh-toan/khoan/<int:credit_id>/bo-qua", 404, None),
    ("POST", "/staff/thanh-toan/ho-so/<int:payment_id>/xu-ly", 404, None),
    ("GET", "/staff/quan-tri/tai-khoan-nhan-tien", 403, "admin"),
    ("GET", "/staff/quan-tri/tai-khoan-nhan-tien/<int:agency_id>", 403, "admin"),
    ("POST", "/staff/quan-tri/tai-khoan-nhan-tien/<int:agency_id>", 403, None),
    ("GET", "/staff/bao-cao", 403, "admin"),
    ("GET", "/staff/bao-cao.csv", 403, "admin"),
    ("GET", "/staff/bao-cao.xlsx", 403, "admin"),
]


def fill(rule: str, values: dict) -> str:
    for name, value in values.items():
        rule = rule.replace(name, str(value))
    return rule


@pytest.fixture
def setting(app):
    """A refused dossier of agency A that went through one supplement request."""
    with app.app_context():
        proc = make_procedure()
        other = make_agency(code="000.09.00.H40", name="Sở Y tế")
        reception = Actor.of(make_user("reception"))
        dossier = make_dossier(proc)
        workflow.request_supplement(dossier, reception, "Tờ khai", date(2099, 1, 1))
        doc = db.session.execute(db.select(Document).filter_by(dossier_id=dossier.id)).scalars().first()
        workflow.answer_supplement(dossier, reception, [Document(
            original_name="bo-sung.jpg", media_type=doc.media_type, size=doc.size, sha256=doc.sha256)])
        workflow.refuse(dossier, reception, "Không thuộc thẩm quyền")
        users = {role: make_user(role, agency=proc.agency if role == "department" else None).email
                 for role in ("reception", "department", "leader", "admin", "citizen")}
        users["other"] = make_user("department", agency=other).email
        values = {"<code>": dossier.code, "<int:document_id>": doc.id, "<int:number>": 1,
                  "<proc>": proc.code, "<int:user_id>": make_user("reception").id, "<day>": "2026-09-02",
                  "<int:agency_id>": proc.agency_id, "<int:requirement_id>": proc.requirements[0].id,
                  # No such rows: every role but the admin is refused before anything is looked up.
                  "<int:token_id>": 1, "<int:subscription_id>": 1, "<int:delivery_id>": 1,
                  "<int:credit_id>": 1, "<int:payment_id>": 1}
        return values, users


def client_as(app, email: str | None):
    client = fresh_client(app)
    if email:
        sign_in(client, email)
    return client


def call(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = csrf_token(client.get("/tra-cuu").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


def test_every_staff_url_is_in_the_list(app):
    rules = {(m, r.rule) for r in app.url_map.iter_rules()
             if r.endpoint.startswith("staff.") for m in r.methods - {"HEAD", "OPTIONS"}}
    listed = {(m, u.replace("<proc>", "<code>")) for m, u, _o, _w in URLS}
    assert rules == listed


@pytest.mark.parametrize(("method", "template", "other_agency", "who"), URLS,
                         ids=[f"{m} {u}" for m, u, _o, _w in URLS])
def test_access(app, setting, method, template, other_agency, who):
    values, users = setting
    url = fill(template, values)

    anonymous = call(client_as(app, None), method, url)
    assert anonymous.status_code == 302
    assert anonymous.location.startswith("/dang-nhap?next=")

    assert call(client_as(app, users["citizen"]), method, url).status_code == 403
    assert call(client_as(app, users["other"]), method, url).status_code == other_agency

    if method == "GET" and who:  # the page itself works for whoever it is meant for
        role = "department" if who == "any" else who
        assert call(client_as(app, users[role]), method, url).status_code == 200
