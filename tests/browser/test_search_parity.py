"""The device searches offline exactly as the server does: folding, words and ranking agree.

static/js/search-match.js runs in Chromium on the same inputs as
app/services/catalogue_search.py; any difference between the two is a failure here.
"""

import unicodedata

import pytest

from app.lib.text import fold
from app.services.catalogue.search import rank, scores, words
from tests.unit.test_catalogue_search import TABLE, demo_entries

pytestmark = pytest.mark.browser

TRICKY = [
    "Đăng Ký Kinh Doanh", "ĐĂNG KÝ THÀNH LẬP", "đđĐĐ", "Ð ð (eth, not đ)",
    unicodedata.normalize("NFD", "Hộ tịch, khai sinh"),  # as some phone keyboards send it
    "Ủy ban / Uỷ ban", "hoà / hòa / HOÀ", "Thừa Thiên–Huế", "ngƯỜi ƠI ưỡn",
    "e\u0302\u0301 (ế spelled out)", "Nguyễn\u00a0Văn\tA\n\nB", "  nhiều   khoảng   trắng  ",
    "CCCD-079 123.456", "2.000635", "1.011442; 2.001417", "3.000 m³/ngày đêm", "½ ² Ⅻ",
    "x_y snake_case", "İstanbul", "ΣΑΣ ΟΔΟΣ", "Straße ẞ", "ﬁ ligature", "Ｈｏ　ｔｉｃｈ (full width)",
    "ǅ ǈ titlecase", "😀 hộ tịch 🇻🇳", "zero\u200bwidth\u200djoiner", "مَرْحَبًا", "ภาษาไทย",
    "한국어", "日本語テキスト", "क्षत्रिय", "", "   ", "%_\\'\"<>&",
]
QUERIES = [
    "đăng ký kinh doanh", "dang ky kinh doanh", "ho tich", "HỘ TỊCH", "ho tic", "khai sinh",
    "cccd", "căn cước", "CMND", "so do", "sổ đỏ", "giay phep lai xe", "bằng lái", "xe",
    "dat dai", "đất", "thủ tục đăng ký kinh doanh ở đâu", "thủ tục", "2.000635", "001417", "1.0",
    "giấy phép lái xe máy bay", "ho tichs", "cap lai can cuoc bi mat", "lý lịch tư pháp",
    "li lich tu phap", "bhxh", "bao hiem that nghiep", "y", "h", "moi truong", "x" * 40, "%",
    "cấp giấy chứng nhận đủ điều kiện kinh doanh dược đối với cơ sở bán lẻ thuốc",
]

JS = """async ({texts, queries, entries, table}) => {
    const m = await import('/static/js/search-match.js');
    return {
        fold: texts.map((t) => m.fold(t)),
        words: texts.map((t) => m.words(t)),
        ranks: queries.map((q) => { const r = m.rank(q, entries, table); return [r.order, r.partial]; }),
        scores: queries.map((q) => { const s = m.scores(q, entries, table); return [s.found, s.wanted]; }),
    };
}"""


def test_folding_words_and_ranking_agree_with_the_server(page):
    page.goto("/offline")
    entries = demo_entries()
    got = page.evaluate(JS, {"texts": TRICKY, "queries": QUERIES, "table": TABLE,
                             "entries": [e._asdict() for e in entries]})
    for text, js_fold, js_words in zip(TRICKY, got["fold"], got["words"], strict=True):
        assert js_fold == fold(text), text
        assert js_words == list(words(text)), text
    for query, (order, partial), (found, wanted) in zip(QUERIES, got["ranks"], got["scores"], strict=True):
        py_found, py_wanted = scores(query, entries, TABLE)
        assert (found, wanted) == ([list(f) for f in py_found], py_wanted), query
        assert (order, partial) == (*rank(query, entries, TABLE),), query
    assert any(order for order, _ in got["ranks"])  # the cases do find things
