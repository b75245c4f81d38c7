"""The printable slips: each carries the same letterhead, title and print controls."""

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Document, Dossier
from app.services import workflow
from app.services.actors import Actor
from tests.factories import make_dossier, make_procedure, make_user
from tests.helpers import fresh_client, sign_in


@pytest.fixture
def slips(app, ctx):
    """The three slips of one dossier refused after a supplement request, as reception sees them."""
    reception = make_user("reception", name="Trần Thị Tiếp Nhận")
    dossier = make_dossier(make_procedure())
    workflow.request_supplement(dossier, Actor.of(reception), "Tờ khai có chữ ký", date(2099, 1, 2))
    workflow.request_withdrawal(dossier, Actor.citizen(dossier), "Nộp nhầm")
    workflow.decline_withdrawal(dossier, Actor.of(reception), "Chờ bổ sung")
    client = fresh_client(app)
    sign_in(client, reception)
    base = f"/staff/ho-so/{dossier.code}/in"
    pages = {name: client.get(f"{base}/{slug}") for name, slug in
             (("supplement", "bo-sung/1"), ("control", "kiem-soat"))}
    return dossier.code, pages, client, base


def test_every_slip_has_the_shared_header_and_print_controls(slips):
    code, pages, _client, _base = slips
    titles = {"supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
              "control": "Phiếu kiểm soát quá trình giải quyết hồ sơ"}
    for name, response in pages.items():
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f"<title>{titles[name]} {code} ·" in html
        assert f'<h1 id="slip-title">{titles[name]}</h1>' in html
        assert html.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 1
        assert f'<strong class="code-big">{code}</strong>' in html
        assert html.count("data-print") == 1 and f'href="/staff/ho-so/{code}"' in html
        assert re.search(r'<script src="/static/js/app\.js\?v=\w+" defer>', html)
    assert 'class="slip wide"' in pages["control"].get_data(as_text=True)
    # The declined withdrawal is a hand-over on the process-control sheet like any other.
    assert "Không chấp nhận yêu cầu rút hồ sơ: Chờ bổ sung" in pages["control"].get_data(as_text=True)


def test_refusal_slip_shares_the_header(slips):
    code, _pages, client, base = slips
    assert client.get(f"{base}/tu-choi").status_code == 404  # not refused (yet)
    dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()
    first = dossier.documents[0]
    answer = Document(original_name="bo-sung.jpg", media_type=first.media_type, size=first.size,
                      sha256=first.sha256)
    workflow.answer_supplement(dossier, Actor.citizen(dossier), [answer])
    workflow.refuse(dossier, Actor("user", "reception", None, "Trần Thị Tiếp Nhận"), "Sai thẩm quyền")
    html = client.get(f"{base}/tu-choi").get_data(as_text=True)
    assert '<h1 id="slip-title">Phiếu từ chối tiếp nhận, giải quyết hồ sơ</h1>' in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Sai thẩm quyền" in html
    assert html.count("data-print") == 1

