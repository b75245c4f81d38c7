"""Accounts: register, see own dossiers, claim one submitted without, reset a password.

The one rule everywhere: an account sees a dossier it owns, or one owned by a fellow
member of its organisation. Nothing else (staff have their own side).
"""

import hashlib
import hmac
import uuid
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Dossier, Membership, Role, User
from app.services import notifications
from app.services.errors import Invalid
from app.services.identity import normalise_phone
from app.services.passwords import hash_password

MIN_PASSWORD = 10


def find_user(login: str) -> User | None:
    """Return the account for an e-mail address or a mobile number."""
    login = (login or "").strip().lower()
    if "@" in login:
        return db.session.execute(db.select(User).filter_by(email=login)).scalar_one_or_none()
    phone = normalise_phone(login)
    return db.session.execute(db.select(User).filter_by(phone=phone)).scalar_one_or_none() if phone else None


def password_problem(password: str) -> str | None:
    """Return what is wrong with a new password (registration and reset share the rule)."""
    if len(password or "") < MIN_PASSWORD:
        return _("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD)
    return None


def register(login: str, password: str, name: str, role: str = Role.CITIZEN) -> User:
    """Create a citizen account signed in by e-mail or mobile number."""
    login, errors = (login or "").strip().lower(), {}
    email = login if "@" in login else None
    phone = None if email else normalise_phone(login)
    if not email and not phone:
        errors["login"] = [_("Nhập địa chỉ email hoặc số di động (10 chữ số).")]
    if problem := password_problem(password):
        errors["password"] = [problem]
    if not (name or "").strip():
        errors["name"] = [_("Vui lòng nhập thông tin này.")]
    if errors:
        raise Invalid(_("Thông tin đăng ký chưa hợp lệ."), errors)
    user = User(email=email, phone=phone, name=name.strip()[:255], role=str(role),
                password_hash=hash_password(password))
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(_("Thông tin đăng ký chưa hợp lệ."),
                      {"login": [_("Email hoặc số điện thoại này đã có tài khoản.")]}) from None
    return user


def colleague_ids(user: User) -> list[int]:
    """Return the ids of the accounts whose dossiers `user` may see: itself and org fellows."""
    orgs = db.select(Membership.organisation_id).filter_by(user_id=user.id)
    ids = set(db.session.execute(
        db.select(Membership.user_id).where(Membership.organisation_id.in_(orgs))).scalars())
    return sorted(ids | {user.id})


def can_see(user, dossier: Dossier) -> bool:
    """Say whether a signed-in (non-staff) account may open this dossier."""
    if not getattr(user, "is_authenticated", False) or user.is_staff or dossier.owner_id is None:
        return False
    return dossier.owner_id in colleague_ids(user)


def my_dossiers(user: User) -> list[Dossier]:
    """Return the account's own dossiers, newest first."""
    return list(db.session.execute(db.select(Dossier).filter_by(owner_id=user.id)
                                   .order_by(Dossier.submitted_at.desc(), Dossier.id.desc())).scalars())


def claim(user: User, code: str, phone: str, id_number: str) -> Dossier:
    """Attach a dossier submitted without an account, proven by code + phone + ID number.

    Any mismatch gives one message, so it never says which of the three was wrong.
    """
    code = (code or "").strip().upper()
    found = db.session.execute(db.select(Dossier).filter_by(code=code)) if code else None
    dossier = found.scalar_one_or_none() if found is not None else None
    expected_phone = dossier.applicant_phone if dossier else "0" * 10
    expected_id = dossier.applicant_id_number if dossier else "0" * 12
    # Compare both, always, so the time taken does not tell which part was wrong either.
    phone_ok = hmac.compare_digest(expected_phone.encode(), (normalise_phone(phone or "") or "").encode())
    id_ok = hmac.compare_digest(expected_id.encode(), (id_number or "").strip().encode())
    free = dossier is not None and dossier.owner_id in (None, user.id)
    if not (phone_ok and id_ok and free):
        raise Invalid(_("Thông tin không khớp với hồ sơ nào có thể nhận. Vui lòng kiểm tra lại mã hồ sơ, "
                        "số điện thoại và số định danh."), {"_form": [_("Không nhận được hồ sơ.")]})
    dossier.owner_id = user.id
    db.session.commit()
    return dossier



# --- Password reset ------------------------------------------------------------------------


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    # Bound to the current password hash: once the password changes, every earlier link dies.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    """Return a signed, expiring, single-use token for setting a new password."""
    return _reset_serializer().dumps([user.id, _fingerprint(user)])


def user_for_reset(token: str) -> User | None:
    """Return the account a reset token is for, or None if forged, expired or already used."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        user_id, fingerprint = _reset_serializer().loads(token, max_age=max_age)
        user = db.session.get(User, int(user_id))
    except (BadSignature, ValueError, TypeError):
        return None
    if user is None or not user.active:
        return None
    return user if hmac.compare_digest(str(fingerprint), _fingerprint(user)) else None


def send_reset(login: str, path_for: Callable[[str], str]) -> None:
    """Queue a reset link for the account signed in by `login`; do nothing, silently, if none.

    `path_for(token)` gives the link's path. The message goes through the notification
    outbox and worker like every other message; a phone-only account without an SMS
    gateway gets none (the page says to ask the centre).
    """
    user = find_user(login)
    if user is None or not user.active:
        return
    link = current_app.config.get("PUBLIC_URL", "").rstrip("/") + path_for(reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    # Each request is a message of its own: requests are throttled (auth/throttle.py), not merged.
    notifications.notify_account(user, "password_reset", uuid.uuid4().hex, link=link, minutes=minutes)
    db.session.commit()


def reset_password(token: str, password: str, confirm: str) -> User:
    """Set a new password with a valid token; the token (and any other) is spent by it."""
    user = user_for_reset(token)
    if user is None:
        message = _("Đường dẫn đặt lại mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng.")
        raise Invalid(message, {"_form": [message]})
    errors = {}
    if problem := password_problem(password):
        errors["password"] = [problem]
    elif password != confirm:
        errors["confirm"] = [_("Hai lần nhập mật khẩu không khớp.")]
    if errors:
        raise Invalid(_("Mật khẩu mới chưa hợp lệ."), errors)
    user.password_hash = hash_password(password)
    db.session.commit()
    return user
