"""Reading bank statements: the usual exports are read, anything else refused whole, in Vietnamese."""

import io
import zipfile
from datetime import datetime

import pytest

from app.services.errors import DomainError
from app.services.payments import statement
from tests.payment_helpers import HEADER, csv_bytes, line, xlsx_bytes

CODE = "000.00.00.H40-261201-0007"


def test_reads_a_csv_export_under_its_title_block(ctx):
    data = csv_bytes([line(1, "FT2633500001", "200.000", f"MBVCB.1234.{CODE}.CT tu NGUYEN VAN A"),
                      line(2, "FT2633500002", "", "Phi SMS", debit="11.000"),
                      ["", "", "", "", "200.000", "", "Tổng cộng"]])
    credits = statement.read(data)
    assert len(credits) == 1
    c = credits[0]
    assert (c.transaction_id, c.amount, c.booked_at) == ("FT2633500001", 200000, datetime(2026, 12, 1, 9, 15))
    assert CODE in c.content and c.row == 6


def test_reads_semicolons_and_other_amount_and_date_shapes(ctx):
    data = csv_bytes([line(1, "A1", "1.000.000,00", "x", when="2026-12-01"),
                      line(2, "A2", "250,000", "y", when="01/12/2026"),
                      line(3, "A3", "300000 VND", "z", when="1/12/2026 8:05")], delimiter=";")
    assert [c.amount for c in statement.read(data)] == [1_000_000, 250_000, 300_000]


def test_reads_an_xlsx_export_with_numbers_and_dates_as_cells(ctx):
    data = xlsx_bytes([[1, "01/12/2026 10:00:00", "TX1", None, 200000, None, CODE],
                       [2, "02/12/2026", 123456789012, None, 50000.0, None, "khac"]])
    credits = statement.read(data)
    assert [(c.transaction_id, c.amount) for c in credits] == [("TX1", 200000), ("123456789012", 50000)]


def test_the_agency_names_its_bank_s_own_columns(ctx):
    header = ["Ref", "Value date", "Credit", "Remarks"]
    own = ["Mã GD NH", "Ngày hiệu lực", "Có", "Ghi chú"]
    data = csv_bytes([["R1", "01/12/2026", "200000", CODE]], header=own, title=[])
    with pytest.raises(DomainError):
        statement.read(data)
    credits = statement.read(data, dict(zip(("id", "date", "amount", "content"), own, strict=True)))
    assert credits[0].amount == 200000
    assert statement.read(csv_bytes([["R1", "01/12/2026", "200000", CODE]], header=header, title=[]))


def _refused(data: bytes, columns=None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        statement.read(data, columns)
    return caught.value


@pytest.mark.parametrize("data, says", [
    (b"", "Tệp trống"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "không phải bảng tính"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    (b"PK\x03\x04 not really a zip", "không phải bảng tính"),
    ("Ngày;Số tiền\n01/12/2026;1000\n".encode(), "Không tìm thấy cột"),
    ("Ngày giao dịch,Số tiền".encode("utf-16-le"), "không phải bảng tính"),
    (b"\xff\xfe\x00\xd8", "UTF-8"),
    ("Ng\xe0y giao d\xe1ch".encode("latin-1"), "UTF-8"),
])
def test_refuses_what_is_no_statement(ctx, data, says):
    assert says in _refused(data).message


def test_refuses_a_file_too_large_before_reading_it(ctx):
    error = _refused(b"a" * (statement.MAX_BYTES + 1))
    assert error.status == 413 and "MB" in error.message


def test_refuses_an_xlsx_that_inflates_too_far(ctx):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (statement.MAX_UNZIPPED + 1))
    assert "giải nén quá lớn" in _refused(buf.getvalue()).message


def test_refuses_wrong_columns_and_names_the_missing_ones(ctx):
    error = _refused(csv_bytes([["x", "y"]], header=["Ngày giao dịch", "Ghi chú"], title=[]))
    assert "Mã giao dịch" in error.message and "Số tiền ghi có" in error.message


def test_refuses_formula_cells_in_xlsx_and_csv(ctx):
    error = _refused(xlsx_bytes([[1, "01/12/2026", "TX1", None, 200000, None, CODE]], formula="=1+1"))
    assert "công thức" in error.message and "E6" in error.message
    error = _refused(csv_bytes([line(1, "TX1", "200000", '=HYPERLINK("http://x","y")')]))
    assert "công thức" in error.message


@pytest.mark.parametrize("bad, reason", [
    (line(1, "T1", "hai trăm", CODE), "Số tiền"),
    (line(1, "T1", "200.000,5", CODE), "Số tiền"),
    (line(1, "T1", "1,5", CODE), "Số tiền"),
    (line(1, "T1", "99999999999999", CODE), "Số tiền"),
    (line(1, "T1", "200000", CODE, when="32/13/2026"), "Ngày giao dịch"),
    (line(1, "T1", "200000", CODE, when="hôm qua"), "Ngày giao dịch"),
    (line(1, "T1", "200000", CODE, when="01/12/1899"), "Ngày giao dịch"),
    (line(1, "", "200000", CODE), "mã giao dịch"),
    (line(1, "T" * 65, "200000", CODE), "64"),
])
def test_refuses_garbage_lines_naming_the_row(ctx, bad, reason):
    error = _refused(csv_bytes([line(1, "OK1", "100000", "tot"), bad]))
    assert error.details["rows"] and error.details["rows"][0][0] == 7
    assert reason.lower() in str(error.details["rows"][0][1]).lower()
    assert "chưa nhập khoản nào" in error.message


def test_the_same_transaction_twice_in_one_file(ctx):
    same = line(1, "T1", "200000", CODE)
    assert len(statement.read(csv_bytes([same, same]))) == 1
    error = _refused(csv_bytes([same, line(2, "T1", "100000", CODE)]))
    assert "số tiền khác" in str(error.details["rows"][0][1])


def test_refuses_a_statement_with_no_credit(ctx):
    assert "ghi có" in _refused(csv_bytes([line(1, "T1", "", "Phi", debit="11000")])).message


def test_refuses_too_many_rows(ctx, monkeypatch):
    monkeypatch.setattr(statement, "MAX_ROWS", 5)
    lines = [line(i, f"T{i}", "1000", "x") for i in range(50)]
    assert "dòng" in _refused(csv_bytes(lines)).message
    assert "dòng" in _refused(xlsx_bytes(lines)).message


def test_header_has_the_columns_named():
    assert "Số tiền ghi có" in HEADER
