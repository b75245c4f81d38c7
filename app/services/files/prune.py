"""Remove stored files that no document names, once no device can still be about to name them.

Files come first (DESIGN rule 2): a phone uploads a dossier's files, then sends the manifest
that names them. A draft abandoned after its files went up, or a send that never finished,
leaves blobs nobody names. They are kept for BLOB_GRACE_DAYS (an offline phone may come
back weeks later with only the manifest left to send), then removed, row and file.

Why a device naming such a blob at that very moment loses nothing:
- Each blob goes in its own transaction: `DELETE` its row where no document names it, then
  the file, then commit. The foreign key from document.sha256 settles a tie. A dossier
  committed first makes the delete fail (the blob is kept, "in use"). Once the delete has
  gone through, the row stays locked until the commit (PostgreSQL: the row; SQLite: the
  database), so a dossier naming it waits, then fails on the missing row: the API answers
  409 `blobs_missing` (submissions.py), and the phone uploads the file again by itself
  (send.js). An upload of the same file meanwhile either finds row and file (the dossier
  then asks for it again, as above), or puts the file back before it writes its row.
- Its claims (who uploaded it, files/claims.py) go with it, in the same transaction. A claim
  written meanwhile by an upload of the same file holds the row through its foreign key: the
  delete fails, and the blob is kept like one a dossier named.
- The file goes only if no other row stores its bytes under the same key (two uploads can
  differ only in the location data the server removed). An upload of such a twin in the
  same milliseconds is the one case not covered; it needs a second, different copy of a
  photo nobody named for a month.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import exists
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.lib.time import utcnow
from app.models import Blob, Document
from app.models.blob import BlobClaim
from app.services.files.blobs import store


@dataclass
class Pruned:
    """What one run found, and (with apply) removed."""

    found: list[tuple[str, int]] = field(default_factory=list)  # (sha256, size) no document names
    rows: int = 0
    files: int = 0
    in_use: int = 0  # named by a document between listing and deleting: kept

    @property
    def size(self) -> int:
        return sum(size for _sha, size in self.found)


def _unnamed(cutoff):
    return ~exists().where(Document.sha256 == Blob.sha256) & (Blob.created_at < cutoff)


def prune_blobs(grace_days: int, apply: bool = False) -> Pruned:
    """List (and with `apply`, remove) the blobs no document names, older than `grace_days`."""
    cutoff = utcnow() - timedelta(days=grace_days)
    rows = db.session.execute(
        db.select(Blob.sha256, Blob.size, Blob.storage_key).where(_unnamed(cutoff)).order_by(Blob.sha256)
    ).all()
    db.session.rollback()  # end the read: each removal below is its own transaction
    result = Pruned(found=[(r.sha256, r.size) for r in rows])
    if apply:
        for sha256, _size, key in rows:
            _remove(sha256, key, cutoff, result)
    return result


def _remove(sha256: str, key: str, cutoff, result: Pruned) -> None:
    """Delete one blob's claims and row and, while the row is still locked, its file; then commit."""
    try:
        db.session.execute(db.delete(BlobClaim).where(BlobClaim.sha256 == sha256)
                           .execution_options(synchronize_session=False))
        deleted = db.session.execute(
            db.delete(Blob).where(Blob.sha256 == sha256, _unnamed(cutoff))
            .execution_options(synchronize_session=False)
        ).rowcount
        if not deleted:  # a dossier named it since the listing: its claims stay too
            db.session.rollback()
            result.in_use += 1
            return
        twin = db.session.execute(db.select(Blob.sha256).where(Blob.storage_key == key).limit(1)).first()
        if twin is None:
            store().delete(key)  # a file already lost is no error: the row goes all the same
            result.files += 1
        db.session.commit()
        result.rows += 1
    except IntegrityError:  # a document or a new claim named it after the check: the foreign key held
        db.session.rollback()
        result.in_use += 1
