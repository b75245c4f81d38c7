"""Checks for Vietnamese personal IDs, mobile numbers and business tax codes."""

import re

import phonenumbers
from stdnum.vn import mst

from app.lib.marks import N_
from app.lib.time import local_today

# Birth-registration province codes used in the first three digits of a CCCD (the 63
# provinces before the 2025 merger; the numbers already issued keep them).
PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 "
    "034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 "
    "067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)


def check_personal_id(value: str) -> str | None:
    """Return why `value` is not a well-formed 12-digit personal ID, or None if it is."""
    if not re.fullmatch(r"[0-9]{12}", value):  # \d would take "٠" (Arabic-Indic) too
        return N_("Số định danh cá nhân phải gồm đúng 12 chữ số.")
    if value[:3] not in PROVINCE_CODES:
        return N_("Ba chữ số đầu của số định danh không phải mã tỉnh nơi đăng ký khai sinh.")
    century = int(value[3])  # 0/1: 1900s, 2/3: 2000s, 4/5: 2100s ...
    birth_year = 1900 + (century // 2) * 100 + int(value[4:6])
    if birth_year > local_today().year:
        return N_("Năm sinh trong số định danh không hợp lệ.")
    return None


def normalise_phone(value: str) -> str | None:
    """Return a Vietnamese mobile number as 10 digits (0XXXXXXXXX), or None if it is not one."""
    cleaned = re.sub(r"[\s.\-()]", "", value)
    try:
        number = phonenumbers.parse(cleaned, "VN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    national = "0" + str(number.national_number)
    return national if re.fullmatch(r"0[35789]\d{8}", national) else None


def phone_key(value: str) -> str:
    """`value` as a stored phone would read (0XXXXXXXXX) if it is one, for comparison only.

    Stored phones went through `normalise_phone`; a lookup only needs to compare, so this
    skips the phone-number library's validation, which was a tenth of a tracking lookup.
    """
    digits = re.sub(r"[\s.\-()+]", "", value)
    if digits.startswith("84") and len(digits) == 11:
        return "0" + digits[2:]
    if len(digits) == 9 and not digits.startswith("0"):
        return "0" + digits
    return digits


def check_tax_code(value: str) -> str | None:
    """Return why `value` is not a valid business tax code (MST), or None if it is."""
    if not re.fullmatch(r"[0-9]{10}(-[0-9]{3})?", value):
        return N_("Mã số thuế gồm 10 chữ số, hoặc 13 chữ số dạng NNNNNNNNNN-NNN cho chi nhánh.")
    if not mst.is_valid(value):
        return N_("Mã số thuế không đúng chữ số kiểm tra.")
    return None
