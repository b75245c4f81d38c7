"""Who belongs to an organisation: invitations a person accepts, leaving, roles, removal.

An owner invites a login (e-mail or mobile number). The answer and the member list are the
same whether or not that login has an account, so inviting finds out nothing about anyone.
The invitation is shown to the person on their account page (and when they sign in); it
becomes a membership only when they accept it. A membership only ever opens the dossiers
filed for the organisation, never the person's own (services/accounts.py, `can_see`).
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.lib.identity import normalise_phone
from app.lib.time import utcnow
from app.models import Membership, Organisation, User
from app.models.organisation import ACTIVE, PENDING
from app.services.errors import Invalid, NotFound

ROLES = ("owner", "member")
EMAIL_MAX = 255


def login_of(user: User) -> str:
    """Return the login an account signs in with (its e-mail, else its mobile number)."""
    return user.email or user.phone or ""


def normalise_login(login: str) -> str | None:
    """Return an e-mail address (lower case) or a 10-digit mobile number, or None."""
    login = (login or "").strip().lower()
    if "@" in login:
        local, _at, domain = login.rpartition("@")
        ok = local and "." in domain and " " not in login and len(login) <= EMAIL_MAX
        return login if ok else None
    return normalise_phone(login) if login else None


def active(user: User, org_id: int) -> Membership:
    """Return the user's active membership of the organisation; NotFound (404) otherwise."""
    found = None
    if getattr(user, "is_authenticated", False) and not user.is_staff:
        found = db.session.execute(db.select(Membership).filter_by(
            organisation_id=org_id, user_id=user.id, status=ACTIVE)).scalar_one_or_none()
    if found is None:
        raise NotFound(_("Không tìm thấy tổ chức."))
    return found


def is_member(user_id: int | None, org_id: int | None) -> bool:
    """Say whether the account is an active member of the organisation (and not disabled)."""
    if user_id is None or org_id is None:
        return False
    return db.session.execute(
        db.select(Membership.id).join(User, User.id == Membership.user_id).where(
            Membership.organisation_id == org_id, Membership.user_id == user_id,
            Membership.status == ACTIVE, User.active.is_(True))).first() is not None


def of_user(user: User) -> list[Membership]:
    """Return the account's active memberships, oldest first."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return []
    return list(db.session.execute(db.select(Membership).filter_by(user_id=user.id, status=ACTIVE)
                                   .order_by(Membership.id)).scalars())


def invitations_for(user: User) -> list[Membership]:
    """Return the invitations waiting for this account (to its e-mail or its mobile number)."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return []
    logins = [x for x in (user.email, user.phone) if x]
    joined = db.select(Membership.organisation_id).filter_by(user_id=user.id)
    return list(db.session.execute(
        db.select(Membership).where(Membership.status == PENDING, Membership.login.in_(logins),
                                    Membership.organisation_id.not_in(joined))
        .order_by(Membership.id)).scalars())


def invite(org: Organisation, login: str, by: User) -> Membership:
    """Invite a login to the organisation (owners only; checked by the view).

    No account is looked up: the same invitation is recorded, and the same answer given,
    whether or not one exists. Inviting a login twice returns the first invitation.
    """
    clean = normalise_login(login)
    if clean is None:
        message = _("Nhập địa chỉ email hoặc số di động (10 chữ số).")
        raise Invalid(_("Lời mời chưa hợp lệ."), {"login": [message]})
    found = db.session.execute(db.select(Membership).filter_by(organisation_id=org.id, login=clean)
                               ).scalar_one_or_none()
    if found is not None:
        return found
    invitation = Membership(organisation_id=org.id, login=clean, role="member", status=PENDING,
                            invited_by_id=by.id)
    db.session.add(invitation)
    try:
        db.session.commit()
    except IntegrityError:  # the same invitation, sent twice at once
        db.session.rollback()
        return db.session.execute(db.select(Membership).filter_by(organisation_id=org.id, login=clean)
                                  ).scalar_one()
    return invitation


def _invitation(user: User, invitation_id: int) -> Membership:
    found = next((m for m in invitations_for(user) if m.id == invitation_id), None)
    if found is None:
        raise NotFound(_("Không tìm thấy lời mời."))
    return found


def accept(user: User, invitation_id: int) -> Membership:
    """Join the organisation that invited this account's e-mail or mobile number."""
    invitation = _invitation(user, invitation_id)
    for twin in invitations_for(user):  # the same organisation invited the account's other login too
        if twin.organisation_id == invitation.organisation_id and twin.id != invitation.id:
            db.session.delete(twin)
    db.session.flush()
    invitation.user_id, invitation.status, invitation.accepted_at = user.id, ACTIVE, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # accepted twice at once (two invitations, e-mail and phone)
        db.session.rollback()
        raise NotFound(_("Không tìm thấy lời mời.")) from None
    return invitation


def decline(user: User, invitation_id: int) -> Organisation:
    """Refuse an invitation; it is deleted, and the organisation can invite again later."""
    invitation = _invitation(user, invitation_id)
    org = invitation.organisation
    db.session.delete(invitation)
    db.session.commit()
    return org


def _lock(org_id: int) -> None:
    # Lock the organisation's row (PostgreSQL) so two owners demoting or removing each other
    # at once cannot leave it with none: the second one waits and then counts again.
    db.session.execute(db.select(Organisation.id).filter_by(id=org_id).with_for_update())


def _member(org: Organisation, member_id: int) -> Membership:
    """Return the membership or invitation in this organisation; NotFound for any other id."""
    _lock(org.id)
    found = db.session.get(Membership, member_id)
    if found is None or found.organisation_id != org.id:
        raise NotFound(_("Không tìm thấy thành viên."))
    return found


def _keep_an_owner(member: Membership) -> None:
    owners = db.session.execute(db.select(db.func.count()).select_from(Membership).filter_by(
        organisation_id=member.organisation_id, role="owner", status=ACTIVE)).scalar_one()
    if member.role == "owner" and member.status == ACTIVE and owners <= 1:
        message = _("Tổ chức phải còn ít nhất một chủ sở hữu. Hãy chọn chủ sở hữu khác trước.")
        raise Invalid(message, {"_form": [message]})


def set_role(org: Organisation, member_id: int, role: str) -> Membership:
    """Make an active member an owner or a plain member (owners only; checked by the view)."""
    if role not in ROLES:
        raise Invalid(_("Vai trò không hợp lệ."), {"role": [_("Vui lòng chọn từ danh sách.")]})
    member = _member(org, member_id)
    if member.status != ACTIVE:  # an invitation gets a role when it is accepted, not before
        raise NotFound(_("Không tìm thấy thành viên."))
    if role == "member":
        _keep_an_owner(member)
    member.role = role
    db.session.commit()
    return member


def remove(org: Organisation, member_id: int) -> str:
    """Take a member out, or withdraw an invitation (owners only); return who, for the message."""
    member = _member(org, member_id)
    _keep_an_owner(member)
    who = member.user.name if member.user is not None and member.user.name else member.login
    db.session.delete(member)
    db.session.commit()
    return who


def leave(user: User, org_id: int) -> Organisation:
    """Leave an organisation; its dossiers close to this account at once (the last owner stays)."""
    _lock(org_id)
    member = active(user, org_id)
    _keep_an_owner(member)
    org = member.organisation
    db.session.delete(member)
    db.session.commit()
    return org
