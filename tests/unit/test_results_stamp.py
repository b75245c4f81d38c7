"""The stamp on a signed result: a QR code to /xac-thuc with the code and key, and the words
beside it; drawn inside the signed revision, so pyHanko's own validation still holds it valid."""

import io
import re
from datetime import UTC, datetime

import pytest
from fpdf import FPDF
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from app.services.results import certificate, keys, verification
from app.services.results.signing import run_sync, sign_pdf
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
    # run_sync: pyHanko's plain validate_pdf_signature calls asyncio.run(), which refuses to run
    # while the browser tests' Playwright loop runs in this thread (the whole suite, in CI).
    status = run_sync(async_validate_pdf_signature(sig, context))
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


def _pages(last_format, rotate: int = 0) -> bytes:
    """Three pages (two A4, the last as asked), each with its text; the last maybe turned."""
    pdf = FPDF(unit="pt")
    for n in range(3):
        pdf.add_page(format="A4" if n < 2 else last_format)
        pdf.set_font("helvetica", size=12)
        pdf.cell(text=f"trang {n + 1}")
    if not rotate:
        return bytes(pdf.output())
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(bytes(pdf.output())))
    writer.pages[-1].rotate(rotate)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


SAFE = 15 * 72 / 25.4  # 15 mm in points: printers clip near the edge


@pytest.mark.parametrize(("last_format", "rotate", "shown"), [
    ((420, 595), 0, (420, 595)),  # A5, in points
    ((842, 595), 0, (842, 595)),  # A4 landscape
    ((595, 842), 90, (842, 595)),  # A4 turned by /Rotate: the new page is as the last one shows
])
def test_the_stamp_has_a_page_of_its_own_after_the_last_covering_nothing(ctx, last_format, rotate, shown):
    """The last page keeps the director's signature and seal: the stamp goes on a page after it."""
    original = _pages(last_format, rotate)
    stamped = sign_pdf(original, CODE, KEY)
    before, after = PdfReader(io.BytesIO(original)), PdfReader(io.BytesIO(stamped))
    assert len(after.pages) == len(before.pages) + 1
    for old, new in zip(before.pages, after.pages, strict=False):  # the result's pages, untouched
        assert new.get_contents().get_data() == old.get_contents().get_data()
        assert "/Annots" not in new and new.mediabox == old.mediabox and new.rotation == old.rotation
    page = after.pages[-1]
    width, height = (float(v) for v in page.mediabox[2:])
    assert (round(width), round(height)) == shown and page.rotation == 0
    x0, y0, x1, y1 = (float(v) for v in signature_widget(stamped)["/Rect"])
    assert SAFE <= x0 < x1 <= width - SAFE and SAFE <= y0 < y1 <= height - SAFE
    assert y1 - y0 >= 80 and x1 - x0 >= 300  # big enough to scan and to read on paper
    words = " ".join(page.extract_text().split())
    assert words.startswith("Trang xác thực chữ ký số")
    assert f"được ký số bởi {ctx.config['CENTRE_NAME']}. Quét mã QR hoặc vào" in words
    assert verify(stamped).ok


def test_a_last_page_too_small_for_the_stamp_gets_a_stamp_page_big_enough(ctx):
    stamped = sign_pdf(_pages((200, 150)), CODE, KEY)
    page = PdfReader(io.BytesIO(stamped)).pages[-1]
    width, height = (float(v) for v in page.mediabox[2:])
    x0, y0, x1, y1 = (float(v) for v in signature_widget(stamped)["/Rect"])
    assert SAFE <= x0 < x1 <= width - SAFE and SAFE <= y0 < y1 <= height - SAFE
    assert x1 - x0 >= 300 and verify(stamped).ok


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
    at = stamped.index(b"/ByteRange") + 4  # the signature's own name broken: still tampering
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
    assert len(PdfReader(io.BytesIO(unstamped)).pages) == 1  # no page added without a stamp
    again = sign_pdf(unstamped, "000.00.00.H40-261201-0008", KEY)
    assert verify(again).signatures == 2 and verify(again).ok


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
