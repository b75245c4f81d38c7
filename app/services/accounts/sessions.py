"""Server-side sessions: start one at sign-in, check it on each request, end it at sign-out.

The cookie carries a random token; the database keeps its SHA-256 (a copied backup hands out no
live session). Checking costs one read by primary key, joined to the account, so it works the
same with several app servers. Staff sessions end after STAFF_IDLE_MINUTES without a request
and STAFF_MAX_HOURS after sign-in; citizens' after CITIZEN_MAX_DAYS. A new password or a
disabled account ends them all (models/session.py).
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from app.extensions import db
from app.lib.time import utcnow
from app.models import User, UserSession

# How stale last_seen_at may get before a request writes it again: one write a minute per
# session instead of one per request. The idle timeout is therefore exact to a minute.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit(user: User) -> timedelta | None:
    return timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"]) if user.is_staff else None


def _lifetime(user: User) -> timedelta:
    cfg = current_app.config
    if user.is_staff:
        return timedelta(hours=cfg["STAFF_MAX_HOURS"])
    return timedelta(days=cfg["CITIZEN_MAX_DAYS"])


def start(user: User) -> str:
    """Record a new session for `user` and return its token (for the cookie only).

    The account's dead sessions (ended, or past any lifetime) are cleared out on the way.
    """
    now = utcnow()
    oldest = now - max(timedelta(hours=current_app.config["STAFF_MAX_HOURS"]),
                       timedelta(days=current_app.config["CITIZEN_MAX_DAYS"]))
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.revoked_at.is_not(None), UserSession.created_at < oldest)))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=_digest(token), user_id=user.id, created_at=now, last_seen_at=now))
    db.session.commit()
    return token


def load(token: str | None, user_id: str) -> tuple[User | None, str | None]:
    """Return the account this token's session belongs to, if it is still open.

    The second value is the session's id when its last-seen time is due a write (see `touch`).
    """
    if not token or not user_id.isdigit():
        return None, None
    row = db.session.execute(
        select(UserSession, User).join(User, User.id == UserSession.user_id)
        .where(UserSession.id == _digest(token))).first()
    if row is None:
        return None, None
    record, user = row
    now = utcnow()
    idle = _idle_limit(user)
    if (record.revoked_at is not None or not user.active or str(user.id) != user_id
            or now - record.created_at > _lifetime(user)
            or (idle is not None and now - record.last_seen_at > idle)):
        return None, None
    return user, record.id if now - record.last_seen_at >= TOUCH_EVERY else None


def touch(session_id: str) -> None:
    """Note that the session was used now (called at the start of a request, before any view writes)."""
    db.session.execute(update(UserSession).where(UserSession.id == session_id)
                       .values(last_seen_at=utcnow()))
    db.session.commit()


def end(token: str | None) -> None:
    """End one session (sign-out): its cookie, even if kept, opens nothing any more."""
    if token:
        db.session.execute(update(UserSession).where(UserSession.id == _digest(token),
                                                     UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
        db.session.commit()

