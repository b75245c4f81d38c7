"""Sign-in and password-reset throttling: back-off per account-and-client pair and per client.

A limit on an account alone would let anyone lock an officer out by typing wrong passwords
for their address from elsewhere. Here what counts is one client's attempts on one account,
and one client's attempts on any account: the hammering address slows down, the officer's
does not. The first attempts are free; after them each one more waits twice as long as the
one before (30 s, 1 min, 2 min, ... 15 min at most), and the count is forgotten an hour
after it started.

For sign-in only failed attempts count, and a right password clears its own pair; every
reset request counts, since the answer must not say whether it "failed". The storage is
Flask-Limiter's (Redis when several app servers run), so every server sees the same counts.
"""

import math
import time
from datetime import timedelta

from flask import current_app
from flask_babel import ngettext

from app.lib.time import to_local, utcnow
from app.services import counters

FIRST_WAIT = 30  # seconds, after the last free attempt
MAX_WAIT = 15 * 60
FORGET_AFTER = 60 * 60

# action -> config keys: (free attempts on one account from one client, free attempts per client)
FREE = {"signin": ("SIGNIN_FREE_ATTEMPTS", "SIGNIN_CLIENT_FREE_ATTEMPTS"),
        "reset": ("RESET_FREE_ATTEMPTS", "RESET_CLIENT_FREE_ATTEMPTS")}


def _counters(login: str, client: str, action: str) -> list[tuple[str, int]]:
    pair_free, client_free = (current_app.config[key] for key in FREE[action])
    return [(f"{action}/pair/{client}/{login}", pair_free), (f"{action}/client/{client}", client_free)]


def _storage():
    # RATELIMIT_ENABLED=False switches this off too (None); memory while Redis does not answer.
    return counters.storage()


def wait_after(attempts: int, free: int) -> int:
    """Return the seconds to wait after `attempts` counted attempts when `free` of them are free."""
    if attempts < free:
        return 0
    return min(MAX_WAIT, FIRST_WAIT * 2 ** min(attempts - free, 16))


def blocked_for(login: str, client: str, action: str = "signin") -> int:
    """Return how many seconds this client must still wait before trying `login` (0: go ahead)."""
    storage = _storage()
    if storage is None:
        return 0
    wait = 0.0
    for key, _free in _counters(login, client, action):
        if count := storage.get(key):
            wait = max(wait, storage.get_expiry(f"{key}/wait/{count}") - time.time())
    return math.ceil(wait) if wait > 0 else 0


def record(login: str, client: str, action: str = "signin") -> None:
    """Count one attempt (for sign-in, a failed one) for the pair and for the client."""
    storage = _storage()
    if storage is None:
        return
    for key, free in _counters(login, client, action):
        count = storage.incr(key, FORGET_AFTER)
        if wait := wait_after(count, free):
            # A key per count, so each wait starts now and expires on its own.
            storage.incr(f"{key}/wait/{count}", wait)


def forget_pair(login: str, client: str, action: str = "signin") -> None:
    """The right password from this client: its earlier mistakes on this account stop counting."""
    if (storage := _storage()) is not None:
        storage.clear(_counters(login, client, action)[0][0])


def when(wait: int) -> str:
    """Say in words when to try again: "30 giây", or "4 phút (lúc 14:36)" in Vietnam time."""
    # ngettext: Vietnamese has one form, English two ("1 second", "30 seconds").
    if wait < 60:
        return ngettext("%(num)s giây", "%(num)s giây", wait)
    at = to_local(utcnow() + timedelta(seconds=wait)).strftime("%H:%M")
    minutes = math.ceil(wait / 60)
    return ngettext("%(num)s phút (lúc %(time)s)", "%(num)s phút (lúc %(time)s)", minutes, time=at)
