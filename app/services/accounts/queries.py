"""Reads of accounts for the administrator's pages."""

from app.extensions import db
from app.models import User


def accounts() -> list[User]:
    """Every account, staff and public, by role then e-mail."""
    return list(db.session.execute(db.select(User).order_by(User.role, User.email)).scalars())


def officer_counts() -> dict[int, int]:
    """How many accounts each agency has, by agency id (an agency with none is absent)."""
    return dict(db.session.execute(
        db.select(User.agency_id, db.func.count()).group_by(User.agency_id)).all())
