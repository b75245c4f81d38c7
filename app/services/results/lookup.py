"""Look a signed result up by what its paper says: the dossier code and the verification key.

Reached from the stamp's QR code (/xac-thuc?ma=<code>&k=<key>) or typed in. Tells only what is
printed on the paper anyway (code, procedure, issuing agency, date, signer) and the SHA-256
of the issued file, so that a holder can compare theirs; never the applicant or the file.
A wrong key, an unknown code and a code with no signed result are one answer (None), reached
by the same work: the key's digest is computed before the query, and compared in constant
time with every signed result of the code, or with a digest nobody has when there is none.
"""

import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from app.extensions import db
from app.models import Document, Dossier, ResultSignature
from app.services.results import keys

CODE = re.compile(r"[0-9A-Z.]{1,20}-\d{6}-\d{4}")
MAX_INPUT = 64  # longer than any code or key, typed with spaces: anything past it is not one


@dataclass(frozen=True)
class Found:
    """A signed result, in the words printed on it (and its file's fingerprint)."""

    code: str
    procedure: str
    agency: str
    signed_at: datetime
    signer: str
    sha256: str
    document_id: int
    dossier: Dossier  # for the owner's download link only; nothing of it is shown to others


def clean_code(text: str) -> str | None:
    """The dossier code as typed (any case, spaces around), or None if it cannot be one."""
    code = text.strip().upper()
    return code if len(text) <= MAX_INPUT and CODE.fullmatch(code) else None


def clean_key(text: str) -> str | None:
    """The key as typed, normalised, or None if it cannot be one."""
    return keys.normalise(text) if len(text) <= MAX_INPUT else None


def look_up(code: str, key: str) -> Found | None:
    """Return the result signed for `code` whose key is `key` (both already cleaned), else None."""
    wanted = keys.digest(key)
    rows = db.session.execute(
        db.select(ResultSignature, Document)
        .join(Document, ResultSignature.document_id == Document.id)
        .join(Dossier, Document.dossier_id == Dossier.id)
        .where(Dossier.code == code, Document.round == "result")
        .order_by(Document.id)
    ).all()
    match = None
    for signature, doc in rows:  # every one compared: the answer's time says nothing of which
        if hmac.compare_digest(signature.key_digest or keys.NOBODY, wanted) and match is None:
            match = (signature, doc)
    if not rows:
        hmac.compare_digest(keys.NOBODY, wanted)
    if match is None:
        return None
    signature, doc = match
    dossier = doc.dossier
    return Found(code=dossier.code, procedure=dossier.procedure.name, agency=dossier.procedure.agency.name,
                 signed_at=signature.signed_at, signer=signature.signer, sha256=doc.sha256,
                 document_id=doc.id, dossier=dossier)
