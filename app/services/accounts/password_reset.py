"""Forgotten passwords: a request queues a message, the worker finds the account, a link sets a new password.

The request does the same work whether or not an account exists (one outbox row holding the
login as typed, nothing looked up), so neither the answer nor its time says which logins have
accounts. The worker (services/delivery.py) turns the row into the real message, or deletes
it when there is nobody to send it to.
"""

import hashlib
import hmac
import uuid

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many

from app.extensions import db, limiter
from app.models import User
from app.models.notification import Notification
from app.services import counters
from app.services.accounts.core import find_user, login_key
from app.services.accounts.passwords import hash_password, problem
from app.services.errors import Invalid
from app.services.messaging import notifications

PENDING = "account"  # Notification.channel of a request whose account is not looked up yet


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    # Bound to the current password hash: once the password changes, every earlier link dies.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    """Return a signed, expiring, single-use token for setting a new password."""
    return _serializer().dumps([user.id, _fingerprint(user)])


def user_for_reset(token: str) -> User | None:
    """Return the account a reset token is for, or None if forged, expired or already used."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=max_age)
        user = db.session.get(User, int(user_id))
    except (BadSignature, ValueError, TypeError, OverflowError):
        return None
    if user is None or not user.active:
        return None
    return user if hmac.compare_digest(str(fingerprint), _fingerprint(user)) else None


def _within_quota(login: str) -> bool:
    # Messages per login from anywhere (RESET_RATE_LIMIT): past it, the same answer and no message.
    if not limiter.enabled:
        return True
    items = parse_many(current_app.config["RESET_RATE_LIMIT"])
    return all([counters.hit(item, f"reset/account/{login}") for item in items])  # hit each


def request_reset(login: str) -> None:
    """Queue a reset message for whichever account signs in with `login`, if any (decided later)."""
    login = login_key(login)
    if not login or not _within_quota(login):
        return
    db.session.add(Notification(dedupe_key=f"reset:{uuid.uuid4().hex}", event="password_reset",
                                channel=PENDING, recipient=login[:255], body=""))
    db.session.commit()


def resolve(pending: Notification) -> Notification | None:
    """Replace a queued request by the real message, or by nothing when nobody is to get one.

    Nothing of the request is kept. A phone-only account without an SMS gateway gets no
    message (the form says to ask the centre).
    """
    user = find_user(pending.recipient)
    db.session.delete(pending)
    if user is None or not user.active:
        return None
    path = current_app.url_map.bind("localhost").build("auth.reset_form", {"token": reset_token(user)})
    link = current_app.config["PUBLIC_URL"].rstrip("/") + path
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    messages = notifications.notify_account(user, "password_reset", uuid.uuid4().hex, link=link,
                                            minutes=minutes)
    return messages[0] if messages else None


def reset_password(token: str, password: str, confirm: str) -> User:
    """Set a new password with a valid token; the token (and any other) is spent by it.

    The new password also ends every session of the account (models/session.py).
    """
    user = user_for_reset(token)
    if user is None:
        message = _("Đường dẫn đặt lại mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng.")
        raise Invalid(message, {"_form": [message]})
    errors = {}
    if issue := problem(password, user.email or user.phone or ""):
        errors["password"] = [issue]
    elif password != confirm:
        errors["confirm"] = [_("Hai lần nhập mật khẩu không khớp.")]
    if errors:
        raise Invalid(_("Mật khẩu mới chưa hợp lệ."), errors)
    user.password_hash = hash_password(password)
    db.session.commit()
    return user
