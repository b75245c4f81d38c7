"""A catalogue of the attacks an outside review tried, each answered at the shared mechanism.

Open redirects (one safe-path rule for every `next`), formula injection (one writer for
every CSV and XLSX), protocol headers on errors (Allow, Retry-After), no caching of personal
data, and file names that disguise themselves. Other classes have modules of their own:
test_hostile_input (bad input, never a 500), test_idempotency_leak, test_sessions, the
organisation tests.
"""

import io
import zipfile
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.lib.exports import cell, csv_text
from app.lib.names import display_safe
from app.lib.redirects import safe_path
from app.models import Document
from app.models.postal import PostalLeg
from app.services.actors import Actor
from app.services.postal import requests as postal
from tests.factories import STAFF_PASSWORD, applicant, make_dossier, make_procedure, make_user, new_key
from tests.helpers import csrf_token, form_post, fresh_client, sign_in
from tests.postal_helpers import dossier_with_token, postal_body, resolved

EVIL_NEXTS = [
    "//evil.example/", "/%09/evil.example/", "/\t/evil.example/", "/\r\n/evil.example/",
    "/\\evil.example/", "\\\\evil.example", "/\\/evil.example", "https://evil.example/",
    "javascript:alert(1)", "/\x00/evil.example", " //evil.example", "/\u0085/evil.example",
    "http:/evil.example", "/" + "a" * 5000,
]


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_language_switch_never_leaves_the_site(client, target):
    answer = client.get("/ngon-ngu/en", query_string={"next": target})
    assert answer.status_code == 303
    assert _same_origin(answer.headers["Location"])


def _same_origin(location: str) -> bool:
    """Read a Location as a browser does: tabs and newlines dropped, backslash as slash."""
    seen = location.replace("\t", "").replace("\r", "").replace("\n", "").replace("\\", "/")
    return seen.startswith("/") and not seen.startswith("//") and not urlsplit(seen).netloc


@pytest.mark.parametrize("target", ["/%09/evil.example/", "/\t/evil.example/", "/\\evil.example/"])
def test_raw_query_string_variants(client, target):
    # The percent-encoded form as an attacker sends it in a link, not re-encoded by the client.
    raw = target.replace("\t", "%09").replace("\\", "%5C")
    answer = client.get(f"/ngon-ngu/en?next={raw}")
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_sign_in_never_leaves_the_site(app, ctx, target):
    user = make_user("reception")
    client = fresh_client(app)
    page = client.get("/dang-nhap", query_string={"next": target}).get_data(as_text=True)
    answer = client.post("/dang-nhap", data={"email": user.email, "password": STAFF_PASSWORD,
                                             "next": target, "csrf_token": csrf_token(page)})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    assert _same_origin(answer.headers["Location"])


def test_a_path_on_the_site_is_kept(client):
    assert safe_path("/ho-so-cua-toi?x=1#a") == "/ho-so-cua-toi?x=1#a"
    answer = client.get("/ngon-ngu/en", query_string={"next": "/thu-tuc?q=ho+tich"})
    assert answer.headers["Location"] == "/thu-tuc?q=ho+tich"


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1",
                                   "\r=1", "\uff1d1+1"])
def test_formula_cells_are_written_as_text(value):
    assert cell(value) == "'" + value
    assert csv_text(["a"], [[value]]).splitlines()[1].lstrip('"').startswith("'")


def test_numbers_and_plain_text_stay_as_they_are():
    assert cell(-5) == -5 and cell(12.5) == 12.5 and cell("Nguyễn Văn A") == "Nguyễn Văn A"
    assert cell(None) == ""


def test_postal_batch_csv_escapes_what_the_applicant_typed(app, ctx):
    proc = make_procedure()
    dossier, _t = dossier_with_token(proc)
    postal.register(dossier, postal_body(recipient_name="=cmd|' /C calc'!A0", street="@SUM(1+1)"),
                    new_key(), Actor.citizen(dossier))
    resolved(dossier)
    client = fresh_client(app)
    sign_in(client, make_user("reception"))
    page = client.get("/staff/buu-chinh/").get_data(as_text=True)
    leg_ids = [str(leg.id) for leg in db.session.execute(
        db.select(PostalLeg).filter_by(kind="result")).scalars()]
    made = client.post("/staff/buu-chinh/lo", data={"ids": leg_ids, "csrf_token": csrf_token(page)})
    name = made.headers["Location"].rsplit("/", 1)[1]
    answer = client.get(f"/staff/buu-chinh/lo/{name}.csv")
    body = answer.get_data().decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in body and "'@SUM(1+1)" in body
    assert ",=cmd" not in body and ",@SUM" not in body
    assert answer.headers["Cache-Control"] == "no-store"


def test_report_xlsx_writes_strings_never_formulas(app, ctx):
    from app.extensions import db as _db
    from app.models import Agency

    make_procedure()
    agency = _db.session.execute(_db.select(Agency)).scalars().first()
    agency.name = "=1+1 Sở"
    _db.session.commit()
    client = fresh_client(app)
    sign_in(client, make_user("admin"))
    answer = client.get("/staff/bao-cao.xlsx", query_string={"tu": "2026-01-01", "den": "2026-01-31"})
    assert answer.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(answer.get_data())) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no cell is a formula
    assert "&apos;=1+1 Sở" in strings or "'=1+1 Sở" in strings
    csv_body = client.get("/staff/bao-cao.csv", query_string={"tu": "2026-01-01", "den": "2026-01-31"})
    assert "'=1+1 Sở" in csv_body.get_data().decode("utf-8-sig")


def test_405_says_what_is_allowed(client):
    for path in ("/healthz", "/api/v1/openapi.json"):
        answer = client.delete(path)
        assert answer.status_code == 405
        assert "GET" in answer.headers["Allow"]


def test_every_429_says_when_to_come_back(app, ctx):
    proc = make_procedure()
    dossier = make_dossier(proc)
    app.config["TRACK_RATE_LIMIT"] = "3 per minute"
    client = fresh_client(app)
    answers = [client.post("/api/v1/track", json={"code": dossier.code, "secret": "0000000000"})
               for _ in range(4)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, [a.status_code for a in answers]
    assert int(limited[0].headers["Retry-After"]) >= 1
    assert limited[0].get_json()["error"] == "too_many_requests"
    page = form_post(client, "/tra-cuu", {"code": dossier.code, "secret": "0000000000"}, page="/tra-cuu")
    assert page.status_code == 429 and "thao tác quá nhanh" in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) >= 1 and int(page.headers["Retry-After"]) >= 1


def test_api_answers_and_exports_are_never_cached(app, ctx):
    proc = make_procedure()
    dossier = make_dossier(proc)
    client = fresh_client(app)
    answer = client.post("/api/v1/track", json={"code": dossier.code, "secret": applicant()["phone"]})
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name,shown", [
    ("hoa-don\u202egpj.exe", "hoa-dongpj.exe"),
    ("a\u200bb\u200c\u200d\ufeff.pdf", "ab.pdf"),
    ("\u2066x\u2069.jpg", "x.jpg"),
    ("dòng\nmới\r.pdf", "dòngmới.pdf"),
])
def test_file_names_cannot_disguise_themselves(name, shown):
    assert display_safe(name) == shown


def test_stored_document_names_are_cleaned(app, ctx):
    proc = make_procedure()
    dossier = make_dossier(proc)
    doc = Document(dossier=dossier, requirement_id=None, original_name="cv\u202efdp.exe",
                   media_type="application/pdf", size=1, sha256=dossier.documents[0].sha256)
    db.session.add(doc)
    db.session.commit()
    assert doc.original_name == "cvfdp.exe"


def test_organisation_csv_escapes_the_contact_name(app, ctx):
    from tests.org_helpers import company, filed, member

    proc = make_procedure()
    owner, org = company(app)
    employee = member(app, owner, org, "nv@a.vn", "=HYPERLINK(\"http://evil\")")
    filed(employee, proc, organisation=org.id, name="=HYPERLINK(\"http://evil\")")
    answer = owner.get(f"/to-chuc/{org.id}/ho-so.csv")
    body = answer.get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body and ',"=HYPERLINK' not in body
    assert answer.headers["Cache-Control"] == "no-store"
