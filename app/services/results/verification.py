"""Verify an uploaded result: the centre's signature, intact, covering every byte of the file.

Answers one Verdict, whatever was uploaded (a PDF signed by us, tampered, signed by someone
else, unsigned, not a PDF, garbage): pyHanko's own validation decides, with the centre's
certificate as the only trust anchor. Nothing beyond what the file itself carries is told,
except whether it is byte for byte a result the centre issued (its SHA-256 on record).
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from app.extensions import db
from app.models import Document
from app.services.results.certificate import Credentials, SigningUnavailable, credentials, subject_name
from app.services.results.signing import code_in, rebuild_xref, run_sync

log = logging.getLogger(__name__)

# What the page says, one word each (the template words them in Vietnamese).
VALID = "valid"  # our signature, intact, covering the whole file
TAMPERED = "tampered"  # signed, but bytes changed since (or the signature itself broken)
CHANGED_AFTER = "changed_after"  # our signature intact, but content added after it
FOREIGN = "foreign"  # signed, intact, but not by the centre's certificate
UNSIGNED = "unsigned"  # a readable PDF with no signature
NOT_PDF = "not_pdf"
UNREADABLE = "unreadable"  # starts like a PDF, cannot be read, no sign of a signature
UNAVAILABLE = "unavailable"  # the centre's certificate cannot be loaded (operator's mistake)


@dataclass(frozen=True)
class Verdict:
    state: str
    signer: str = ""
    signed_at: datetime | None = None
    code: str | None = None
    issued: bool = False  # byte for byte a result document on record
    signatures: int = 0

    @property
    def ok(self) -> bool:
        return self.state == VALID


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(data: bytes) -> Verdict:
    """Judge one uploaded file; never raises for anything the file contains."""
    if b"%PDF-" not in data[:1024]:
        return Verdict(NOT_PDF)
    try:
        cred = credentials()
    except SigningUnavailable:
        log.exception("result verification: signing certificate unavailable")
        return Verdict(UNAVAILABLE)
    verdict = _judge_any(data, cred)
    if verdict.state == VALID:
        digest = hashlib.sha256(data).hexdigest()
        issued = db.session.execute(
            db.select(Document.id).where(Document.sha256 == digest, Document.round == "result").limit(1)
        ).first() is not None
        verdict = Verdict(**{**verdict.__dict__, "issued": issued})
    return verdict


def _judge_any(data: bytes, cred: Credentials) -> Verdict:
    """Judge the file; one that cannot be read is tampered if it was signed, else unreadable."""
    try:
        return _judge(data, cred)
    except Exception:  # noqa: BLE001  hostile files reach corners of any parser; the answer stays an answer
        log.info("result verification: unreadable file", exc_info=True)
    if _was_signed(data):  # a signature was there: bytes changed broke the file itself
        return Verdict(TAMPERED)
    try:  # an unsigned PDF with a broken cross-reference, as some scanners write
        return _judge(rebuild_xref(data), cred)
    except Exception:  # noqa: BLE001
        return Verdict(UNREADABLE)


def _judge(data: bytes, cred: Credentials) -> Verdict:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signatures = reader.embedded_signatures
    if not signatures:  # with a signature's byte range in it, a changed byte hid the signature
        return Verdict(TAMPERED if _was_signed(data) else UNSIGNED)
    # The centre signs last, over everything before it: judge the signature nearest the end.
    sig = signatures[-1]
    when = sig.self_reported_timestamp
    # Validated at the time it claims: only the centre's key makes a signature this anchor
    # trusts, so a result stays valid after the certificate that signed it has expired.
    context = ValidationContext(trust_roots=list(cred.pinned), allow_fetching=False, moment=when,
                                revocation_mode="soft-fail")
    try:
        status = run_sync(async_validate_pdf_signature(sig, context))
    except SignatureValidationError:
        return Verdict(TAMPERED, signatures=len(signatures))
    cert = status.signing_cert
    base = {"signer": _name(cert), "signed_at": status.signer_reported_dt or when,
            "code": code_in(_text(sig.sig_object.get("/Reason"))), "signatures": len(signatures)}
    if not status.intact or not status.valid:
        return Verdict(TAMPERED, **base)
    if not status.trusted or cert.dump() not in {c.dump() for c in cred.pinned}:
        return Verdict(FOREIGN, **{**base, "code": None})
    if not _container_untouched(sig, cred):
        return Verdict(TAMPERED, **base)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Verdict(CHANGED_AFTER, **base)
    return Verdict(VALID, **base)


def _was_signed(data: bytes) -> bool:
    """Say whether a signature dictionary was written in the file, even if it no longer reads.

    Several of its names, not one: a bit flipped in "/ByteRange" itself left the file reading
    as an unsigned one that is merely unreadable.
    """
    return any(mark in data for mark in (b"/ByteRange", b"/Adobe.PPKLite", b"/ETSI.CAdES.detached"))


def _container_untouched(sig, cred: Credentials) -> bool:
    """Say whether the signature container is exactly as the centre wrote it.

    The container's parts outside the signed attributes (the copies of the certificates, the
    zero padding after it) are not covered by the signature, so pyHanko does not look at
    them; a byte changed there leaves the content proven but the file no longer the one
    issued. Ours carries our certificate (and its chain) byte for byte, and zeros after it.
    """
    raw = bytes(sig.sig_object["/Contents"])
    info = asn1_cms.ContentInfo.load(raw, strict=False)
    der = info.dump()
    carried = [c.chosen.dump() for c in info["content"]["certificates"] or []]
    pinned = {c.dump() for c in cred.pinned}
    return (raw[:len(der)] == der and not raw[len(der):].strip(b"\0")
            and any(c in pinned for c in carried) and all(c in cred.known for c in carried))


def _name(cert: asn1_x509.Certificate) -> str:
    return subject_name(cert)


def _text(value) -> str | None:
    return str(value) if value is not None else None
