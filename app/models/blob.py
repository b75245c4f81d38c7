"""A stored file, addressed by the SHA-256 of the bytes the client sent, and who sent it."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.lib.time import utcnow


class Blob(db.Model):
    # The address the client knows: SHA-256 of the bytes it uploaded.
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the bytes on disk. It differs from `sha256` only when the server had to
    # remove location metadata from a photo; the store itself is addressed by this one.
    storage_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlobClaim(db.Model):
    """One sender uploaded this blob: it is "held" for that sender only (services/files/claims.py).

    Blobs are shared by content, so whether a row exists says whether anybody ever sent a file;
    what the API answers a sender depends on its own claims, never on that.
    """

    __tablename__ = "blob_claim"
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), primary_key=True)
    # A digest naming the sender: a browser's (web/sender.py) or an agency's (claims.agency).
    holder: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
