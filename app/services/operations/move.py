"""Move a centre from one database to another (the embedded SQLite to PostgreSQL, say).

The target gets the schema from the same migrations, then every table is copied in
foreign-key order with its ids, timestamps and JSON as they are; PostgreSQL's sequences are
then set past the highest id so new rows do not collide. Counts are compared at the end.
The app should be stopped (or read-only) while this runs: rows written during the copy
would be missed.
"""

from flask import current_app
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.services.operations.backup import BackupError, has_data

BATCH = 2000


def move_to(target_url: str) -> dict[str, int]:
    """Copy every row of this instance's database into the empty database at `target_url`."""
    target_url = _normalise(target_url)
    _migrate(target_url)
    target = create_engine(target_url)
    try:
        with target.begin() as dst:
            if has_data(dst):
                raise BackupError("the target is not empty")
            for table in reversed(db.metadata.sorted_tables):  # rows the migrations wrote
                dst.execute(table.delete())
        copied = {}
        with db.engine.connect() as src, target.begin() as dst:
            for table in db.metadata.sorted_tables:
                rows = src.execute(select(table)).mappings()
                n = 0
                while batch := rows.fetchmany(BATCH):
                    dst.execute(table.insert(), [dict(r) for r in batch])
                    n += len(batch)
                copied[table.name] = n
            if target.dialect.name == "postgresql":
                _advance_sequences(dst)
        with db.engine.connect() as src, target.connect() as dst:
            for table in db.metadata.sorted_tables:
                a = src.execute(select(func.count()).select_from(table)).scalar()
                b = dst.execute(select(func.count()).select_from(table)).scalar()
                if a != b:
                    raise BackupError(f"{table.name}: {a} rows here, {b} in the target")
        return copied
    finally:
        target.dispose()


def _normalise(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _migrate(target_url: str) -> None:
    """Build the target's schema with the migrations, in an app of its own."""
    from flask_migrate import upgrade

    from app import create_app

    config = {k: v for k, v in current_app.config.items() if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = target_url
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    other = create_app(type("Target", (), config))
    with other.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


def _advance_sequences(conn) -> None:
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        quote = conn.dialect.identifier_preparer.quote
        name, column = quote(table.name), quote(pk[0].name)
        # pg_get_serial_sequence wants the quoted name as a string ('"user"'); NULL if not serial.
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence(:table, :column), "
            f"COALESCE((SELECT MAX({column}) FROM {name}), 0) + 1, false)"),
            {"table": name, "column": pk[0].name})
