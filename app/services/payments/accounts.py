"""Each agency's receiving bank account, set by the administrator: bank, number, name, and
the column names of that bank's statement export where they differ from the usual ones."""

import re

from flask_babel import gettext as _

from app.extensions import db
from app.lib.banks import BANKS
from app.lib.time import utcnow
from app.models import Agency, BankAccount
from app.services.errors import Invalid, NotFound

COLUMN_KEYS = ("id", "date", "amount", "content")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")


def of(agency_id: int) -> BankAccount | None:
    """Return the agency's receiving account, or None if none is set."""
    return db.session.execute(db.select(BankAccount).filter_by(agency_id=agency_id)).scalar_one_or_none()


def by_agency() -> list[tuple[Agency, BankAccount | None]]:
    """Every agency with its account (or None), the centre first."""
    agencies = db.session.execute(db.select(Agency).order_by(Agency.is_centre.desc(), Agency.code)).scalars()
    accounts = {a.agency_id: a for a in db.session.execute(db.select(BankAccount)).scalars()}
    return [(agency, accounts.get(agency.id)) for agency in agencies]


def save(agency_id: int, form: dict, by: str) -> BankAccount:
    """Check and store the agency's account; raise Invalid with each field's problem."""
    if db.session.get(Agency, agency_id) is None:
        raise NotFound(_("Không tìm thấy cơ quan."))
    bank_bin = (form.get("bank_bin") or "").strip()
    number = re.sub(r"[\s.-]", "", form.get("account_number") or "")
    name = re.sub(r"\s+", " ", form.get("account_name") or "").strip()
    errors: dict[str, list[str]] = {}
    if bank_bin not in BANKS:
        errors["bank_bin"] = [_("Vui lòng chọn ngân hàng.")]
    if not _ACCOUNT.fullmatch(number):
        errors["account_number"] = [_("Số tài khoản gồm 1–19 chữ số hoặc chữ cái.")]
    if not name or len(name) > 100:
        errors["account_name"] = [_("Vui lòng nhập tên chủ tài khoản (tối đa 100 ký tự).")]
    columns = {}
    for key in COLUMN_KEYS:
        value = re.sub(r"\s+", " ", form.get(f"column_{key}") or "").strip()
        if len(value) > 100:
            errors[f"column_{key}"] = [_("Tên cột tối đa 100 ký tự.")]
        elif value:
            columns[key] = value
    if errors:
        raise Invalid(_("Chưa lưu được tài khoản nhận tiền."), errors)
    account = of(agency_id) or BankAccount(agency_id=agency_id)
    account.bank_bin, account.account_number, account.account_name = bank_bin, number, name
    account.columns, account.updated_at, account.updated_by = columns, utcnow(), by
    db.session.add(account)
    db.session.commit()
    return account
