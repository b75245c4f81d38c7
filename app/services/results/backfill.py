"""Record the signatures of results signed before signatures were recorded (`flask results-record`).

Until migration 0019 a PDF result was called signed because it was a PDF. Now only a
ResultSignature says so, and results from before have none: those the centre did sign read
"chưa ghi nhận chữ ký số". This reads each such file once and records a signature only where
/xac-thuc itself would call the file valid (the centre's certificate, intact, the whole file),
with the time and signer the signature states and no key (none was printed). Idempotent.
"""

from dataclasses import dataclass
from datetime import UTC

from app.extensions import db
from app.models import Document, ResultSignature
from app.services.files import blobs
from app.services.results.signing import PDF
from app.services.results.verification import verify


@dataclass
class Recorded:
    signed: int = 0  # found signed by the centre: recorded now
    unsigned: int = 0  # not signed (or not by the centre, or changed): left unrecorded


def record_earlier(*, apply: bool) -> Recorded:
    """Judge every PDF result without a record; with `apply`, record those the centre signed."""
    counts = Recorded()
    pending = db.session.execute(
        db.select(Document).outerjoin(ResultSignature, ResultSignature.document_id == Document.id)
        .where(Document.round == "result", Document.media_type == PDF, ResultSignature.id.is_(None))
        .order_by(Document.id)).scalars().all()
    for doc in pending:
        verdict = verify(blobs.store().read(blobs.get_blob(doc.sha256).storage_key))
        if not verdict.ok or verdict.signed_at is None:
            counts.unsigned += 1
            continue
        counts.signed += 1
        if apply:
            at = verdict.signed_at.astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC
            db.session.add(ResultSignature(document_id=doc.id, signed_at=at, signer=verdict.signer))
    if apply:
        db.session.commit()
    return counts
