"""Administration: staff accounts, agencies, procedure settings and the holiday table."""

from datetime import date

from flask_babel import gettext as _

from app.extensions import db
from app.models import Agency, Holiday, Procedure, Role, User
from app.services import unique
from app.services.accounts import passwords
from app.services.accounts.passwords import hash_password
from app.services.catalogue.procedures import search_text_for
from app.services.errors import Invalid, NotFound


def create_user(email: str, name: str, role: str, agency_id: int | None, password: str) -> User:
    """Create an account; department officers must belong to an agency."""
    email = email.strip().lower()
    errors = {}
    agency = db.session.get(Agency, agency_id) if agency_id else None
    if role == Role.DEPARTMENT and agency is None:
        errors["agency_id"] = [_("Cán bộ Sở, ngành phải thuộc một cơ quan.")]
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        errors["email"] = [_("E-mail này đã có tài khoản.")]
    if problem := passwords.problem(password, email):  # the one rule, as everywhere else
        errors["password"] = [problem]
    if errors:
        raise Invalid(_("Chưa tạo được tài khoản."), errors)
    user = User(email=email, name=name.strip(), role=role, agency=agency,
                password_hash=hash_password(password))
    db.session.add(user)
    db.session.commit()
    return user


def set_user_active(user_id: int, active: bool, by: User) -> User:
    """Disable or re-enable an account (a disabled one is signed out on its next request)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Không tìm thấy tài khoản."))
    if user.id == by.id and not active:
        raise Invalid(_("Bạn không thể tự khóa tài khoản của mình."), {})
    user.active = active
    db.session.commit()
    return user


def save_agency(agency_id: int | None, values: dict) -> Agency:
    """Create an agency (agency_id None) or change one; its procedures are found by its names.

    `active` False closes the agency to new dossiers (its procedures leave the public
    catalogue); its dossiers already made carry on. The centre itself cannot be closed.
    """
    agency = Agency() if agency_id is None else db.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan."))
    errors = {}
    taken = db.session.execute(db.select(Agency.id).where(
        Agency.code == values["code"], Agency.id != (agency_id or 0))).first()
    if taken:
        errors["code"] = [_("Mã này đã được dùng cho cơ quan khác.")]
    active = values.get("active", True)
    if agency.is_centre and not active:
        errors["active"] = [_("Không thể ngừng hoạt động Trung tâm Phục vụ hành chính công.")]
    if errors:
        raise Invalid(_("Chưa lưu được cơ quan."), errors)
    for key in ("code", "name", "short_name", "address"):
        setattr(agency, key, values.get(key, "").strip())
    agency.active = active
    db.session.add(agency)
    for proc in agency.procedures:  # catalogue search matches the agency's names too
        proc.search_text = search_text_for(proc, agency)
    # The same code saved by another admin a moment ago: the key refuses it.
    with unique.taken(_("Chưa lưu được cơ quan."), "code", _("Mã này đã được dùng cho cơ quan khác.")):
        db.session.commit()
    return agency


def update_procedure(code: str, values: dict) -> Procedure:
    """Change a procedure's name, processing time, cut-off hour, fee and switches."""
    proc = db.session.execute(db.select(Procedure).filter_by(code=code)).scalar_one_or_none()
    if proc is None:
        raise NotFound(_("Không tìm thấy thủ tục."))
    for key, value in values.items():
        setattr(proc, key, value)
    proc.search_text = search_text_for(proc, proc.agency)
    db.session.commit()
    return proc


def save_holiday(day: date, name: str, is_working_day: bool) -> Holiday:
    """Add or change one day of the holiday table (a day off, or a swapped working day)."""
    row = db.session.get(Holiday, day) or Holiday(day=day)
    row.name, row.is_working_day = name.strip(), is_working_day
    db.session.add(row)
    db.session.commit()
    return row


def delete_holiday(day: date) -> None:
    """Remove one day from the holiday table."""
    row = db.session.get(Holiday, day)
    if row is not None:
        db.session.delete(row)
        db.session.commit()
