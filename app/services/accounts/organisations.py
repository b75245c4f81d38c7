"""Organisations (businesses): tax code, saved addresses, and the dossiers filed for them.

A dossier is an organisation's only when one of its active members filed it *for* it:
then the applicant is the organisation (its name, tax code and address, copied onto the
dossier) and the member is its contact. Nothing else an account owns becomes the
organisation's (memberships: services/memberships.py).
"""

from flask_babel import gettext as _

from app.extensions import db
from app.lib.identity import check_tax_code
from app.lib.time import utcnow
from app.models import Dossier, Membership, Organisation, SavedAddress, User
from app.models.organisation import ACTIVE
from app.schemas.bounded import to_int
from app.services.accounts import memberships
from app.services.errors import Invalid, NotFound
from app.services.unique import taken

MAX_ID = 2**31 - 1


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
    """Register an organisation by its tax code, with `owner` as its first (active) owner."""
    check(tax_code, name)
    tax_code = tax_code.strip()
    org = Organisation(tax_code=tax_code, name=name.strip()[:255], address=(address or "").strip()[:500])
    db.session.add(org)
    with taken(_("Thông tin tổ chức chưa hợp lệ."), "tax_code", _("Mã số thuế này đã được đăng ký.")):
        db.session.flush()
    db.session.add(Membership(organisation_id=org.id, user_id=owner.id, login=memberships.login_of(owner),
                              role="owner", status=ACTIVE, accepted_at=utcnow()))
    db.session.commit()
    return org


def dossiers(org: Organisation, status: int | None = None, q: str = "") -> list[Dossier]:
    """Return the dossiers filed for the organisation, newest first, filtered by status or code."""
    query = db.select(Dossier).filter_by(organisation_id=org.id)
    if status:
        query = query.filter_by(status=status)
    if q := (q or "").strip().upper()[:40]:
        query = query.where(Dossier.code.contains(q, autoescape=True))
    return list(db.session.execute(query.order_by(Dossier.submitted_at.desc(), Dossier.id.desc())
                                   .limit(1000)).scalars())


def address(org: Organisation, address_id: int) -> SavedAddress:
    """Return one of the organisation's saved addresses; NotFound for any other id."""
    found = db.session.get(SavedAddress, address_id) if 0 < address_id <= MAX_ID else None
    if found is None or found.organisation_id != org.id:
        raise NotFound(_("Không tìm thấy địa chỉ."))
    return found


# --- Filing for the organisation --------------------------------------------------------------


def save_address(org: Organisation, label: str, clean: dict) -> SavedAddress:
    """Keep a checked postal address (PostalRequestSchema) in the organisation's address book."""
    saved = SavedAddress(organisation_id=org.id, label=label[:100], recipient_name=clean["recipient_name"],
                         phone=clean["phone"], street=clean["street"], province_code=clean["province"],
                         ward_code=clean["ward"])
    db.session.add(saved)
    db.session.commit()
    return saved


def set_default_return_post(org: Organisation, by_post: bool) -> None:
    """Choose whether the members' new dossiers default to "return by post"."""
    org.default_return_post = by_post
    db.session.commit()


def filing_for(user: User | None, chosen) -> Organisation | None:
    """Return the organisation a dossier is filed for, checked against the account's membership.

    `chosen` is what the form or the device sent (an id, or nothing for a personal dossier);
    it is only ever a request: the server files for an organisation only if the signed-in
    account is an active member of it now.
    """
    if chosen in (None, "", 0, "0"):
        return None
    org_id = to_int(chosen, 0) if isinstance(chosen, int | str) else 0  # "²" is a digit to isdigit
    if 0 < org_id <= MAX_ID and user is not None and memberships.is_member(user.id, org_id):
        return db.session.get(Organisation, org_id)
    message = _("Bạn không (còn) là thành viên của tổ chức này. Hãy chọn nộp với tư cách cá nhân, "
                "hoặc đăng nhập bằng tài khoản của tổ chức.")
    raise Invalid(message, {"organisation": [message]})


def applicant_columns(clean: dict, org: Organisation | None) -> dict:
    """Return the dossier's applicant columns from a validated manifest and the checked organisation.

    Filed for an organisation: its name, tax code and kind come from the organisation (never
    from the device), the person typed in the form is its contact.
    """
    applicant = clean["applicant"]
    if clean.get("organisation") != (org.id if org is not None else None):
        # The manifest (and so its idempotency hash) must say what the server checked.
        message = _("Tổ chức nộp hồ sơ không hợp lệ.")
        raise Invalid(message, {"organisation": [message]})
    columns = {"applicant_id_number": applicant["id_number"], "applicant_phone": applicant["phone"],
               "applicant_email": applicant.get("email", ""), "applicant_address": applicant["address"]}
    if org is None:
        return columns | {"applicant_name": applicant["name"], "applicant_kind": "citizen"}
    return columns | {"applicant_name": org.name, "applicant_kind": "business", "tax_code": org.tax_code,
                      "organisation_id": org.id, "contact_name": applicant["name"]}

