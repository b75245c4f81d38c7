"""Draw a declaration (filled, or blank to print) as an A4 PDF that reads Vietnamese.

fpdf2 with DejaVu Sans shipped in app/data/fonts (Latin and Vietnamese subset, Bitstream Vera
licence), so nothing depends on the system's fonts. The same declaration and the same time
give the same bytes: the creation date is the dossier's submission time, and fpdf2 derives
the file identifier from the content and that date, so the stored document's hash is stable.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"
FAMILY = "DejaVu"
DOTS = "." * 400  # a blank answer: a dotted line, cut to the width left on the line
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # blank forms: no submission time to carry


@dataclass(frozen=True)
class Page:
    """What goes on a declaration: every word already in Vietnamese."""

    form: str  # "Mẫu số 03/2013/TT-LLTP"
    title: str
    addressee: str  # "Kính gửi: ..."
    rows: list[tuple[str, str | None]]  # (label, value); None: leave a line to write on
    pledge: str
    place_date: str  # "..., ngày 05 tháng 03 năm 2026"
    signer_title: str
    signer: str  # the applicant's name; "" on a blank form
    footnote: str


def render(page: Page, created: datetime | None = None) -> bytes:
    """Return the PDF bytes of one declaration page (or more, if the answers are long)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date((created or EPOCH).astimezone(UTC))
    pdf.set_title(page.title)
    pdf.set_producer("Một Cửa")
    pdf.set_margins(18, 15, 18)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(FAMILY, "", 9)
    pdf.cell(width, 5, page.form, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(width, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(width, 7, page.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FAMILY, "", 11)
    pdf.multi_cell(width, 6, page.addressee, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for number, (label, value) in enumerate(page.rows, start=1):
        _row(pdf, f"{number}. {label}: ", value)
    pdf.ln(3)
    pdf.multi_cell(width, 6, page.pledge, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    half = width / 2
    for text, style in ((page.place_date, ""), (page.signer_title, "B"), (page.signer, "")):
        pdf.set_x(pdf.l_margin + half)
        pdf.set_font(FAMILY, style, 11)
        pdf.multi_cell(half, 6, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FAMILY, "", 8)
    pdf.multi_cell(width, 4, page.footnote, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _row(pdf: FPDF, label: str, value: str | None) -> None:
    pdf.set_font(FAMILY, "B", 11)
    if value is None:
        # A blank: the label, then dots to the end of the line and one more line to write on.
        pdf.multi_cell(pdf.epw, 7, label, new_x="END", new_y="TOP")
        pdf.set_font(FAMILY, "", 11)
        left = pdf.l_margin + pdf.epw - pdf.get_x()
        pdf.cell(left, 7, _fit(pdf, left), new_x="LMARGIN", new_y="NEXT")
        pdf.cell(pdf.epw, 7, _fit(pdf, pdf.epw), new_x="LMARGIN", new_y="NEXT")
        return
    pdf.write(7, label)  # write() flows on from where the label ends, wrapping at the margin
    pdf.set_font(FAMILY, "", 11)
    pdf.write(7, value)
    pdf.ln(7)


def _fit(pdf: FPDF, width: float) -> str:
    dots = DOTS
    while dots and pdf.get_string_width(dots) > width - 1:
        dots = dots[: max(1, int(len(dots) * (width - 1) / pdf.get_string_width(dots)))]
        if pdf.get_string_width(dots) > width - 1:
            dots = dots[:-1]
    return dots


def vietnamese_date(day: date) -> str:
    """Return "ngày 05 tháng 03 năm 2026", as a form writes the date it was signed."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
