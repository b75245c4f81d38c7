"""The benchmark's databases: a PostgreSQL database recreated for a run (never `test`, always a
name with "bench" in it), a throwaway SQLite file, an in-process app on either, and the loop
"each backend in turn" that the in-process benchmarks share.

    for name, url in backends(args.only, "bench_staff_queue"):     # SQLite file reset, then PG
        with bench_app(url) as app:                                 # migrated, empty schema
            ...
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_bench")
KINDS = ("sqlite", "postgres")


def driver_url(url: str) -> str:
    """postgresql://… → postgresql+psycopg://… (the driver the app uses)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _admin(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    u = make_url(driver_url(url))
    name = u.database or ""
    if name == "test" or "bench" not in name:
        raise SystemExit(f"refusing database {name!r}: a benchmark drops and recreates its "
                         "database, so its name must contain 'bench' (and never be 'test')")
    return create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT"), name


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark database (its name must contain "bench")."""
    from sqlalchemy import text

    admin, name = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop_postgres(url: str) -> None:
    from sqlalchemy import text

    admin, name = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def remove_sqlite(path: Path | str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def backends(only: str | None, sqlite_name: str, sqlite_path: str | None = None,
             reset: bool = True) -> list[tuple[str, str]]:
    """[(kind, URL)]: a SQLite file in the temp folder (removed first unless reset=False) and
    PG_URL (BENCH_PG_URL), or only the one asked for."""
    path = sqlite_path or str(Path(tempfile.gettempdir()) / f"{sqlite_name}.sqlite3")
    out = []
    for kind in KINDS:
        if only and kind != only:
            continue
        if kind == "sqlite" and reset:
            remove_sqlite(path)
        out.append((kind, f"sqlite:///{path}" if kind == "sqlite" else PG_URL))
    return out


def make_app(url: str, blobs: str):
    """The app in this process on `url`: sign-in by plain POST (no CSRF), no rate limits."""
    from app import create_app
    from app.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-only"
        BLOB_STORE = blobs
        WTF_CSRF_ENABLED = False  # the bench signs in with a plain POST
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def prepare(app) -> None:
    """Start from an empty schema built by the migrations."""
    from flask_migrate import upgrade

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        upgrade()


@contextlib.contextmanager
def bench_app(url: str, fresh: bool = True):
    """An in-process app on `url` with a temporary document folder; the schema rebuilt when
    `fresh`; its connections closed at the end."""
    from app.extensions import db

    with tempfile.TemporaryDirectory() as blobs:
        app = make_app(url, blobs)
        if fresh:
            prepare(app)
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def seed_timed(app, seed, *args, **kwargs) -> tuple[object, float]:
    """Run seed(*args, **kwargs) in the app's context; its result and the seconds it took."""
    import time

    with app.app_context():
        started = time.perf_counter()
        out = seed(*args, **kwargs)
        return out, time.perf_counter() - started


def where(url: str) -> str:
    """The URL without credentials, for reports."""
    return url.split("@")[-1]
