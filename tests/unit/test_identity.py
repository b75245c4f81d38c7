"""Personal ID, mobile number and tax code checks (DOMAIN.md, "Identity")."""

import pytest

from app.lib.identity import check_personal_id, check_tax_code, normalise_phone


@pytest.mark.parametrize("value", ["079203001234", "001099012345", "096305000001"])
def test_well_formed_ids(value):
    assert check_personal_id(value) is None


@pytest.mark.parametrize("value, reason", [
    ("07920300123", "đúng 12 chữ số"),
    ("07920300123a", "đúng 12 chữ số"),
    ("079 203 001 234", "đúng 12 chữ số"),
    ("003203001234", "mã tỉnh"),        # 003 is not a province code
    ("100203001234", "mã tỉnh"),
    ("079399001234", "Năm sinh"),       # century digit 3 → 2099: in the future
    ("079٢٠٣001234", "đúng 12 chữ số"),  # Arabic-Indic digits: digits to Python's \d, not to people
])
def test_malformed_ids(value, reason):
    assert reason in str(check_personal_id(value))


@pytest.mark.parametrize("raw, expected", [
    ("0912345678", "0912345678"),
    ("091 234 5678", "0912345678"),
    ("+84912345678", "0912345678"),
    ("0381234567", "0381234567"),
    ("0812.345.678", "0812345678"),
])
def test_mobile_numbers(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["0123456789", "02838123456", "091234567", "abc", "", "+14155550123"])
def test_not_mobile_numbers(raw):
    assert normalise_phone(raw) is None


def test_tax_codes():
    assert check_tax_code("0100109106") is None
    assert check_tax_code("0100109106-001") is None
    assert "kiểm tra" in str(check_tax_code("0100109107"))
    assert "10 chữ số" in str(check_tax_code("01001091"))
    assert "10 chữ số" in str(check_tax_code("٠100109106"))
