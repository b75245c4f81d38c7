"""The visible stamp a signed result carries: a QR code to /xac-thuc and what it proves, in words.

Drawn by pyHanko (QRStampStyle) as the appearance of the signature field itself, so the stamp
is part of the signed revision: changing it breaks the signature like any other byte. It sits
in the bottom margin of the last page, on white (a result's text may run that low), with
DejaVu Sans so that Vietnamese reads on paper. Beside the QR: who signed, when, the dossier
code, the address and the verification key, which is what a person types when they have no
camera. The stamp text is always Vietnamese: it is part of the issued file.
"""

import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.generic import ArrayObject, pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields
from pyhanko.stamp import QRPosition, QRStampStyle

from app.lib.time import VN

FONT = Path(__file__).resolve().parents[2] / "data" / "fonts" / "DejaVuSans.ttf"
WIDTH, HEIGHT, MARGIN = 340, 84, 14  # points: about 12 x 3 cm, the QR about 2.7 cm across
FONT_SIZE = 8  # pyHanko lays out in whole points
MACHINE_TIME = "%Y-%m-%dT%H:%M:%S%z"  # what pyHanko writes; shown_time() words it for people
STAMP_TEXT = ("Ký số bởi: %(signer)s\n"
              "Thời điểm ký: %(ts)s (giờ Việt Nam)\n"
              "Kết quả hồ sơ: %(code)s\n"
              "Kiểm tra tại: %(site)s\n"
              "Mã kiểm tra: %(key)s")


@dataclass(frozen=True)
class Stamp:
    """What the stamp says and where it goes."""

    spec: fields.SigFieldSpec
    style: QRStampStyle
    params: dict[str, str]


def verify_url(public_url: str, code: str, key: str) -> str:
    """The address the QR code carries: the verification page, told the code and the key."""
    return f"{public_url.rstrip('/')}/xac-thuc?{urlencode({'ma': code, 'k': key})}"


def stamp_for(writer: IncrementalPdfFileWriter, field_name: str, *, signer: str, code: str,
              key: str, public_url: str) -> Stamp:
    """Place the stamp in the bottom right corner of the last page, inside its crop box."""
    pages = writer.prev.root["/Pages"]
    count = int(pages["/Count"])
    x0, y0, x1, _y1 = _page_box(writer, count - 1)
    right = x1 - MARGIN
    left = max(x0 + MARGIN, right - WIDTH)
    bottom = y0 + MARGIN
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=count - 1,
                               box=(int(left), int(bottom), int(right), int(bottom + HEIGHT)))
    style = _VietnamTimeQRStyle(
        stamp_text=STAMP_TEXT, timestamp_format=MACHINE_TIME, qr_position=QRPosition.LEFT_OF_TEXT,
        text_box_style=TextBoxStyle(font=_DejaVu(),
                                    font_size=FONT_SIZE,  # the two sizes must agree (pyHanko #733)
                                    leading=FONT_SIZE + 2),
        border_width=1, background=_white(), background_opacity=1, innsep=2,
        background_layout=layout.SimpleBoxLayoutRule(  # the whole box, not a centred square
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.STRETCH_FILL))
    site = public_url.rstrip("/").split("://", 1)[-1] + "/xac-thuc"
    params = {"url": verify_url(public_url, code, key), "signer": signer[:60], "code": code,
              "site": site, "key": key}
    return Stamp(spec, style, params)


def shown_time(machine: str) -> str:
    """The signing time as the stamp prints it: Vietnam time, to the second."""
    return datetime.strptime(machine, MACHINE_TIME).astimezone(VN).strftime("%H:%M:%S ngày %d/%m/%Y")


class _VietnamTimeQRStyle(QRStampStyle):
    """QRStampStyle with the signing time in Vietnam time, whatever the server's time zone.

    pyHanko formats the signature's own time (in the server's zone) into the text; this reads
    it back and words it again, so the stamp and the signature always name the same second.
    """

    def create_stamp(self, writer, box, text_params):
        return super().create_stamp(writer, box, {**text_params, "ts": shown_time(text_params["ts"])})


class _DejaVu(FontEngineFactory):
    """DejaVu Sans at 1000 units per em, embedded as the subset the stamp uses.

    pyHanko's glyph accumulator writes the font's advances as PDF glyph widths, which are in
    thousandths of an em; DejaVu's 2048 units per em then spread every letter twice as wide
    (seen on the rendered page). Scaled once per process to 1000 units, the widths agree.
    """

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(_font_at_1000()),
                                font_size=FONT_SIZE, obj_stream=obj_stream)


@cache
def _font_at_1000() -> bytes:
    font = TTFont(str(FONT))
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def add_link(writer: IncrementalPdfFileWriter, stamp: Stamp) -> None:
    """Make the stamp a link to its address too, for whoever reads the file on a screen.

    Added in the revision the signature covers, like the stamp itself (pyHanko links a QR
    stamp only when stamping a page, not in a signature's appearance).
    """
    page_ref, _resources = writer.prev.find_page_for_modification(stamp.spec.on_page)
    link = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Link"),
        pdf_name("/Rect"): ArrayObject([generic.FloatObject(v) for v in stamp.spec.box]),
        pdf_name("/Border"): ArrayObject([generic.NumberObject(0)] * 3),
        pdf_name("/A"): generic.DictionaryObject({pdf_name("/S"): pdf_name("/URI"),
                                                  pdf_name("/URI"): pdf_string(stamp.params["url"])}),
    })
    writer.register_annotation(page_ref, writer.add_object(link))


def _white() -> content.PdfContent:
    """An opaque white rectangle under the text, so the stamp reads over whatever the page has."""
    return content.RawContent(b"1 g 0 0 100 100 re f", box=layout.BoxConstraints(100, 100))


def _page_box(writer: IncrementalPdfFileWriter, index: int) -> tuple[float, float, float, float]:
    """The visible area of a page: its CropBox, else MediaBox, looked up the page tree too."""
    page_ref, _resources = writer.prev.find_page_for_modification(index)
    node = page_ref.get_object()
    for key in ("/CropBox", "/MediaBox"):
        here = node
        while here is not None:
            if key in here:
                box = here[key]
                if isinstance(box, ArrayObject) and len(box) == 4:
                    x0, y0, x1, y1 = (float(v) for v in box)
                    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
            here = here.get("/Parent")
            here = here.get_object() if here is not None else None
    return 0.0, 0.0, 595.0, 842.0  # A4, when a page names no box at all
