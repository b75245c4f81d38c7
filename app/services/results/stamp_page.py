"""The page a signed result's stamp goes on: appended after the last page, covering nothing.

A result's last page usually ends with the director's signature and seal; a stamp drawn over
it hid them (and lines running into the margin). So the stamp gets a page of its own, the size
of the last page as it is shown (rotation taken into account), with a heading and one line
saying what the stamp is, in Vietnamese like the rest of the issued file. The page is added to
the same incremental update the signature covers, so it is signed like every other byte; the
original pages and their content streams are left exactly as they were.

The words are drawn with fpdf2 (already what the declarations use: it wraps a long centre name
and embeds DejaVu Sans) and imported as a form XObject; pyHanko then places the stamp, the
signature field's appearance, under them, at least SAFE from every edge (printers clip near it).
"""

import io
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import ArrayObject, pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"
MM = 72 / 25.4
SAFE = 20 * MM  # from every edge to the words and the stamp: printers clip within about 5 mm
HEADING = "Trang xác thực chữ ký số"
NOTE = ("Văn bản điện tử này được ký số bởi %(signer)s. "
        "Quét mã QR hoặc vào %(site)s để kiểm tra.")
GAP = 14  # points between the words and the stamp
TALL = 2000  # points: the page the words are laid out on, before they are moved to the top
MIN_STAMP_WIDTH = 300  # narrower, the stamp's words no longer read at 8 points


@dataclass(frozen=True)
class StampPage:
    index: int  # the new page's index, the last one
    box: tuple[int, int, int, int]  # where the stamp goes, in the page's points
    ref: generic.IndirectObject


def append_stamp_page(writer: IncrementalPdfFileWriter, *, signer: str, site: str,
                      width: int, height: int) -> StampPage:
    """Add the stamp's page after the last one and say where a `width` x `height` stamp goes."""
    count = int(writer.root["/Pages"]["/Count"])
    page_w, page_h = _shown_size(writer, count - 1)
    page_w = max(page_w, MIN_STAMP_WIDTH + 2 * SAFE)
    stamp_w = int(min(width, page_w - 2 * SAFE))
    words, words_bottom = _words(page_w, signer, site)
    page_h = max(page_h, words_bottom + GAP + height + 2 * SAFE)  # a tiny last page grows to fit
    form = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(words), strict=False))
    lift = page_h - TALL  # the words' page is TALL points high: its top to this page's top
    contents = generic.StreamObject(stream_data=b"q 1 0 0 1 0 %.2f cm /Loi Do Q" % lift)
    page = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Page"),
        pdf_name("/MediaBox"): ArrayObject([generic.NumberObject(0), generic.NumberObject(0),
                                            generic.FloatObject(page_w), generic.FloatObject(page_h)]),
        pdf_name("/Rotate"): generic.NumberObject(0),  # not the page tree's, if it has one
        pdf_name("/Resources"): generic.DictionaryObject({
            pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/Loi"): form})}),
        pdf_name("/Contents"): writer.add_object(contents),
    })
    ref = writer.insert_page(page)
    top = page_h - SAFE - words_bottom - GAP  # fpdf2 measures from the top, PDF from the bottom
    box = (int(SAFE) + 1, int(top - height), int(SAFE) + 1 + stamp_w, int(top))
    return StampPage(index=count, box=box, ref=ref)


def _words(page_w: float, signer: str, site: str) -> tuple[bytes, float]:
    """The heading and the note as a one-page PDF, and how far down (from SAFE) they reach."""
    pdf = FPDF(unit="pt", format=(page_w, TALL))  # tall enough for any name; only the top shows
    pdf.set_margins(SAFE, SAFE, SAFE)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 20, HEADING, align="L")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 14, NOTE % {"signer": signer, "site": site}, align="L")
    return bytes(pdf.output()), pdf.get_y() - SAFE


def _shown_size(writer: IncrementalPdfFileWriter, index: int) -> tuple[float, float]:
    """The last page's visible size as shown: its CropBox (else MediaBox), turned by /Rotate."""
    page_ref, _resources = writer.find_page_for_modification(index)
    x0, y0, x1, y1 = _inherited_box(page_ref.get_object())
    rotate = int(_inherited(page_ref.get_object(), "/Rotate") or 0) % 360
    w, h = abs(x1 - x0), abs(y1 - y0)
    return (h, w) if rotate in (90, 270) else (w, h)


def _inherited(node, key):
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return None


def _inherited_box(node) -> tuple[float, float, float, float]:
    for key in ("/CropBox", "/MediaBox"):
        box = _inherited(node, key)
        if isinstance(box, ArrayObject) and len(box) == 4:
            return tuple(float(v) for v in box)
    return 0.0, 0.0, 595.0, 842.0  # A4, when a page names no box at all
