"""Dialect-specific SQL the ORM does not spell portably."""

from sqlalchemy import literal_column
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert(model):
    """Return an INSERT for `model` that supports ON CONFLICT on SQLite and PostgreSQL."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def unindexed(column):
    """`column` with its indexes hidden from SQLite's planner (PostgreSQL: unchanged).

    SQLite has no statistics unless ANALYZE ran, so it takes any range condition for a
    selective one, or walks an index to save a sort, and reads most of the table row by
    row. A unary + keeps the value and takes the column's indexes out of the running, so
    the index that really narrows the rows is used.
    """
    if db.engine.dialect.name == "sqlite":
        return literal_column(f"+{column.table.name}.{column.name}")
    return column
