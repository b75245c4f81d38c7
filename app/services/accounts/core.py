"""Accounts: register, see own dossiers, claim one submitted without (resets: password_reset.py).

The one rule everywhere (`can_see`): an account sees the dossiers it filed for itself,
and the dossiers filed for an organisation while it is an active member of it. Membership
never opens a person's own dossiers. Nothing else (staff have their own side).
"""

import hmac

from flask_babel import gettext as _

from app.extensions import db
from app.lib.identity import normalise_phone
from app.models import Dossier, Role, User
from app.services.accounts import memberships, passwords
from app.services.accounts.passwords import hash_password
from app.services.errors import Invalid
from app.services.unique import taken


def login_key(login: str) -> str:
    """Return the one spelling of a login: the e-mail in lower case, or the mobile number normalised."""
    login = (login or "").strip().lower()
    return login if "@" in login else (normalise_phone(login) or login)


def find_user(login: str) -> User | None:
    """Return the account for an e-mail address or a mobile number."""
    login = login_key(login)
    if "@" in login:
        return db.session.execute(db.select(User).filter_by(email=login)).scalar_one_or_none()
    phone = normalise_phone(login)
    return db.session.execute(db.select(User).filter_by(phone=phone)).scalar_one_or_none() if phone else None


def register(login: str, password: str, name: str, role: str = Role.CITIZEN) -> User:
    """Create a citizen account signed in by e-mail or mobile number."""
    login, errors = (login or "").strip().lower(), {}
    email = login if "@" in login else None
    phone = None if email else normalise_phone(login)
    if not email and not phone:
        errors["login"] = [_("Nhập địa chỉ email hoặc số di động (10 chữ số).")]
    if problem := passwords.problem(password, login):  # the one rule: web, reset, admin, CLI
        errors["password"] = [problem]
    if not (name or "").strip():
        errors["name"] = [_("Vui lòng nhập thông tin này.")]
    if errors:
        raise Invalid(_("Thông tin đăng ký chưa hợp lệ."), errors)
    user = User(email=email, phone=phone, name=name.strip()[:255], role=str(role),
                password_hash=hash_password(password))
    db.session.add(user)
    with taken(_("Thông tin đăng ký chưa hợp lệ."), "login",
               _("Email hoặc số điện thoại này đã có tài khoản.")):
        db.session.commit()
    return user


def can_see(user, dossier: Dossier) -> bool:
    """Say whether a signed-in (non-staff) account may open this dossier."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    if dossier.organisation_id is not None:  # the organisation's: its active members, whoever filed it
        return memberships.is_member(user.id, dossier.organisation_id)
    return dossier.owner_id is not None and dossier.owner_id == user.id


def my_dossiers(user: User) -> list[Dossier]:
    """Return the account's own dossiers (not those filed for an organisation), newest first."""
    return list(db.session.execute(
        db.select(Dossier).filter_by(owner_id=user.id, organisation_id=None)
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
    # An organisation's dossier is never claimed into a person's account.
    free = dossier is not None and dossier.organisation_id is None and dossier.owner_id in (None, user.id)
    if not (phone_ok and id_ok and free):
        raise Invalid(_("Thông tin không khớp với hồ sơ nào có thể nhận. Vui lòng kiểm tra lại mã hồ sơ, "
                        "số điện thoại và số định danh."), {"_form": [_("Không nhận được hồ sơ.")]})
    dossier.owner_id = user.id
    db.session.commit()
    return dossier
