"""Signed results: pyHanko signs a PDF for a dossier, and its own validation judges what comes back."""

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from app.services.results import certificate, verification
from app.services.results.signing import Unsignable, code_in, rebuild_xref, sign_pdf
from app.services.results.verification import verify
from tests.factories import jpeg_bytes, pdf_bytes
from tests.results_helpers import flip, result_pdf

CODE = "000.00.00.H40-261201-0007"


@pytest.fixture
def signed(ctx):
    return sign_pdf(result_pdf(), CODE)


def test_signed_pdf_verifies_with_the_centre_the_time_and_the_code(ctx, signed):
    original = result_pdf()
    assert signed.startswith(original) and len(signed) > len(original)  # an incremental update
    verdict = verify(signed)
    assert verdict.state == verification.VALID and verdict.ok
    assert verdict.signer == ctx.config["CENTRE_NAME"] and verdict.code == CODE
    assert abs(verdict.signed_at - datetime.now(UTC)) < timedelta(minutes=2)
    assert verdict.signatures == 1 and verdict.issued is False  # signed here, never attached to a dossier


@pytest.mark.parametrize("where", ["content", "signed_attributes", "cross_reference", "trailer"])
def test_one_byte_changed_anywhere_is_never_valid(ctx, signed, where):
    contents = signed.index(b"/Contents <") + len(b"/Contents <")
    at = {"content": len(result_pdf()) // 2,  # the page itself
          "signed_attributes": contents + 400,  # inside the CMS blob
          "cross_reference": signed.rindex(b"xref") + 12,
          "trailer": len(signed) - 30}[where]
    assert verify(flip(signed, at)).state == verification.TAMPERED


def test_a_byte_changed_anywhere_in_the_file_is_never_valid(ctx, signed):
    # Every 89th byte of the whole file, the signature container included: each change alone
    # breaks it (the first byte makes it no PDF at all).
    for at in range(0, len(signed), 89):
        assert verify(flip(signed, at)).state in (verification.TAMPERED, verification.NOT_PDF), at


def test_content_added_after_signing_is_told_apart(ctx, signed):
    verdict = verify(signed + b"\n% added later\n")
    assert verdict.state == verification.CHANGED_AFTER and verdict.code == CODE


def test_signed_by_someone_else_is_not_the_centre(ctx, tmp_path):
    ours = dict(ctx.config)
    ctx.config.update(RESULT_SIGNING_KEY=str(tmp_path / "k.pem"), RESULT_SIGNING_CERT=str(tmp_path / "c.pem"),
                      CENTRE_NAME="Một cơ quan khác")
    other = sign_pdf(result_pdf(), CODE)
    ctx.config.update(ours)
    verdict = verify(other)
    assert verdict.state == verification.FOREIGN and verdict.signer == "Một cơ quan khác"
    assert verdict.code is None  # another signer's words are not repeated as a dossier of ours


def test_a_pdf_signed_before_keeps_that_signature_and_gets_ours(ctx, signed):
    again = sign_pdf(signed, "000.00.00.H40-261201-0008")
    verdict = verify(again)
    assert verdict.ok and verdict.signatures == 2 and verdict.code == "000.00.00.H40-261201-0008"


def test_unsigned_pdf(ctx):
    assert verify(result_pdf()).state == verification.UNSIGNED
    assert verify(pdf_bytes("quet")).state == verification.UNSIGNED  # no xref, as some scanners write


@pytest.mark.parametrize("data", [jpeg_bytes(), b"hello", b"\x00" * 2048, "Kết quả".encode(),
                                  b"<html>%PDF-1.4</html>"[:4]])
def test_not_a_pdf(ctx, data):
    assert verify(data).state == verification.NOT_PDF


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n" + os.urandom(4096), b"%PDF-1.4\n%%EOF\n",
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 9 0 R>>endobj\ntrailer<</Root 1 0 R>>"])
def test_garbage_that_starts_like_a_pdf_is_unreadable_or_unsigned(ctx, data):
    assert verify(data).state in (verification.UNREADABLE, verification.UNSIGNED)


def test_truncated_signed_file_is_not_valid(ctx, signed):
    assert verify(signed[:-200]).state == verification.TAMPERED
    # Cut inside the signature: what is left is the unsigned original and some junk.
    assert verify(signed[: len(signed) // 2]).state in (verification.TAMPERED, verification.UNSIGNED,
                                                       verification.UNREADABLE)


def test_a_pdf_without_cross_reference_is_rebuilt_and_signed(ctx):
    scanned = pdf_bytes("ban quet")
    assert b"startxref" not in scanned
    assert rebuild_xref(scanned).startswith(scanned)
    verdict = verify(sign_pdf(scanned, CODE))
    assert verdict.ok and verdict.code == CODE


def test_a_pdf_that_cannot_be_read_is_not_signed(ctx):
    with pytest.raises(Unsignable):
        sign_pdf(b"%PDF-1.4\nnothing here\n%%EOF\n", CODE)


def test_code_is_read_only_from_our_reason():
    assert code_in(f"Kết quả giải quyết hồ sơ {CODE}") == CODE
    assert code_in(f"Approved {CODE}") is None and code_in(None) is None
    assert code_in("Kết quả giải quyết hồ sơ <script>") is None


def test_demo_pair_is_made_once_private_and_only_when_allowed(ctx, tmp_path):
    key, cert = tmp_path / "s" / "key.pem", tmp_path / "s" / "cert.pem"
    ctx.config.update(RESULT_SIGNING_KEY=str(key), RESULT_SIGNING_CERT=str(cert), RESULT_SIGNING_DEMO=True)
    first = certificate.credentials()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert certificate.credentials().fingerprint == first.fingerprint  # kept, not made again
    assert certificate.make_demo_pair(key, cert, "x") is False
    native = first.cert.subject.native
    assert native["organizational_unit_name"] == certificate.DEMO_UNIT[:64]

    # A configured key that is missing: no demo pair is made in its place.
    ctx.config.update(RESULT_SIGNING_KEY=str(tmp_path / "none.pem"),
                      RESULT_SIGNING_CERT=str(tmp_path / "c.pem"), RESULT_SIGNING_DEMO=False)
    with pytest.raises(certificate.SigningUnavailable):
        certificate.credentials()
    assert not (tmp_path / "none.pem").exists()
    assert verify(result_pdf()).state == verification.UNAVAILABLE


def test_a_pkcs12_bundle_is_used_as_the_key(ctx, tmp_path):
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        load_pem_private_key,
        pkcs12,
    )
    from cryptography.x509 import load_pem_x509_certificate

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    certificate.make_demo_pair(key, cert, "Trung tâm thử PKCS#12")
    bundle = pkcs12.serialize_key_and_certificates(
        b"centre", load_pem_private_key(key.read_bytes(), None), load_pem_x509_certificate(cert.read_bytes()),
        None, BestAvailableEncryption(b"mat-khau"))
    (tmp_path / "centre.p12").write_bytes(bundle)
    ctx.config.update(RESULT_SIGNING_KEY=str(tmp_path / "centre.p12"),
                      RESULT_SIGNING_CERT=str(tmp_path / "none"), RESULT_SIGNING_PASSWORD="mat-khau",
                      RESULT_SIGNING_DEMO=False)
    verdict = verify(sign_pdf(result_pdf(), CODE))
    assert verdict.ok and verdict.signer == "Trung tâm thử PKCS#12"


def test_results_signed_with_an_earlier_certificate_stay_the_centres(ctx, tmp_path):
    ours = dict(ctx.config)
    old_key, old_cert = tmp_path / "old-key.pem", tmp_path / "old-cert.pem"
    ctx.config.update(RESULT_SIGNING_KEY=str(old_key), RESULT_SIGNING_CERT=str(old_cert))
    signed_before = sign_pdf(result_pdf(), CODE)
    ctx.config.update(ours)  # the certificate was renewed
    assert verify(signed_before).state == verification.FOREIGN
    ctx.config["RESULT_SIGNING_PREVIOUS"] = str(old_cert)
    verdict = verify(signed_before)
    assert verdict.ok and verdict.code == CODE
    assert verify(flip(signed_before, 300)).state == verification.TAMPERED
    ctx.config["RESULT_SIGNING_PREVIOUS"] = str(tmp_path / "gone.pem")
    assert verify(signed_before).state == verification.UNAVAILABLE
