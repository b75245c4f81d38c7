"""The visible stamp a signed result carries: a QR code to /xac-thuc and what it proves, in words.

Drawn by pyHanko (QRStampStyle) as the appearance of the signature field itself, so the stamp
is part of the signed revision: changing it breaks the signature like any other byte. It sits
on a page of its own appended after the last one (stamp_page: it covers nothing of the
result), on white, with DejaVu Sans so that Vietnamese reads on paper. Beside the QR: who
signed, when, the dossier code, the address and the verification key, which is what a person
types when they have no camera. The stamp text is always Vietnamese: it is part of the issued file.
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
from app.services.results.stamp_page import append_stamp_page

FONT = Path(__file__).resolve().parents[2] / "data" / "fonts" / "DejaVuSans.ttf"
WIDTH, HEIGHT = 340, 84  # points: about 12 x 3 cm, the QR about 2.7 cm across
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
    page: generic.IndirectObject  # the page it is on, appended for it


def verify_url(public_url: str, code: str, key: str) -> str:
    """The address the QR code carries: the verification page, told the code and the key."""
    return f"{public_url.rstrip('/')}/xac-thuc?{urlencode({'ma': code, 'k': key})}"


def stamp_for(writer: IncrementalPdfFileWriter, field_name: str, *, signer: str, code: str,
              key: str, public_url: str) -> Stamp:
    """Append the stamp's own page after the last one and place the stamp on it (stamp_page)."""
    site = public_url.rstrip("/").split("://", 1)[-1] + "/xac-thuc"
    page = append_stamp_page(writer, signer=signer[:60], site=site, width=WIDTH, height=HEIGHT)
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page.index, box=page.box)
    style = _VietnamTimeQRStyle(
        stamp_text=STAMP_TEXT, timestamp_format=MACHINE_TIME, qr_position=QRPosition.LEFT_OF_TEXT,
        text_box_style=TextBoxStyle(font=_DejaVu(),
                                    font_size=FONT_SIZE,  # the two sizes must agree (pyHanko #733)
                                    leading=FONT_SIZE + 2),
        border_width=1, background=_white(), background_opacity=1, innsep=2,
        background_layout=layout.SimpleBoxLayoutRule(  # the whole box, not a centred square
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.STRETCH_FILL))
    params = {"url": verify_url(public_url, code, key), "signer": signer[:60], "code": code,
              "site": site, "key": key}
    return Stamp(spec, style, params, page.ref)


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
    link = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Link"),
        pdf_name("/Rect"): ArrayObject([generic.FloatObject(v) for v in stamp.spec.box]),
        pdf_name("/Border"): ArrayObject([generic.NumberObject(0)] * 3),
        pdf_name("/A"): generic.DictionaryObject({pdf_name("/S"): pdf_name("/URI"),
                                                  pdf_name("/URI"): pdf_string(stamp.params["url"])}),
    })
    writer.register_annotation(stamp.page, writer.add_object(link))


def _white() -> content.PdfContent:
    """An opaque white rectangle under the text, so the stamp reads over whatever the page has."""
    return content.RawContent(b"1 g 0 0 100 100 re f", box=layout.BoxConstraints(100, 100))
