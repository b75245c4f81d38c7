"""Read back what a stamped result prints: the QR code's modules, its link, the stamp's lines."""

import io
import re
from urllib.parse import parse_qs, urlsplit

from pypdf import PdfReader


def _last_page(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).pages[-1]


def signature_widget(pdf: bytes):
    """The centre's signature field on the last page (the one with an appearance)."""
    for annot in _last_page(pdf).get("/Annots") or []:
        annot = annot.get_object()
        if annot.get("/FT") == "/Sig" and "/AP" in annot:
            return annot
    return None


def printed_url(pdf: bytes) -> str | None:
    """The address the stamp links to (pyHanko puts a link over the QR stamp)."""
    for annot in _last_page(pdf).get("/Annots") or []:
        annot = annot.get_object()
        if annot.get("/Subtype") == "/Link" and "/A" in annot:
            return str(annot["/A"]["/URI"])
    return None


def printed_key(pdf: bytes) -> str:
    return parse_qs(urlsplit(printed_url(pdf)).query)["k"][0]


def stamp_lines(pdf: bytes) -> list[str]:
    """The stamp's lines as text, read from the /ActualText pyHanko writes beside the glyphs."""
    stream = signature_widget(pdf)["/AP"]["/N"].get_object().get_data()
    found = []
    for raw in re.findall(rb"/ActualText \((.*?)\)\s*>>", stream, re.S):
        text = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                      else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m.group(1), m.group(1)), raw)
        found.append(text.decode("utf-16"))
    return found


def qr_modules(pdf: bytes) -> set[tuple[int, int]]:
    """The dark modules the stamp's QR code draws, as (column, row)."""
    appearance = signature_widget(pdf)["/AP"]["/N"].get_object()
    qr = appearance["/Resources"]["/XObject"]["/QR"].get_object().get_data()
    return {(int(x), int(y)) for x, y in re.findall(rb"^(\d+) (\d+) 1 1 re$", qr, re.M)}


def modules_of(text: str) -> set[tuple[int, int]]:
    """The dark modules of `text` encoded as pyHanko encodes a stamp's URL (qrcode, level M)."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make()
    return {(x, y) for y, row in enumerate(code.modules) for x, dark in enumerate(row) if dark}
