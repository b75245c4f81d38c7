"""This browser as the sender of a write: a random name in its session, and what a replay shows it.

A replay under a known Idempotency-Key may show the dossier (code, receipt link, status)
only to whoever sent it (services/idempotency.py). An account is not enough: most people
send without one. So the session carries a random name, and each dossier keeps the digest
of the name of the browser that sent it (`Dossier.sent_from`). The name is given before the
first write wherever we can (the first answer that sets the session cookie anyway, each file
upload), so a replay after a lost answer, or the losers of two tabs racing with one key,
still carry it. (Not services/dossiers/device.py: that tags what a shared phone keeps per account.)
"""

import hashlib
import hmac
import secrets

from flask import request, session
from flask_login import current_user

from app.models import Dossier
from app.services.accounts.core import can_see
from app.services.files import claims

KEY = "sender"
# Sent as POST only to keep the phone or ID number out of addresses and logs: they write
# nothing, so they need no name (and giving one signed a new session cookie on each).
LOOKUPS = frozenset({"api.track"})


def name(*, give: bool = True) -> str:
    """Return the digest of this browser's name ("" if it has none and `give` is False)."""
    value = session.get(KEY)
    if not isinstance(value, str) or len(value) != 32:
        if not give:
            return ""
        value = session[KEY] = secrets.token_hex(16)
    return hashlib.sha256(value.encode()).hexdigest()


def holders(*, give: bool = True) -> list[str]:
    """Who this browser's uploads are held for (services/files/claims.py): its name, and the account
    signed in, so a file sent while signed in counts from its other sessions too."""
    mine = [held for held in (name(give=give),) if held]
    if current_user.is_authenticated:
        mine.append(claims.account(current_user.id))
    return mine


def may_see(dossier: Dossier) -> bool:
    """True if this browser sent the dossier or opened it before, or its account may see it."""
    sent_here = bool(dossier.sent_from) and hmac.compare_digest(dossier.sent_from, name(give=False))
    return sent_here or dossier.id in session.get("seen", []) or can_see(current_user, dossier)


def name_this_browser(response):
    """Name the browser before it sends a dossier: on any API write (its files go first), or
    on any answer to a browser that already has a session (the apply form's CSRF token)."""
    # `in` and truth do not mark the session accessed: other answers get no Vary: Cookie.
    writes = (request.method in ("POST", "PUT") and request.path.startswith("/api/")
              and request.endpoint not in LOOKUPS)
    if ((writes or session) and KEY not in session and request.endpoint != "static"
            and response.status_code < 500):
        name()
    return response
