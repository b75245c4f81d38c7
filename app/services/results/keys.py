"""The verification key printed on a signed result beside its QR code.

Ten characters of Crockford's base32 (50 random bits), shown as two groups of five
(`7KQ2M-X9D4P`): no I, L, O or U, so nothing reads as another letter aloud or on paper, and
a typed O is taken as 0, I or L as 1. The key is made when the result is signed, printed in
the signed stamp, and kept only as a digest on the document (like a password, minus the
stretching: 50 random bits and a rate limit leave nothing to guess). It is random rather
than derived from SECRET_KEY so that paper printed years ago still checks after a secret is
rotated.
"""

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
SAME = str.maketrans({"O": "0", "I": "1", "L": "1"})
# What a wrong key is compared with when no signed result has the code: the same work is done.
NOBODY = hashlib.sha256(b"mot-cua result key: nobody").hexdigest()


def new_key() -> str:
    """A fresh key, formatted for reading aloud."""
    return shown("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def shown(key: str) -> str:
    return f"{key[:5]}-{key[5:]}"


def normalise(text: str) -> str | None:
    """The key as typed (any case, spaces or dashes, O for 0), or None if it cannot be one."""
    bare = "".join(text.split()).replace("-", "").upper().translate(SAME)
    if len(bare) != LENGTH or any(c not in ALPHABET for c in bare):
        return None
    return bare


def digest(key: str) -> str:
    """What is kept of a key: its SHA-256 over the normalised characters."""
    bare = normalise(key)
    if bare is None:
        raise ValueError("not a verification key")
    return hashlib.sha256(f"mot-cua result key:{bare}".encode()).hexdigest()
