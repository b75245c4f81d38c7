"""Signed electronic results (issue 14): PAdES signatures on PDF results, and their verification.

- `certificate`: the centre's key and certificate (configured files, or a self-signed demo pair
  made under instance/ on first use or by `flask signing-cert`).
- `signing`: sign one PDF with pyHanko, the dossier code in the signature's reason.
- `stamp`: the visible stamp of that signature (QR code to /xac-thuc, signer, time, code, key).
- `keys`: the verification key printed on the stamp, kept only as a digest.
- `issuance`: sign every PDF result as the workflow attaches it (images stay unsigned), and
  record it (ResultSignature): only a recorded result is called signed.
- `verification`: judge an uploaded file for the public page /xac-thuc.
- `lookup`: find a signed result by its code and key, one answer for every miss.
- `backfill`: record results signed before signatures were recorded (`flask results-record`).
"""

from app.services.results.issuance import SigningFailed, is_signed, sign_results
from app.services.results.verification import Verdict, verify

__all__ = ["SigningFailed", "Verdict", "is_signed", "sign_results", "verify"]
