"""Passwords: Argon2id hashing, and the one rule every new password meets, wherever it is set.

The rule (`problem`): 10 to 128 characters, not a common password, not built from the login.
Common means in Django's list of the 19,640 most common passwords (app/data/common-passwords.txt.gz,
see its LICENSE file beside it) or in a short list of our own with Vietnamese ones and this
service's words (app/data/common-passwords-vi.txt). Both are compared folded (lower case, no
diacritics, no spaces or separators), whole and without trailing digits and symbols, so
"Anh yêu em 2024!" is refused with "anhyeuem".

Text is normalised (NFKC) before hashing, so the same password typed on a keyboard that
composes Vietnamese letters and on one that does not is the same password.
"""

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from flask_babel import gettext as _

from app.lib.text import fold

MIN_LENGTH = 10
MAX_LENGTH = 128  # OWASP ASVS 2.1.2: at least 64 allowed, more than 128 refused
DATA = Path(__file__).resolve().parents[2] / "data"
_SEPARATORS = re.compile(r"[\s._\-]+")
_TRAILING = re.compile(r"[\d\W_]+$")

_hasher = PasswordHasher()


def _normal(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """Return the Argon2id hash of the (normalised) password."""
    return _hasher.hash(_normal(password))


def verify_password(stored: str, password: str) -> bool:
    """Say whether `password` matches; also as typed, for hashes made before normalising."""
    for candidate in dict.fromkeys([_normal(password), password]):
        try:
            if _hasher.verify(stored, candidate):
                return True
        except (VerifyMismatchError, InvalidHashError):
            continue
    return False


@cache
def common_passwords() -> frozenset[str]:
    """Return the common passwords, folded (read once per process)."""
    general = gzip.decompress((DATA / "common-passwords.txt.gz").read_bytes()).decode("utf-8").split("\n")
    ours = (DATA / "common-passwords-vi.txt").read_text(encoding="utf-8").split("\n")
    return frozenset(_SEPARATORS.sub("", fold(w)) for w in general + ours
                     if w.strip() and not w.startswith("#"))


def is_common(password: str) -> bool:
    """Say whether the password is a common one, or a common one with digits or symbols added."""
    compact = _SEPARATORS.sub("", fold(_normal(password)))
    stem = _TRAILING.sub("", compact)
    return compact in common_passwords() or (bool(stem) and stem in common_passwords())


def _from_login(password: str, login: str) -> bool:
    compact = _SEPARATORS.sub("", fold(_normal(password)))
    login = fold(login or "")
    parts = [login.partition("@")[0]] if "@" in login else [re.sub(r"\D", "", login)[-9:]]
    return any(len(p) >= 4 and _SEPARATORS.sub("", p) in compact for p in parts)


def problem(password: str, login: str = "") -> str | None:
    """Return what is wrong with a new password (in the reader's language), or None if it will do."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Mật khẩu dài quá %(n)s ký tự.", n=MAX_LENGTH)
    if _from_login(password, login):
        return _("Mật khẩu không được chứa email hoặc số điện thoại đăng nhập.")
    if is_common(password) or len(set(password)) < 4:
        return _("Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác, "
                 "ví dụ một câu ngắn dễ nhớ.")
    return None
