"""Each agency's receiving bank account, set by the administrator: bank, number, name, and
the column names of that bank's statement export where they differ from the usual ones."""

import re

from flask_babel import gettext as _

from app.extensions import db
from app.lib.banks import BANKS
from app.lib.time import utcnow
from app.models import Agency, BankAccount
from app.services.errors import Invalid, NotFound
from app.services.payments import statement

COLUMN_KEYS = ("id", "date", "amount", "content")
# Vietnamese bank account numbers are digits; the VietQR field takes at most 19 and no bank
# issues fewer than 6. Spaces, dots and dashes people copy from a statement are dropped first.
ACCOUNT_DIGITS = (6, 19)


# A few of the names statement.HEADERS matches, as an officer reads them on the page.
USUAL_NAMES = {
    "id": ("Số tham chiếu", "Mã giao dịch", "Số bút toán", "Số chứng từ", "Reference"),
    "date": ("Ngày giao dịch", "Ngày hạch toán", "Ngày hiệu lực", "Transaction date"),
    "amount": ("Số tiền ghi có", "Ghi có", "Phát sinh có", "Credit"),
    "content": ("Nội dung", "Diễn giải", "Mô tả", "Description"),
}


def expected_columns(account: BankAccount | None) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each column a statement needs: what it holds, the name set for this agency ('' if none),
    and usual names (matched too)."""
    own = account.columns if account is not None else {}
    return [(str(statement.COLUMN_LABELS[key]), own.get(key, ""), USUAL_NAMES[key])
            for key in statement.REQUIRED]


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
    if not number:
        errors["account_number"] = [_("Vui lòng nhập số tài khoản.")]
    elif not number.isascii() or not number.isdigit():
        errors["account_number"] = [_("Số tài khoản chỉ gồm chữ số, không có chữ cái hay ký hiệu.")]
    elif not ACCOUNT_DIGITS[0] <= len(number) <= ACCOUNT_DIGITS[1]:
        errors["account_number"] = [_("Số tài khoản gồm %(low)s đến %(high)s chữ số; số đã nhập có %(n)s.",
                                      low=ACCOUNT_DIGITS[0], high=ACCOUNT_DIGITS[1], n=len(number))]
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
