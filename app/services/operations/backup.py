"""Backups a centre can restore from, taken while the app serves.

A backup folder holds one sub-folder per snapshot (`YYYYmmddTHHMMSS.ffffffZ/`: the database and a
manifest) and one shared `blobs/` tree of documents named by their storage key. Documents
never change once stored (content addressing), so a second backup copies only the new ones.

- SQLite: the online backup API copies a consistent snapshot while writers carry on.
- PostgreSQL: `pg_dump --format=custom` (one consistent transaction), restored with pg_restore.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.extensions import db
from app.models import Blob
from app.services.files.blobs import store

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class Snapshot:
    folder: Path
    documents_copied: int
    documents_total: int


def backup(target: str | Path) -> Snapshot:
    """Write a consistent snapshot of the database and copy the documents it does not have yet."""
    root = Path(target)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    folder = root / stamp
    folder.mkdir(parents=True, exist_ok=False)
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        database_file = "database.sqlite3"
        _sqlite_backup(url.database, folder / database_file)
    elif url.get_backend_name() == "postgresql":
        database_file = "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / database_file),
              _libpq(url)])
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")
    # Documents after the database: every blob the snapshot names is already stored.
    keys = _storage_keys_in(folder / database_file, url.get_backend_name())
    copied = _copy_documents(keys, root / "blobs")
    manifest = {"created": stamp, "database": database_file, "dialect": url.get_backend_name(),
                "documents": len(keys)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return Snapshot(folder, copied, len(keys))


def latest(root: str | Path) -> Path:
    """Return the newest complete snapshot in a backup folder."""
    snapshots = sorted(p for p in Path(root).iterdir() if (p / MANIFEST).is_file())
    if not snapshots:
        raise BackupError(f"no snapshot in {root}")
    return snapshots[-1]


def restore(source: str | Path, verify: bool = False) -> dict:
    """Restore a snapshot into this instance, whose database must be empty."""
    folder = Path(source)
    if not (folder / MANIFEST).is_file():
        folder = latest(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    url = db.engine.url
    if manifest["dialect"] != url.get_backend_name():
        raise BackupError(f"the snapshot is {manifest['dialect']}; use `flask move-to` to change database")
    _require_empty()
    db.session.remove()
    db.engine.dispose()
    if manifest["dialect"] == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
        _sqlite_backup(str(folder / manifest["database"]), Path(url.database))
    else:
        _run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--single-transaction",
              "--dbname", _libpq(url), str(folder / manifest["database"])])
    blobs_root = folder.parent / "blobs"
    documents = store()
    restored = 0
    for blob in db.session.execute(db.select(Blob)).scalars():
        if not documents.has(blob.storage_key):
            documents.put((blobs_root / blob.storage_key).read_bytes(), blob.storage_key)
            restored += 1
    result = {"snapshot": folder.name, "documents_restored": restored}
    if verify:
        result["bad_documents"] = verify_documents()
    return result


def verify_documents() -> list[str]:
    """Re-hash every stored document; return the keys whose bytes are missing or changed."""
    documents, bad = store(), []
    for key in db.session.execute(db.select(Blob.storage_key)).scalars():
        try:
            data = documents.read(key)
        except (FileNotFoundError, KeyError, OSError):
            bad.append(key)
            continue
        if hashlib.sha256(data).hexdigest() != key:
            bad.append(key)
    return bad


# What says an instance holds a centre's data; bookkeeping rows the migrations themselves
# write (the change feed's counter, say) do not count.
DATA_TABLES = ("agency", "user", "dossier", "blob")


def has_data(conn) -> bool:
    """Say whether the database behind `conn` holds any of a centre's data."""
    from sqlalchemy import inspect

    present = set(inspect(conn).get_table_names())
    return any(conn.execute(db.select(db.func.count()).select_from(db.metadata.tables[name])).scalar()
               for name in DATA_TABLES if name in present)


def _require_empty() -> None:
    with db.engine.connect() as conn:
        if has_data(conn):
            raise BackupError("this instance is not empty; restore needs an empty one")


def _sqlite_backup(source: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # page by page, consistent even while the app writes
    finally:
        dst.close()
        src.close()


def _storage_keys_in(database: Path, dialect: str) -> list[str]:
    """Read the snapshot's blob keys (not the live database's, which may have moved on)."""
    if dialect == "sqlite":
        conn = sqlite3.connect(database)
        try:
            return [row[0] for row in conn.execute("SELECT DISTINCT storage_key FROM blob")]
        finally:
            conn.close()
    # pg_dump took its own snapshot; the live table has every key it has and maybe newer ones,
    # and copying a few extra documents does no harm.
    return list(db.session.execute(db.select(Blob.storage_key).distinct()).scalars())


def _copy_documents(keys: list[str], blobs_root: Path) -> int:
    documents, copied = store(), 0
    for key in keys:
        target = blobs_root / key
        if target.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(documents.read(key))
        os.replace(tmp, target)
        copied += 1
    return copied


def _libpq(url) -> str:
    """The SQLAlchemy URL as libpq wants it (no +psycopg driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")
