"""Sign-in throttling per account and per client, on the app's Flask-Limiter storage.

Only failed attempts count, so an officer who types the password right is never slowed;
the storage is the limiter's (Redis when several app servers run), so the count is shared.
"""

import math
import time

from flask import current_app
from limits import parse_many

from app.extensions import limiter


def _keys(email: str, client: str) -> list[str]:
    return [f"signin/account/{email.strip().lower()}", f"signin/client/{client}"]


def _items():
    # RATELIMIT_ENABLED=False switches this off too (the limiter then has no storage).
    return parse_many(current_app.config["SIGNIN_RATE_LIMIT"]) if limiter.enabled else []


def blocked_for(email: str, client: str) -> int:
    """Return how many seconds sign-in stays closed for this account or client (0: open)."""
    wait = 0
    for item in _items():
        for key in _keys(email, client):
            if not limiter.limiter.test(item, key):
                reset = limiter.limiter.get_window_stats(item, key).reset_time
                wait = max(wait, math.ceil(reset - time.time()), 1)
    return wait


def record_failure(email: str, client: str) -> None:
    """Count one failed attempt against both the account and the client."""
    for item in _items():
        for key in _keys(email, client):
            limiter.limiter.hit(item, key)
