"""Where a `next` parameter may send a person: only a path on this site.

Browsers are lenient with what follows the scheme: they drop tabs, CR and LF anywhere in a
URL and read a backslash as a slash, so `/\t/evil.example/` and `/\\evil.example` both
leave the site. We remove what the browser would remove, parse what is left the way the
browser will, and accept only a same-origin path.
"""

import re
from urllib.parse import urlsplit

# C0 controls, DEL and the C1 range; what the WHATWG URL parser strips or rejects.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_LENGTH = 2000


def safe_path(target: object) -> str | None:
    """Return `target` if it is a path on this site (with its query and fragment), else None."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return None
    if _CONTROL.search(target):
        # A browser would strip them and read the rest differently than we do: refuse.
        return None
    cleaned = target.replace("\\", "/")
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # e.g. an invalid IPv6 literal after the slashes
        return None
    if parts.scheme or parts.netloc:
        return None
    return target if cleaned == target else cleaned
