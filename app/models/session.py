"""Signed-in sessions kept on the server, so that signing out (or losing the password) ends them."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, event, inspect, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db
from app.lib.time import utcnow
from app.models.user import User


class UserSession(db.Model):
    """One signed-in browser. Its cookie holds a random token; the row holds the token's SHA-256."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written at most once a minute (services/sessions.py), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


def _credentials_changed(user: User) -> bool:
    state = inspect(user)
    if state.attrs.password_hash.history.has_changes():
        return True
    return state.attrs.active.history.has_changes() and not user.active


@event.listens_for(Session, "before_flush")
def _end_sessions_of_changed_accounts(session: Session, _context, _instances) -> None:
    """A new password or a disabled account ends every session of that account, whoever changed it.

    Here rather than in each service, so no way of changing a password (reset, a future
    change-password page, an admin, the CLI) can forget to.
    """
    ids = [obj.id for obj in session.dirty
           if isinstance(obj, User) and obj.id is not None and _credentials_changed(obj)]
    if ids:
        session.connection().execute(
            update(UserSession.__table__)
            .where(UserSession.user_id.in_(ids), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow()))
