"""Organisations (businesses): tax code, members, saved addresses, their dossiers."""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Dossier, Membership, Organisation, SavedAddress, User
from app.services.errors import Invalid, NotFound
from app.services.identity import check_tax_code


def check(tax_code: str, name: str) -> None:
    """Raise Invalid unless the tax code (check digit included) and the name are acceptable."""
    errors = {}
    if problem := check_tax_code((tax_code or "").strip()):
        errors["tax_code"] = [_(problem)]
    elif db.session.execute(db.select(Organisation.id).filter_by(tax_code=tax_code.strip())).first():
        errors["tax_code"] = [_("Mã số thuế này đã được đăng ký.")]
    if not (name or "").strip():
        errors["org_name"] = [_("Vui lòng nhập thông tin này.")]
    if errors:
        raise Invalid(_("Thông tin tổ chức chưa hợp lệ."), errors)


def create(owner: User, tax_code: str, name: str, address: str = "") -> Organisation:
    """Register an organisation by its tax code, with `owner` as its first owner."""
    check(tax_code, name)
    tax_code = tax_code.strip()
    org = Organisation(tax_code=tax_code, name=name.strip()[:255], address=(address or "").strip()[:500])
    db.session.add(org)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(_("Thông tin tổ chức chưa hợp lệ."),
                      {"tax_code": [_("Mã số thuế này đã được đăng ký.")]}) from None
    db.session.add(Membership(organisation_id=org.id, user_id=owner.id, role="owner"))
    db.session.commit()
    return org


def membership(user: User, org_id: int) -> Membership:
    """Return the user's membership of the organisation; NotFound (404) if none, as for a typo."""
    found = db.session.execute(db.select(Membership).filter_by(organisation_id=org_id, user_id=user.id)
                               ).scalar_one_or_none()
    if found is None:
        raise NotFound(_("Không tìm thấy tổ chức."))
    return found


def of_user(user: User) -> list[Membership]:
    return list(db.session.execute(db.select(Membership).filter_by(user_id=user.id)).scalars())


def add_member(org: Organisation, user: User | None) -> Membership:
    """Add an existing account as a member (owners only; checked by the view)."""
    if user is None or user.is_staff:
        raise Invalid(_("Không tìm thấy tài khoản này."), {"login": [_("Không tìm thấy tài khoản này.")]})
    exists = db.session.execute(db.select(Membership).filter_by(organisation_id=org.id, user_id=user.id)
                                ).scalar_one_or_none()
    if exists:
        return exists
    member = Membership(organisation_id=org.id, user_id=user.id, role="member")
    db.session.add(member)
    db.session.commit()
    return member


ROLES = ("owner", "member")


def _member(org: Organisation, member_id: int) -> Membership:
    """Return the membership in this organisation; NotFound for any other id, so ids do not leak."""
    # Lock the organisation's row (PostgreSQL) so two owners demoting each other at once
    # cannot leave it with none: the second one waits and then counts again.
    db.session.execute(db.select(Organisation.id).filter_by(id=org.id).with_for_update())
    found = db.session.get(Membership, member_id)
    if found is None or found.organisation_id != org.id:
        raise NotFound(_("Không tìm thấy thành viên."))
    return found


def _keep_an_owner(member: Membership) -> None:
    owners = db.session.execute(db.select(db.func.count()).select_from(Membership).filter_by(
        organisation_id=member.organisation_id, role="owner")).scalar_one()
    if member.role == "owner" and owners <= 1:
        message = _("Tổ chức phải còn ít nhất một chủ sở hữu. Hãy chọn chủ sở hữu khác trước.")
        raise Invalid(message, {"_form": [message]})


def set_role(org: Organisation, member_id: int, role: str) -> Membership:
    """Make a member an owner or a plain member (owners only; checked by the view)."""
    if role not in ROLES:
        raise Invalid(_("Vai trò không hợp lệ."), {"role": [_("Vui lòng chọn từ danh sách.")]})
    member = _member(org, member_id)
    if role == "member":
        _keep_an_owner(member)
    member.role = role
    db.session.commit()
    return member


def remove_member(org: Organisation, member_id: int) -> User:
    """Take an account out of the organisation and return it; its dossiers stay its own."""
    member = _member(org, member_id)
    _keep_an_owner(member)
    user = member.user
    db.session.delete(member)
    db.session.commit()
    return user


def dossiers(org: Organisation, status: int | None = None, q: str = "") -> list[Dossier]:
    """Return the dossiers of every member of the organisation, newest first, filtered."""
    members = db.select(Membership.user_id).filter_by(organisation_id=org.id)
    query = db.select(Dossier).where(Dossier.owner_id.in_(members))
    if status:
        query = query.filter_by(status=status)
    if q := (q or "").strip().upper():
        query = query.where(Dossier.code.contains(q))
    return list(db.session.execute(query.order_by(Dossier.submitted_at.desc(), Dossier.id.desc())
                                   .limit(1000)).scalars())


def address(org: Organisation, address_id: int) -> SavedAddress:
    found = db.session.get(SavedAddress, address_id)
    if found is None or found.organisation_id != org.id:
        raise NotFound(_("Không tìm thấy địa chỉ."))
    return found
