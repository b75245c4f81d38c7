"""The VietQR payload against payloads published with other implementations and by NAPAS."""

import pytest

from app.lib import vietqr

# Published in the README of the npm package `vietnam-qr-pay` (xuannghia/vietnam-qr-pay), the
# VietQR library most used in Vietnam: ACB (BIN 970416), account 257678859.
STATIC = "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F"
DYNAMIC = ("00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN"
           "62150811Chuyen tien630453E6")
DECODE_SAMPLE = ("00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA5303704540410005802VN"
                 "62150811Chuyen tien6304BBB8")
REBUILT = ("00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA530370454069999995802VN"
           "62140810Cam on nhe6304E786")
ZALOPAY = ("00020101021138620010A00000072701320006970454011899ZP24009M072482670208QRIBFTTA53037045802VN"
           "6304073C")


def test_crc_is_ccitt_false():
    # The catalogue check value of CRC-16/CCITT-FALSE.
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1


@pytest.mark.parametrize("payload", [STATIC, DYNAMIC, DECODE_SAMPLE, REBUILT, ZALOPAY])
def test_published_payloads_check(payload):
    assert vietqr.decode(payload).crc_ok
    assert vietqr.with_crc(payload[:-8]) == payload


def test_builds_the_published_static_and_dynamic_payloads():
    assert vietqr.build("970416", "257678859") == STATIC
    assert vietqr.build("970416", "257678859", 10000, "Chuyen tien") == DYNAMIC
    assert vietqr.build("970416", "257678859", 999999, "Cam on nhe") == REBUILT
    assert vietqr.build("970454", "99ZP24009M07248267") == ZALOPAY


def test_napas_specification_consumer_template():
    # NAPAS QR switching specification, tag 38 example: Vietcombank (970415 in that example),
    # beneficiary 113366668888, service QRIBFTTA.
    payload = vietqr.build("970415", "113366668888", 79000)
    assert "38560010A000000727012600069704150112113366668888" "0208QRIBFTTA" in payload


def test_decode_reads_back_the_fields():
    d = vietqr.decode(DECODE_SAMPLE)
    assert (d.initiation, d.bank_bin, d.account, d.service) == ("12", "970416", "257678859", "QRIBFTTA")
    assert (d.currency, d.amount, d.country, d.purpose) == ("704", 1000, "VN", "Chuyen tien")


def test_a_dossier_payment_round_trips():
    code = "000.00.00.H40-261201-0007"
    payload = vietqr.build("970436", "0071000123456", 200000, code)
    d = vietqr.decode(payload)
    assert d.crc_ok and d.amount == 200000 and d.purpose == code and d.initiation == "12"


def test_a_changed_character_fails_the_crc():
    broken = DYNAMIC.replace("10000", "90000")
    assert not vietqr.decode(broken).crc_ok


@pytest.mark.parametrize("kwargs", [
    {"bank_bin": "97041", "account": "1"}, {"bank_bin": "970416", "account": ""},
    {"bank_bin": "970416", "account": "12345678901234567890"},
    {"bank_bin": "970416", "account": "1", "amount": 0}, {"bank_bin": "970416", "account": "1", "amount": -5},
    {"bank_bin": "970416", "account": "1", "purpose": "x" * 26},
    {"bank_bin": "970416", "account": "1", "purpose": "Nộp phí"},
])
def test_refuses_what_cannot_go_into_a_payload(kwargs):
    with pytest.raises(vietqr.VietQRError):
        vietqr.build(**kwargs)


@pytest.mark.parametrize("payload", ["", "0002010102", "00020101021238990010", STATIC[:-8] + "6305AE9F0"])
def test_decode_refuses_garbage(payload):
    with pytest.raises(vietqr.VietQRError):
        vietqr.decode(payload)
