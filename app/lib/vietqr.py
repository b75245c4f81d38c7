"""VietQR payloads: NAPAS's profile of the EMVCo merchant-presented QR, built and read back.

A payload is a run of data objects, each `ID (2 digits) + length (2 digits) + value`:

    00 payload format "01" · 01 point of initiation ("11" static, "12" dynamic: one amount)
    38 the NAPAS consumer account template: 00 GUID "A000000727", 01 beneficiary
       (00 bank BIN, 01 account number), 02 service "QRIBFTTA" (to an account)
    53 currency "704" (VND) · 54 amount · 58 country "VN"
    62 additional data: 08 purpose of the transaction (what the bank shows as the content)
    63 CRC-16/CCITT-FALSE of everything before it, "6304" included, as 4 upper-case hex digits

Pure: no Flask, no database. Tested against payloads published with the most used VietQR
library (npm `vietnam-qr-pay`) and the NAPAS specification's tag-38 example; the PyPI
packages for this were young single-release ports when this was written, and the format
is small enough to keep here and read in one sitting.
"""

import re
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
MAX_PURPOSE = 25  # NAPAS: purpose of transaction, "ans", up to 25 characters

_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_PURPOSE = re.compile(r"[ -~]*")  # printable ASCII: what every bank app accepts in the field


class VietQRError(ValueError):
    """A value cannot go into a payload, or a payload does not read back."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if not value or len(value) > 99:
        raise VietQRError(f"field {tag}: 1 to 99 characters, got {len(value)}")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """Append the CRC object ("6304" + 4 hex digits) to a payload that ends before it."""
    body += "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def build(bank_bin: str, account: str, amount: int | None = None, purpose: str = "") -> str:
    """Return the payload asking `amount` VND (None: the payer types it) for `account` at `bank_bin`."""
    if not _BIN.fullmatch(bank_bin or ""):
        raise VietQRError("bank BIN: 6 digits")
    if not _ACCOUNT.fullmatch(account or ""):
        raise VietQRError("account number: 1 to 19 letters or digits")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)
                               or amount <= 0 or len(str(amount)) > 13):
        raise VietQRError("amount: a whole number of VND above 0, at most 13 digits")
    if len(purpose) > MAX_PURPOSE or not _PURPOSE.fullmatch(purpose):
        raise VietQRError(f"purpose: at most {MAX_PURPOSE} printable ASCII characters")
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    consumer = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", TO_ACCOUNT)
    body = _tlv("00", "01") + _tlv("01", "11" if amount is None else "12") + _tlv("38", consumer)
    body += _tlv("53", CURRENCY_VND)
    if amount is not None:
        body += _tlv("54", str(amount))
    body += _tlv("58", "VN")
    if purpose:
        body += _tlv("62", _tlv("08", purpose))
    return with_crc(body)


def split(payload: str) -> dict[str, str]:
    """Read one level of data objects into {ID: value}; raise VietQRError if they do not add up."""
    fields, i = {}, 0
    while i < len(payload):
        head = payload[i:i + 4]
        if len(head) < 4 or not head.isdigit():
            raise VietQRError(f"bad data object at {i}")
        size = int(head[2:])
        value = payload[i + 4:i + 4 + size]
        if len(value) != size or size == 0:
            raise VietQRError(f"field {head[:2]} runs past the end")
        fields[head[:2]] = value
        i += 4 + size
    return fields


@dataclass(frozen=True)
class Decoded:
    initiation: str
    bank_bin: str
    account: str
    service: str
    currency: str
    amount: int | None
    country: str
    purpose: str
    crc_ok: bool


def decode(payload: str) -> Decoded:
    """Read a VietQR payload back into its fields, and say whether its CRC is right."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise VietQRError("no CRC object at the end")
    crc_ok = f"{crc16_ccitt_false(payload[:-4].encode('ascii')):04X}" == payload[-4:].upper()
    root = split(payload)
    if root.get("00") != "01":
        raise VietQRError("payload format indicator is not 01")
    consumer = split(root.get("38", ""))
    if consumer.get("00") != NAPAS_GUID:
        raise VietQRError("not a NAPAS (VietQR) consumer account template")
    beneficiary = split(consumer.get("01", ""))
    extra = split(root["62"]) if "62" in root else {}
    amount = root.get("54")
    return Decoded(
        initiation=root.get("01", ""), bank_bin=beneficiary.get("00", ""),
        account=beneficiary.get("01", ""), service=consumer.get("02", ""),
        currency=root.get("53", ""), amount=int(float(amount)) if amount else None,
        country=root.get("58", ""), purpose=extra.get("08", ""), crc_ok=crc_ok,
    )
