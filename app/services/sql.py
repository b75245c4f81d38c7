"""Dialect-specific SQL the ORM does not spell portably."""

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert(model):
    """Return an INSERT for `model` that supports ON CONFLICT on SQLite and PostgreSQL."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)
