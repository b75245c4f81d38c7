"""Bank statements as banks export them (CSV, XLSX), and an agency with a receiving account."""

import io

import xlsxwriter

from app.extensions import db
from app.models import BankAccount

HEADER = ["STT", "Ngày giao dịch", "Số tham chiếu", "Số tiền ghi nợ", "Số tiền ghi có", "Số dư", "Nội dung"]
TITLE = [["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"], ["SAO KÊ TÀI KHOẢN"], ["Số tài khoản: 0071000123456"], []]


def give_account(agency, **kw) -> BankAccount:
    """The agency's receiving account at Vietcombank."""
    account = BankAccount(agency_id=agency.id, bank_bin="970436", account_number="0071000123456",
                          account_name="SO TU PHAP TINH TAY NINH", columns={}, **kw)
    db.session.add(account)
    db.session.commit()
    return account


def paid_at_submission():
    """Sở Tư pháp with a receiving account, and its 200.000 đ procedure paid at submission."""
    from tests.agency_helpers import department

    agency, proc = department()
    give_account(agency)
    proc.fee_at_submission = True
    db.session.commit()
    return agency, proc


def line(n: int, tid: str, amount, content: str, when: str = "01/12/2026 09:15:00", debit="") -> list:
    """One statement line: a credit of `amount` (or a debit) with `content`."""
    return [n, when, tid, debit, amount, "", content]


def csv_bytes(lines: list[list], header=HEADER, title=TITLE, delimiter=",") -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter)
    for row in [*title, header, *lines]:
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(lines: list[list], header=HEADER, title=TITLE, formula: str | None = None) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("Sao ke")
    for r, row in enumerate([*title, header, *lines]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    if formula:
        sheet.write_formula(len(title) + 1, 4, formula)
    book.close()
    return buf.getvalue()
