"""Sign a PDF result as PAdES (pyHanko): the centre's signature, the dossier code in its reason.

Given a verification key, the signature is visible: its field, on a page of its own appended
after the last one (the result's pages are left as they were), shows the stamp of `stamp` (a QR
code to /xac-thuc, the signer, the time, the code, the key).
Without one it is invisible, as results were signed before the stamp. Either way any PDF reader
lists it in its signature panel with the centre's name, the time and the reason
"Kết quả giải quyết hồ sơ <code>", which /xac-thuc reads back.
"""

import asyncio
import io
import re
from concurrent.futures import ThreadPoolExecutor

from flask import current_app
from flask_babel import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.services.results.certificate import credentials
from app.services.results.stamp import add_link, stamp_for

PDF = "application/pdf"
REASON_PREFIX = "Kết quả giải quyết hồ sơ"  # always Vietnamese: it is part of the issued file
CODE = re.compile(r"[0-9A-Za-z.]{1,20}-\d{6}-\d{4}")


class Unsignable(Exception):
    """This PDF cannot be signed (damaged beyond repair, or protected by a password)."""


def run_sync(coroutine):
    """Run one of pyHanko's coroutines to its end, also from a thread whose event loop is running.

    pyHanko's plain functions call asyncio.run(), which refuses to run inside a running loop
    (an async worker, a test driving a browser); then the work goes to a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def reason_for(code: str) -> str:
    return f"{REASON_PREFIX} {code}"


def code_in(reason: str | None) -> str | None:
    """Return the dossier code a signature's reason names, if it is one of ours."""
    if not reason or not reason.startswith(REASON_PREFIX):
        return None
    found = CODE.search(reason[len(REASON_PREFIX):])
    return found.group(0) if found else None


def sign_pdf(data: bytes, code: str, key: str | None = None) -> bytes:
    """Return `data` signed by the centre for dossier `code` (an incremental update of it).

    With `key`, a page is appended for the stamp with the QR code and that key, in the revision
    the signature covers.
    """
    cred = credentials()
    signer = signers.SimpleSigner(
        signing_cert=cred.cert, signing_key=cred.key,
        cert_registry=SimpleCertificateStore.from_certs(cred.chain))  # the signer's own is added once
    config = current_app.config
    out = io.BytesIO()
    try:
        writer = _writer(data)
        if writer.prev.encrypted:
            raise Unsignable(_("Tệp PDF kết quả đang đặt mật khẩu nên không ký số được. "
                               "Hãy đính kèm bản không đặt mật khẩu."))
        name = _free_field(writer)
        meta = PdfSignatureMetadata(
            field_name=name, reason=reason_for(code),
            location=config["CENTRE_NAME"], name=config["CENTRE_NAME"],
            contact_info=config["PUBLIC_URL"].rstrip("/") + "/xac-thuc",
            subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
        if key is None:
            run_sync(signers.async_sign_pdf(writer, meta, signer=signer, output=out))
        else:
            stamp = stamp_for(writer, name, signer=cred.name, code=code, key=key,
                              public_url=config["PUBLIC_URL"])
            add_link(writer, stamp)
            pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=stamp.style,
                                           new_field_spec=stamp.spec)
            run_sync(pdf_signer.async_sign_pdf(writer, output=out, appearance_text_params=stamp.params))
    except (PdfError, SigningError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Unsignable(_("Tệp PDF kết quả bị hỏng nên không ký số được. Hãy xuất lại tệp PDF "
                           "từ phần mềm soạn thảo rồi đính kèm lại.")) from exc
    return out.getvalue()


def _free_field(writer: IncrementalPdfFileWriter) -> str:
    """Name a new signature field: a file signed before (by the department) keeps its own."""
    taken = {name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev, filled_status=None)}
    names = (f"KetQuaMotCua{n or ''}" for n in range(len(taken) + 1))
    return next(name for name in names if name not in taken)


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    """Open the PDF for an incremental update; give it a fresh cross-reference if it needs one.

    Some scanners and old exporters write PDFs every reader opens but whose xref table is
    missing or wrong. Readers rebuild it by scanning for objects; so does this, appending the
    table after the original bytes (which stay as they were) before signing.
    """
    try:
        return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except PdfError:
        return IncrementalPdfFileWriter(io.BytesIO(rebuild_xref(data)), strict=False)


OBJ = re.compile(rb"(?<![0-9])(\d{1,10})\s+(\d{1,5})\s+obj\b")
TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*(?:startxref|%%EOF|$)", re.S)
ROOT = re.compile(rb"/Root\s+\d+\s+\d+\s+R")


def rebuild_xref(data: bytes) -> bytes:
    """Append a cross-reference table found by scanning for `n g obj`, as readers repair files."""
    offsets: dict[int, tuple[int, int]] = {}
    for found in OBJ.finditer(data):
        offsets[int(found.group(1))] = (found.start(), int(found.group(2)))  # the last one wins
    trailers = TRAILER.findall(data)
    root = ROOT.search(trailers[-1]) if trailers else None
    if not offsets or root is None or max(offsets) > 1_000_000:
        raise PdfError("no objects or no /Root to rebuild a cross-reference from")
    size = max(offsets) + 1
    rows = [b"0000000000 65535 f \n"]
    rows += [b"%010d %05d n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
             for n in range(1, size)]
    body = data if data.endswith(b"\n") else data + b"\n"
    start = len(body)
    return (body + b"xref\n0 %d\n" % size + b"".join(rows)
            + b"trailer\n<</Size %d %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root.group(0), start))
