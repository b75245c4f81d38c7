"""Sign-in and password-reset throttling per account and per client, on Flask-Limiter's storage.

For sign-in only failed attempts count, so an officer who types the password right is never
slowed; every reset request counts, since the answer must not say whether it "failed". The
storage is the limiter's (Redis when several app servers run), so the count is shared.
"""

import math
import time

from flask import current_app
from limits import parse_many

from app.extensions import limiter

# action -> the config key of its limit (app/config.py).
LIMITS = {"signin": "SIGNIN_RATE_LIMIT", "reset": "RESET_RATE_LIMIT"}


def _keys(email: str, client: str, action: str) -> list[str]:
    return [f"{action}/account/{email.strip().lower()}", f"{action}/client/{client}"]


def _items(action: str):
    # RATELIMIT_ENABLED=False switches this off too (the limiter then has no storage).
    return parse_many(current_app.config[LIMITS[action]]) if limiter.enabled else []


def blocked_for(email: str, client: str, action: str = "signin") -> int:
    """Return how many seconds `action` stays closed for this account or client (0: open)."""
    wait = 0
    for item in _items(action):
        for key in _keys(email, client, action):
            if not limiter.limiter.test(item, key):
                reset = limiter.limiter.get_window_stats(item, key).reset_time
                wait = max(wait, math.ceil(reset - time.time()), 1)
    return wait


def record_failure(email: str, client: str, action: str = "signin") -> None:
    """Count one attempt (for sign-in, a failed one) against both the account and the client."""
    for item in _items(action):
        for key in _keys(email, client, action):
            limiter.limiter.hit(item, key)
