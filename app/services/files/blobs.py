"""Content-addressed file storage and the blob records that point into it."""

import hashlib
import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.lib.time import utcnow
from app.models.blob import Blob
from app.services.errors import HashMismatch, TooLarge
from app.services.files import claims
from app.services.files.uploads import CleanFile, human_size, inspect
from app.services.sql import insert


class FolderStore:
    """Files named by their SHA-256 in a folder tree; writes are atomic."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / key[2:4] / key

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, data: bytes, key: str | None = None, *, rewrite: bool = False) -> str:
        """Store `data` and return its key. A crash never leaves a half file under a key.

        `key`, when given, is the caller's SHA-256 of exactly these bytes (saves hashing twice).
        `rewrite`: write even a file already there (the same bytes, atomically), so that the
        time taken does not tell whether it was (claims.py).
        """
        key = key or hashlib.sha256(data).hexdigest()
        target = self.path(key)
        if target.is_file() and not rewrite:
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # make the rename itself durable
        finally:
            os.close(dir_fd)
        return key

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self):
        """Yield every stored key (temporary files of writes in progress excluded)."""
        if self.root.is_dir():
            for path in self.root.glob("*/*/*"):
                if path.is_file() and not path.name.startswith(".tmp-"):
                    yield path.name


def store():
    """Return the configured store: a folder, or S3-compatible object storage (`s3://bucket/prefix`).

    One store per app and location: an S3 client is costly to build and safe to share between threads.
    """
    location = current_app.config["BLOB_STORE"]
    cached = current_app.extensions.get("blob_store")
    if cached is None or cached[0] != location:
        if location.startswith("s3://"):
            from app.services.files.object_store import S3Store

            made = S3Store(location, current_app.config.get("S3_ENDPOINT_URL"))
        else:
            made = FolderStore(location)
        cached = current_app.extensions["blob_store"] = (location, made)
    return cached[1]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def get_blob(sha256: str) -> Blob | None:
    return db.session.get(Blob, sha256)


def save_blob(data: bytes, clean: CleanFile) -> tuple[Blob, bool]:
    """Store an inspected file under the hash of the bytes that were sent; say if it is new.

    Two requests may carry the same photo at once (a double tap): the row is inserted with
    ON CONFLICT DO NOTHING so the second simply finds the first one's.
    """
    address = sha256_hex(data)
    return _keep(address, data, clean, get_blob(address))


def _keep(address: str, data: bytes, clean: CleanFile, existing: Blob | None) -> tuple[Blob, bool]:
    if existing is not None and store().has(existing.storage_key):
        return existing, False
    # Bytes kept as sent (no location data removed) already have their hash: the address.
    key = store().put(clean.data, address if clean.data == data else None)
    if existing is not None:  # the record survived but its file was lost: put it back
        existing.storage_key = key
        return existing, False
    stmt = insert(Blob).values(
        sha256=address, size=len(data), media_type=clean.media_type, storage_key=key,
        created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=[Blob.sha256]).returning(Blob.sha256)
    created = db.session.execute(stmt).first() is not None  # rowcount is not portable here
    return db.session.get(Blob, address), created


@dataclass(frozen=True)
class Received:
    """What the uploader is told about a blob: read before the commit expires the row."""

    sha256: str
    size: int
    media_type: str


CHUNK = 64 * 1024


def read_limited(stream, limit: int) -> tuple[bytes, str]:
    """Read an upload in chunks, hashing as it comes; TooLarge as soon as it passes `limit`.

    Stops reading at limit + 1 bytes, whatever Content-Length said or did not say (chunked
    transfer), so a 50 MB body costs at most `limit` bytes of memory and time.
    """
    digest, data = hashlib.sha256(), bytearray()
    while chunk := stream.read(min(CHUNK, limit + 1 - len(data))):
        data += chunk
        if len(data) > limit:
            raise TooLarge(_("Tệp quá lớn; mỗi tệp tối đa %(max)s.", max=human_size(limit)))
        digest.update(chunk)
    return bytes(data), digest.hexdigest()


def receive_blob(claimed_sha256: str, data: bytes, actual: str | None = None, *,
                 holders: Collection[str]) -> tuple[Received, bool]:
    """Verify and keep one uploaded blob for its sender (the PUT /api/v1/blobs/<sha256> path).

    Claims it for each of `holders` (the browser and its account, or an agency) and says
    whether it is new to them (none had sent it), never whether anybody else sent the same bytes
    (claims.py). The work is the same either way: the body is inspected and written in full
    each time, so not even the time taken tells that the server had it. The answer is made of
    this body alone. `actual`, when given, is the SHA-256 of `data` computed while it was read.
    """
    actual = actual or sha256_hex(data)
    if actual != claimed_sha256:
        raise HashMismatch(
            _("Nội dung tệp không khớp mã SHA-256 đã khai báo; tệp có thể bị hỏng khi gửi."),
            {"expected": claimed_sha256, "received": actual},
        )
    clean = inspect(data, current_app.config["MAX_FILE_BYTES"])
    # Bytes kept as sent (no location data removed) already have their hash: the address.
    key = store().put(clean.data, actual if clean.data == data else None, rewrite=True)
    received = Received(actual, len(data), clean.media_type)
    for attempt in range(3):
        try:
            created = _record(received, key, clean.data, holders)
            db.session.commit()
            return received, created
        except IntegrityError:  # pruned between the row and the claim: the next try writes both
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _record(received: Received, key: str, kept: bytes, holders: Collection[str]) -> bool:
    """Write the blob's row (unless there), point it at the file, claim it; True if new to all holders.

    The file was written before, outside the transaction (no database lock held while it is
    synced). A prune that removed row and file in between (files/prune.py) has committed by
    the time the row is written again, so the file is looked for after: if it went, it is put
    back before this commits, and a dossier never names a row without its file.
    """
    db.session.execute(insert(Blob).values(
        sha256=received.sha256, size=received.size, media_type=received.media_type, storage_key=key,
        created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=[Blob.sha256]))
    # A row whose file was kept under another key (or lost): this file, just written, is there.
    db.session.execute(update(Blob).where(Blob.sha256 == received.sha256, Blob.storage_key != key)
                       .values(storage_key=key).execution_options(synchronize_session=False))
    created = all([claims.claim(received.sha256, holder) for holder in holders])
    if not store().has(key):
        store().put(kept, key)
    return created
