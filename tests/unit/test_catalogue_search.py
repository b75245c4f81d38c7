"""Ranking a catalogue search: words, weights, synonyms, codes (no database, no app)."""

import json

import pytest

from app.services.catalogue.search import DEFAULT_TABLE, Entry, compile_terms, parse, rank, scores, words

DEMO = json.loads((DEFAULT_TABLE.parent / "demo_catalogue.json").read_text(encoding="utf-8"))
TABLE = compile_terms(json.loads(DEFAULT_TABLE.read_text(encoding="utf-8")))
DN = ["1.005172", "2.001610", "2.002053"]  # Đăng ký thành lập / thay đổi … doanh nghiệp


def demo_entries() -> list[Entry]:
    """The demo catalogue (52 procedures) as the server lists it: by folded name, then code."""
    agencies = {a["code"]: a for a in DEMO["agencies"]}
    entries = [Entry(p["code"], p["name"], p["field"],
                     f"{agencies[p['agency']]['name']} {agencies[p['agency']]['short_name']}")
               for p in DEMO["procedures"]]
    return sorted(entries, key=lambda e: (" ".join(words(e.name)), e.code))


def found(query: str, entries: list[Entry] | None = None, table: dict = TABLE) -> tuple[list[str], bool]:
    """The codes found for `query`, best first, and whether they have only some of its words."""
    entries = entries if entries is not None else demo_entries()
    order, partial = rank(query, entries, table)
    return [entries[i].code for i in order], partial


def codes(query: str, entries: list[Entry] | None = None, table: dict = TABLE) -> list[str]:
    """The codes of the entries that contain every word of `query`, best first."""
    result, partial = found(query, entries, table)
    return [] if partial else result


def test_business_registration_finds_the_three_enterprise_procedures_first():
    found = codes("đăng ký kinh doanh")
    assert sorted(found[:3]) == sorted(DN)
    assert "1.007675" in found[3:]  # the tax registration, which the old search put alone on top
    assert codes("dang ky kinh doanh") == found
    assert codes("thủ tục đăng ký kinh doanh ở đâu") == found  # words that say nothing are skipped


@pytest.mark.parametrize("query", ["ho tich", "HỘ TỊCH", "hộ  tịch", "Hộ Tịch", "ho tịch"])
def test_civil_status_without_diacritics_or_case(query):
    assert codes(query) == ["2.000635"]


def test_the_word_being_typed_matches_the_start_of_a_word():
    assert codes("ho tic") == ["2.000635"]
    assert codes("trich lu") == ["2.000635"]
    assert codes("ho tichs") == []  # a word that starts no word: nothing has every word…
    assert found("ho tichs")[0][0] == "2.000635"  # …and what has the most comes first


def test_words_are_whole_words_not_substrings():
    entries = [Entry("1", "Cấp phép hoạt động", "Lĩnh vực", "Sở A"),
               Entry("2", "Cấp giấy hoa hồng", "Lĩnh vực", "Sở A")]
    assert codes("hoa dong", entries) == []  # "hoa" is a word of its own, not the start of "hoạt"
    assert codes("hoat dong", entries) == ["1"]
    assert codes("hoa", entries) == ["2", "1"]  # the last word may be unfinished: "hoạt" too, after


def test_synonyms_work_both_ways():
    entries = [Entry("1", "Đăng ký khai sinh", "Hộ tịch", "UBND xã"),
               Entry("2", "Cấp bản sao trích lục hộ tịch", "Chứng thực", "Sở Tư pháp"),
               Entry("3", "Cấp đổi thẻ CCCD", "Cư trú", "Công an"),
               Entry("4", "Cấp thẻ căn cước", "Cư trú", "Công an"),
               Entry("5", "Cấp Giấy phép kinh doanh vận tải", "Đường bộ", "Sở Xây dựng"),
               Entry("6", "Đăng ký thành lập doanh nghiệp tư nhân", "Doanh nghiệp", "Sở Tài chính")]
    assert set(codes("khai sinh", entries)) == {"1", "2"}  # hộ tịch (in the name of 2)
    assert set(codes("hộ tịch", entries)) == {"1", "2"}
    assert codes("hộ tịch", entries)[0] == "2"  # the word as typed, in the name, first
    assert set(codes("cccd", entries)) == {"3", "4"}
    assert set(codes("căn cước", entries)) == {"3", "4"}
    assert set(codes("kinh doanh", entries)) == {"5", "6"}
    assert codes("kinh doanh", entries)[0] == "5"
    assert set(codes("doanh nghiep", entries)) == {"5", "6"}
    assert codes("doanh nghiep", entries)[0] == "6"


def test_synonyms_are_not_transitive():
    entries = [Entry("1", "Đăng ký khai tử", "Chứng thực", "UBND xã"),
               Entry("2", "Đăng ký khai sinh", "Chứng thực", "UBND xã")]
    assert codes("khai sinh", entries) == ["2"]  # "khai sinh" ↔ "hộ tịch" ↔ "khai tử" is not a line
    assert set(codes("ho tich", entries)) == {"1", "2"}  # on a line with each


def test_code_search_whole_and_part():
    assert codes("2.000635") == ["2.000635"]
    assert codes(" 2.000635 ") == ["2.000635"]
    assert codes("001417") == ["2.001417"]
    assert codes("1.0114") == ["1.011442"]


def test_name_weighs_more_than_field_and_field_more_than_agency():
    entries = [Entry("a", "Thủ tục A", "Lĩnh vực A", "Sở môi trường"),
               Entry("b", "Thủ tục B", "Môi trường", "Sở B"),
               Entry("c", "Cấp giấy phép môi trường", "Lĩnh vực C", "Sở C")]
    assert codes("moi truong", entries) == ["c", "b", "a"]


def test_words_close_together_in_the_name_rank_higher():
    entries = [Entry("far", "Đăng ký nội quy lao động của doanh nghiệp", "Lao động", "Sở Nội vụ"),
               Entry("near", "Đăng ký doanh nghiệp", "Lao động", "Sở Nội vụ")]
    assert codes("dang ky doanh nghiep", entries) == ["near", "far"]


def test_when_no_procedure_has_every_word_those_with_most_are_offered():
    entries = demo_entries()
    result, partial = found("giấy phép lái xe máy bay", entries)
    assert partial and result[0] == "1.012815"  # four of six words (a listed phrase), beats "máy"
    assert found("ho tich", entries) == (["2.000635"], False)


def test_a_query_with_no_words_finds_nothing():
    assert codes("%") == []
    assert codes("--- ...") == []


def test_only_words_that_say_nothing_are_still_searched():
    assert set(codes("thủ tục")) == {"1.001228", "2.001415"}  # "… làm thủ tục yêu cầu …"


def test_the_synonym_table_is_compiled_from_folded_words():
    table = compile_terms({"synonyms": [["Sổ Đỏ", "giấy chứng nhận quyền sử dụng đất"]],
                           "ignore": ["Thủ tục"]})
    certificate = "giay chung nhan quyen su dung dat".split()
    assert table["phrases"]["so do"] == [["so", "do"], certificate]
    assert table["ignore"] == ["thu tuc"]
    assert table["longest"] == 7
    concepts = parse("xin so do", table)
    assert [c.alts for c in concepts] == [(("xin",),), (("so", "do"), tuple(certificate))]


@pytest.mark.parametrize("raw", [[], {"synonyms": "x"}, {"synonyms": [[1, 2]]}, {"ignore": "x"}])
def test_a_malformed_table_is_refused(raw):
    with pytest.raises(ValueError):
        compile_terms(raw)


@pytest.mark.parametrize("query", ["đăng ký kinh doanh", "ho tichs", "cap lai can cuoc bi mat", "cấp", "h",
                                   "2.000635", "1.0", "giấy phép lái xe máy bay", "xyz", "thủ tục"])
def test_ranking_scores_only_what_it_must_yet_equals_ranking_every_score(query):
    entries = demo_entries()
    found, wanted = scores(query, entries, TABLE)
    top = max(matched for matched, _ in found)
    reference = sorted((-score, i) for i, (matched, score) in enumerate(found) if top and matched == top)
    assert rank(query, entries, TABLE) == ([i for _, i in reference], bool(top) and top < wanted)
