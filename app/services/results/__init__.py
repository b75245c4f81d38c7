"""Signed electronic results (issue 14): PAdES signatures on PDF results, and their verification.

- `certificate`: the centre's key and certificate (configured files, or a self-signed demo pair
  made under instance/ on first use or by `flask signing-cert`).
- `signing`: sign one PDF with pyHanko, the dossier code in the signature's reason.
- `issuance`: sign every PDF result as the workflow attaches it (images stay unsigned).
- `verification`: judge an uploaded file for the public page /xac-thuc.
"""

from app.services.results.issuance import SigningFailed, is_signed, sign_results
from app.services.results.verification import Verdict, verify

__all__ = ["SigningFailed", "Verdict", "is_signed", "sign_results", "verify"]
