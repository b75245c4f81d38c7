"""The declaration PDF: Vietnamese survives the round trip, and the same input makes the same bytes."""

import io
from datetime import UTC, datetime

import pypdf

from app.services.dossiers.declaration_pdf import Page, render, vietnamese_date

WHEN = datetime(2026, 3, 5, 2, 30, tzinfo=UTC)


def page(**kw) -> Page:
    return Page(**{
        "form": "Mẫu số 03/2013/TT-LLTP", "title": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        "addressee": "Kính gửi: Sở Tư pháp tỉnh Tây Ninh",
        "rows": [("Họ và tên", "Nguyễn Thị Hương"), ("Nơi sinh", "Xã Hòa Thành, tỉnh Tây Ninh"),
                 ("Quá trình cư trú", "Ấp Trường Đức, xã Trường Hòa; Đường Điện Biên Phủ, phường Ninh Sơn"),
                 ("Họ và tên vợ/chồng", None)],
        "pledge": "Tôi xin cam đoan những lời khai trên là đúng sự thật.",
        "place_date": vietnamese_date(WHEN.date()), "signer_title": "Người khai",
        "signer": "Nguyễn Thị Hương", "footnote": "Khai trực tuyến",
    } | kw)


def text_of(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_vietnamese_text_survives():
    text = text_of(render(page(), WHEN))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", "1. Họ và tên: Nguyễn Thị Hương",
                     "Ấp Trường Đức, xã Trường Hòa", "ngày 05 tháng 03 năm 2026", "Người khai"):
        assert expected in text, expected
    assert "4. Họ và tên vợ/chồng: ....." in text  # a blank answer is a line to write on


def test_the_same_declaration_at_the_same_time_makes_the_same_bytes():
    first = render(page(), WHEN)
    assert render(page(), WHEN) == first
    assert render(page(signer="Trần Văn Bình"), WHEN) != first
    assert render(page(), WHEN.replace(minute=31)) != first
    reader = pypdf.PdfReader(io.BytesIO(first))
    assert reader.metadata["/CreationDate"].startswith("D:20260305023000")


def test_a_long_answer_flows_onto_another_page():
    long = page(rows=[("Quá trình cư trú", "Ấp Trường Đức, xã Trường Hòa. " * 200)])
    data = render(long, WHEN)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2
    assert "Ấp Trường Đức" in text_of(data)
