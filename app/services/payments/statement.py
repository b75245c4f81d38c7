"""A bank statement, as banks export it (CSV or XLSX), read into its credit lines.

It owns the file's rules: the size and shape limits checked before anything is decoded, the
header row found among the first rows (banks put a title block above it) by the usual
Vietnamese and English names or by the agency's own (`BankAccount.columns`), and each credit
line's transaction id, time, amount in VND and content. A file is taken whole or not at all:
any bad row refuses it, with each reason (row and column) in Vietnamese. Debit lines, blank
lines and total lines are skipped. No database here: `imports` stores what this returns.
"""

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.lib.text import fold
from app.services.errors import Invalid, TooLarge, UnsupportedType
from app.services.payments.cells import amount_of, moment_of, shown, text_of

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX is a zip: refuse one that would inflate past this
MAX_ROWS = 20_000
HEADER_SCAN = 30  # rows looked at for the header
MAX_ERRORS = 20  # reasons listed when a file is refused

# What each column is called in the exports of the common banks, folded (fold()).
HEADERS = {
    "id": ("so tham chieu", "ma tham chieu", "ma giao dich", "so giao dich", "ma gd", "so gd",
           "so but toan", "so chung tu", "so ct", "id giao dich", "ma gd ngan hang", "reference",
           "reference number", "ref no", "ref", "transaction id", "transaction no", "trans id"),
    "date": ("ngay giao dich", "thoi gian giao dich", "ngay gio giao dich", "ngay gd", "ngay hach toan",
             "ngay ghi so", "ngay hieu luc", "ngay", "thoi gian", "transaction date", "posting date",
             "value date", "date", "time"),
    "amount": ("so tien ghi co", "ghi co", "phat sinh co", "so tien co", "tien vao", "credit",
               "credit amount", "so tien", "amount"),
    "debit": ("so tien ghi no", "ghi no", "phat sinh no", "so tien no", "tien ra", "debit", "debit amount"),
    "content": ("noi dung giao dich", "noi dung chuyen khoan", "noi dung", "dien giai", "mo ta",
                "chi tiet giao dich", "description", "details", "transaction details", "remark",
                "remarks", "narrative"),
}
REQUIRED = ("id", "date", "amount", "content")
COLUMN_LABELS = {"id": _l("Mã giao dịch"), "date": _l("Ngày giao dịch"), "amount": _l("Số tiền ghi có"),
                 "content": _l("Nội dung")}


@dataclass(frozen=True)
class Credit:
    row: int  # the line in the file, as a spreadsheet numbers it
    transaction_id: str
    booked_at: datetime
    amount: int
    content: str


def refuse(message: str, reasons: list[tuple[int, str]] | None = None) -> Invalid:
    """The one error for a statement that cannot be taken: nothing is imported."""
    return Invalid(message, {"rows": reasons or []})


def read(data: bytes, columns: dict | None = None) -> list[Credit]:
    """Return the file's credit lines, or raise a domain error saying why none are taken."""
    if not data:
        raise refuse(_("Tệp trống."))
    if len(data) > MAX_BYTES:
        raise TooLarge(_("Tệp sao kê lớn hơn %(mb)s MB; vui lòng tách theo từng tháng.",
                         mb=MAX_BYTES // (1024 * 1024)), {"rows": []})
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedType(_("Tệp .xls (Excel 97–2003) chưa đọc được; vui lòng lưu lại dạng .xlsx "
                                "hoặc CSV rồi nhập lại."), {"rows": []})
    else:
        rows = _csv_rows(data)
    return _credits(rows, columns or {})


def _not_a_statement() -> UnsupportedType:
    return UnsupportedType(_("Tệp không phải bảng tính CSV hoặc XLSX."), {"rows": []})


def _csv_rows(data: bytes) -> list[list[object]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        sample = data[:4096]
        if b"\x00" in sample or sum(1 for b in sample if b < 32 and b not in b"\r\n\t") > 8:
            raise _not_a_statement()  # an image, a PDF, an archive: bytes no text file has
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise UnsupportedType(_("Tệp CSV không ở mã UTF-8; vui lòng xuất lại sao kê dạng CSV UTF-8 "
                                "hoặc XLSX."), {"rows": []}) from None
    if "\x00" in text or sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\r\n\t") > 8:
        raise _not_a_statement()
    head = "\n".join(text[:16384].splitlines()[:HEADER_SCAN])  # a title block may stand above the table
    delimiter = max((",", ";", "\t"), key=head.count)
    try:
        rows = []
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(row)
            if len(rows) > MAX_ROWS + HEADER_SCAN:
                raise _too_many()
    except csv.Error:
        raise _not_a_statement() from None
    for n, row in enumerate(rows, 1):
        for value in row:
            if value.startswith("="):  # a spreadsheet would run it; a bank never exports one
                raise refuse(_("Tệp có công thức (ô bắt đầu bằng “=”) ở dòng %(row)s; sao kê của ngân hàng "
                               "không có công thức. Vui lòng xuất lại từ ngân hàng.", row=n),
                             [(n, _("Ô có công thức."))])
    return rows


def _too_many() -> Invalid:
    return refuse(_("Tệp có hơn %(n)s dòng; vui lòng tách theo từng tháng.",
                    n=f"{MAX_ROWS:,}".replace(",", ".")))


def _xlsx_rows(data: bytes) -> list[list[object]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise refuse(_("Tệp XLSX giải nén quá lớn; vui lòng tách theo từng tháng."))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_statement() from None
    if "xl/workbook.xml" not in names:
        raise _not_a_statement()
    import openpyxl  # only staff importing a statement pay for loading it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and the like, from other writers
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                return _sheet_rows(book.worksheets[0])
            finally:
                book.close()
    except Invalid:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged workbook: all mean the same here
        raise _not_a_statement() from None


def _sheet_rows(sheet) -> list[list[object]]:
    rows = []
    for n, cells in enumerate(sheet.iter_rows(), 1):
        if n > MAX_ROWS + HEADER_SCAN:
            raise _too_many()
        row = []
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                ref = getattr(cell, "coordinate", f"{n}")
                raise refuse(_("Ô %(cell)s là công thức; sao kê của ngân hàng không có công thức. "
                               "Vui lòng xuất lại từ ngân hàng.", cell=ref), [(n, _("Ô có công thức."))])
            row.append(cell.value)
        rows.append(row)
    return rows


def _header(rows: list[list[object]], columns: dict) -> tuple[int, dict[str, int]]:
    """Find the header row: the first with a column for each required meaning."""
    names = {key: tuple(fold(str(v)) for v in ([columns[key]] if columns.get(key) else [])) + HEADERS[key]
             for key in HEADERS}
    best: tuple[int, dict[str, int]] = (-1, {})
    for index, row in enumerate(rows[:HEADER_SCAN]):
        texts = [fold(str(v)) if v is not None else "" for v in row]
        found: dict[str, int] = {}
        for key in names:  # the first-listed name wins: "so tien ghi co" over a generic "so tien"
            for name in names[key]:
                if name in texts and texts.index(name) not in found.values():
                    found[key] = texts.index(name)
                    break
        if all(k in found for k in REQUIRED):
            return index, found
        if len(found) > len(best[1]):
            best = (index, found)
    missing = [str(COLUMN_LABELS[k]) for k in REQUIRED if k not in best[1]]
    raise refuse(_("Không tìm thấy cột: %(columns)s. Sao kê cần các cột mã giao dịch, ngày giao dịch, "
                   "số tiền ghi có và nội dung (tên cột của ngân hàng khác thì quản trị viên khai ở "
                   "tài khoản nhận tiền của cơ quan).", columns=", ".join(missing)))


def _credits(rows: list[list[object]], columns: dict) -> list[Credit]:
    if not any(any(v not in (None, "") for v in row) for row in rows):
        raise refuse(_("Tệp trống."))
    at, where = _header(rows, columns)
    credits, errors, seen = [], [], {}
    for offset, row in enumerate(rows[at + 1:], at + 2):
        def value(key, row=row):
            i = where.get(key)
            v = row[i] if i is not None and i < len(row) else None
            return v.strip() if isinstance(v, str) else v
        tid, when, amount, debit = value("id"), value("date"), value("amount"), value("debit")
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue  # a blank line
        if tid in (None, "") and when in (None, ""):
            continue  # a total or a note under the table
        try:
            money = amount_of(amount)
        except ValueError:
            errors.append((offset, _("Số tiền “%(value)s” không đọc được.", value=shown(amount))))
            continue
        if money is None or money <= 0:
            if money is None and debit in (None, "") and tid not in (None, ""):
                errors.append((offset, _("Thiếu số tiền.")))
            continue  # a debit (money going out), not a payment to the agency
        try:
            booked = moment_of(when)
        except ValueError:
            errors.append((offset, _("Ngày giao dịch “%(value)s” không đọc được (ngày/tháng/năm).",
                                     value=shown(when))))
            continue
        tid = text_of(tid)
        if not tid:
            errors.append((offset, _("Thiếu mã giao dịch.")))
            continue
        if len(tid) > 64:
            errors.append((offset, _("Mã giao dịch dài quá 64 ký tự.")))
            continue
        credit = Credit(offset, tid, booked, money, text_of(value("content"))[:500])
        if tid in seen:
            if (seen[tid].amount, seen[tid].booked_at) != (money, booked):
                errors.append((offset, _("Mã giao dịch %(id)s đã có ở dòng %(row)s với số tiền khác.",
                                         id=tid, row=seen[tid].row)))
            continue
        seen[tid] = credit
        credits.append(credit)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise refuse(_("Tệp có dòng không đọc được; chưa nhập khoản nào. Vui lòng sửa rồi nhập lại."),
                     errors[:MAX_ERRORS])
    if not credits:
        raise refuse(_("Tệp không có khoản ghi có (tiền vào) nào."))
    return credits
