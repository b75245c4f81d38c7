"""The centre's signature on a result document: when it was signed, by whom, and its key's digest.

One row per result document the centre signed (app/services/results/issuance.py). A result
without a row was not signed by the centre: an image, or a PDF attached before results were
signed; nothing may call it signed. `key_digest` is what remains of the verification key
printed on the stamp (app/services/results/keys.py); rows from before the stamp have none.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.lib.time import utcnow
from app.models.dossier import Document


class ResultSignature(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    signer: Mapped[str] = mapped_column(String(200))  # the certificate's name, as the stamp prints it
    key_digest: Mapped[str | None] = mapped_column(String(64))

    # Document.signature: the row, or None for a result the centre did not sign.
    document: Mapped[Document] = relationship(backref=backref("signature", uselist=False))
