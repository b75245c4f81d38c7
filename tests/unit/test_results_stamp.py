"""The stamp on a signed result: a QR code to /xac-thuc with the code and key, and the words
beside it; drawn inside the signed revision, so pyHanko's own validation still holds it valid."""

import io
import re
from datetime import UTC, datetime

import pytest
from fpdf import FPDF
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from app.services.results import certificate, keys, verification
from app.services.results.signing import sign_pdf
from app.services.results.stamp import verify_url
from app.services.results.verification import verify
from tests.result_stamp_helpers import modules_of, printed_url, qr_modules, signature_widget, stamp_lines
from tests.results_helpers import flip, result_pdf

CODE = "000.00.00.H40-261201-0007"
KEY = "7KQ2M-X9D4P"


@pytest.fixture
def stamped(ctx):
    return sign_pdf(result_pdf(), CODE, KEY)


def test_pyhankos_own_validation_holds_the_stamped_signature_valid_over_the_whole_file(ctx, stamped):
    [sig] = PdfFileReader(io.BytesIO(stamped)).embedded_signatures
    context = ValidationContext(trust_roots=[certificate.credentials().cert], allow_fetching=False)
    status = validate_pdf_signature(sig, context)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    verdict = verify(stamped)
    assert verdict.ok and verdict.code == CODE and verdict.signer == ctx.config["CENTRE_NAME"]


def test_the_qr_code_carries_the_verification_address_with_code_and_key(ctx, stamped):
    url = verify_url(ctx.config["PUBLIC_URL"], CODE, KEY)
    assert url == f"{ctx.config['PUBLIC_URL'].rstrip('/')}/xac-thuc?ma={CODE}&k={KEY}"
    assert qr_modules(stamped) == modules_of(url)  # the very modules qrcode makes of that address
    assert qr_modules(stamped) != modules_of(url.replace(KEY, "7KQ2M-X9D4Q"))
    assert printed_url(stamped) == url  # tapping the stamp on a screen opens it too


def test_the_stamp_says_who_signed_when_for_which_dossier_and_the_key(ctx, stamped):
    lines = stamp_lines(stamped)
    site = ctx.config["PUBLIC_URL"].rstrip("/").split("://")[-1] + "/xac-thuc"
    assert lines[0] == f"Ký số bởi: {ctx.config['CENTRE_NAME']}"
    assert lines[1].startswith("Thời điểm ký: ") and lines[1].endswith("(giờ Việt Nam)")
    assert lines[2:] == [f"Kết quả hồ sơ: {CODE}", f"Kiểm tra tại: {site}", f"Mã kiểm tra: {KEY}"]
    # The same second as the signature, in Vietnam time (UTC+7), whatever the server's zone.
    when = verify(stamped).signed_at.astimezone(UTC)
    local = when.replace(tzinfo=UTC).timestamp() + 7 * 3600
    assert datetime.fromtimestamp(local, UTC).strftime("%H:%M:%S ngày %d/%m/%Y") in lines[1]


def test_the_stamp_sits_in_the_bottom_margin_of_the_last_page(ctx):
    pdf = FPDF(unit="pt")
    for n in range(3):
        pdf.add_page(format="A4" if n < 2 else (420, 595))  # the last one A5, in points
        pdf.set_font("helvetica", size=12)
        pdf.cell(text=f"trang {n + 1}")
    stamped = sign_pdf(bytes(pdf.output()), CODE, KEY)
    reader = PdfReader(io.BytesIO(stamped))
    assert not any("/Annots" in page for page in reader.pages[:2])
    x0, y0, x1, y1 = (float(v) for v in signature_widget(stamped)["/Rect"])
    width, height = (float(v) for v in reader.pages[-1].mediabox[2:])
    assert 0 < x0 < x1 <= width and 0 < y0 < y1 < height / 4  # inside an A5 page, at its foot
    assert y1 - y0 >= 80 and x1 - x0 >= 300  # big enough to scan and to read on paper
    assert verify(stamped).ok


def test_the_stamp_is_opaque_over_its_whole_box(ctx, stamped):
    """A result's text may run into the margin: the stamp reads on white, not over it."""
    widget = signature_widget(stamped)
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    stream = widget["/AP"]["/N"].get_object().get_data()
    sx, sy = (float(v) for v in re.search(
        rb"/BackgroundGS gs ([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm 1 g 0 0 100 100 re f", stream).groups())
    assert sx * 100 >= (x1 - x0) - 1 and sy * 100 >= (y1 - y0) - 1


def test_a_byte_changed_in_the_stamp_is_tampering(ctx, stamped):
    at = stamped.index(b"/QR Do")  # inside the appearance the signature covers
    assert verify(flip(stamped, at)).state == verification.TAMPERED
    # Anywhere in the revision the signature covers (its /Contents hole is the container's own,
    # judged by test_results_signing): the stamp, the link, the new field, the cross-reference.
    _start, hole_start, hole_end, _length = (int(n) for n in re.search(
        rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]", stamped).groups())
    for at in range(len(result_pdf()), len(stamped), 61):
        if not hole_start <= at < hole_end:
            assert verify(flip(stamped, at)).state in (verification.TAMPERED, verification.NOT_PDF), at


def test_a_result_signed_before_the_stamp_still_verifies(ctx):
    unstamped = sign_pdf(result_pdf(), CODE)
    assert signature_widget(unstamped) is None and verify(unstamped).ok
    assert verify(sign_pdf(unstamped, "000.00.00.H40-261201-0008", KEY)).signatures == 2


@pytest.mark.parametrize(("typed", "clean"), [
    ("7KQ2M-X9D4P", "7KQ2MX9D4P"), ("7kq2m x9d4p", "7KQ2MX9D4P"), (" 7KQ2MX9D4P ", "7KQ2MX9D4P"),
    ("OOIIL-00111", "0011100111"),  # O read as 0, I and L as 1: Crockford's base32
    ("7KQ2M-X9D4", None), ("7KQ2M-X9D4PP", None), ("7KQ2U-X9D4P", None), ("", None), ("<script>", None),
    ("７KQ2M-X9D4P", None),  # a full-width digit is not one of the ten characters
])
def test_keys_as_typed(typed, clean):
    assert keys.normalise(typed) == clean


def test_new_keys_are_random_readable_and_kept_only_as_a_digest():
    made = {keys.new_key() for _ in range(200)}
    assert len(made) == 200
    for key in made:
        assert len(key) == 11 and key[5] == "-" and keys.normalise(key) == key.replace("-", "")
        assert keys.digest(key) == keys.digest(key.lower()) != keys.digest(keys.new_key())
        assert key.replace("-", "") not in keys.digest(key)
