"""Catalogue search pages: ranked results, synonyms, codes, the table the device searches with."""

import json
import os
import re

import pytest

from app.extensions import db
from app.models import Agency, Procedure
from app.services.accounts import admin
from app.services.catalogue.seed import load_catalogue
from tests.factories import make_agency, make_procedure

DN = ["1.005172", "2.001610", "2.002053"]


def result_codes(html: str) -> list[str]:
    return re.findall(r'<li class="card" data-code="([^"]+)"', html)


def full_codes(html: str) -> list[str]:
    """The codes listed as having every word of the search (none when only some are offered)."""
    return [] if "data-results-partial>" in html else result_codes(html)


def search(client, q: str, **params) -> str:
    response = client.get("/thu-tuc", query_string={"q": q, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def demo(ctx):
    load_catalogue()
    return ctx


def test_business_registration_lists_the_enterprise_procedures_first(client, demo):
    html = search(client, "đăng ký kinh doanh")
    codes = result_codes(html)
    assert sorted(codes[:3]) == sorted(DN)
    assert "1.007675" in codes  # the tax registration is still there, below
    assert f"{len(codes)} thủ tục" in html


def test_civil_status_without_diacritics_and_its_synonym(client, demo):
    assert result_codes(search(client, "ho tich")) == ["2.000635"]
    assert result_codes(search(client, "khai sinh")) == ["2.000635"]  # hộ tịch


def test_search_by_code(client, demo):
    assert result_codes(search(client, "2.000635")) == ["2.000635"]
    assert result_codes(search(client, "001417")) == ["2.001417"]


def test_search_within_a_department(client, demo):
    finance = db.session.execute(db.select(Agency).filter_by(code="000.02.00.H40")).scalar_one()
    codes = result_codes(search(client, "đăng ký kinh doanh", **{"co-quan": finance.id}))
    assert sorted(codes) == sorted(DN)


def test_a_partial_match_says_so(client, demo):
    html = search(client, "giấy phép lái xe máy bay")
    assert result_codes(html)[0] == "1.012815"
    assert full_codes(html) == []  # the note that only some words were found is shown
    assert full_codes(search(client, "ho tich")) == ["2.000635"]


def test_an_edit_is_found_at_once(client, demo):
    assert result_codes(search(client, "khoáng")) == []
    admin.update_procedure("1.000987", {"name": "Cấp giấy phép khai thác khoáng sản"})
    assert result_codes(search(client, "khoáng")) == ["1.000987"]
    proc = db.session.execute(db.select(Procedure).filter_by(code="1.000987")).scalar_one()
    proc.active = False
    db.session.commit()
    assert result_codes(search(client, "khoáng")) == []


def test_the_page_carries_the_synonym_table_and_each_card_what_it_is_found_by(client, demo):
    html = search(client, "")
    block = re.search(r'<script type="application/json" id="search-terms">(.*?)</script>', html, re.S)
    table = json.loads(block.group(1))
    assert ["doanh", "nghiep"] in table["phrases"]["kinh doanh"]
    assert "data-complete" in html  # the whole catalogue: what the device searches offline
    card = re.search(r'<li class="card" data-code="2.000635"[^>]*>', html).group(0)
    assert 'data-field="Hộ tịch"' in card and 'data-agency="Sở Tư pháp STP"' in card
    assert "data-complete" not in search(client, "ho tich")


def test_an_edited_synonym_file_is_read_again(client, app, demo, tmp_path):
    path = tmp_path / "synonyms.json"
    path.write_text(json.dumps({"synonyms": []}), encoding="utf-8")
    app.config["SEARCH_SYNONYMS"] = str(path)
    assert full_codes(search(client, "giấy khai sinh")) == []
    path.write_text(json.dumps({"synonyms": [["giấy khai sinh", "trích lục hộ tịch"]]}),
                    encoding="utf-8")
    mtime = path.stat().st_mtime_ns + 1_000_000_000  # a different mtime even within one tick
    os.utime(path, ns=(mtime, mtime))
    assert result_codes(search(client, "giấy khai sinh")) == ["2.000635"]


def test_a_broken_synonym_file_costs_the_synonyms_not_the_search(client, app, demo, tmp_path, caplog):
    path = tmp_path / "synonyms.json"
    path.write_text("{not json", encoding="utf-8")
    app.config["SEARCH_SYNONYMS"] = str(path)
    assert result_codes(search(client, "ho tich")) == ["2.000635"]
    assert full_codes(search(client, "khai sinh")) == []
    assert "search synonyms not loaded" in caplog.text


@pytest.mark.parametrize("q", ["x" * 5000, "\x00\x1f", "' OR 1=1 --", "%_\\", "😀 ho tich", "ｈｏ　ｔｉｃｈ"])
def test_odd_queries_answer_a_page(client, ctx, q):
    make_procedure(make_agency())
    response = client.get("/thu-tuc", query_string={"q": q, "co-quan": "abc"})
    assert response.status_code == 200
    assert "thủ tục" in response.get_data(as_text=True)


def test_htmx_fragment_keeps_the_ranking(client, demo):
    response = client.get("/thu-tuc", query_string={"q": "dang ky kinh doanh"},
                          headers={"HX-Request": "true", "HX-Target": "results"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="results"')
    assert sorted(result_codes(html)[:3]) == sorted(DN)


def test_a_search_lists_its_best_few_and_says_how_many_there_are(client, demo, monkeypatch):
    from app.services.catalogue import procedures as catalogue
    monkeypatch.setattr(catalogue, "SHOWN", 2)
    html = search(client, "đăng ký kinh doanh")
    assert len(result_codes(html)) == 2 and result_codes(html)[0] == "1.005172"
    assert "5 thủ tục" in html
    assert "Đây là 2 thủ tục khớp nhất" in html and "data-results-more hidden" not in html
    assert 'data-shown="2"' in html
    whole = search(client, "")
    assert len(result_codes(whole)) == 52  # the whole catalogue is never cut: the device needs it
    assert "data-results-more hidden" in whole
