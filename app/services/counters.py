"""The counters the app keeps itself (the sign-in back-off, the reset quota), on the limiter's storage.

That storage is Redis when several app servers run (REDIS_URL), so every server sees the same
counts. When Redis does not answer (restarting, a network cut), each server counts in its own
memory instead and asks Redis again RETRY seconds later: for that while a limit holds per
server rather than across them, and no request fails because of it (before, every sign-in
answered 500 on every server). Flask-Limiter does the same for the limits it applies itself
(`in_memory_fallback_enabled`, app/extensions.py).
"""

from __future__ import annotations

import logging
import threading
import time

from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage

from app.extensions import limiter

RETRY = 5.0  # seconds before an unreachable storage is asked again
log = logging.getLogger(__name__)


class Fallback(Storage):
    """`shared` while it answers; this process's memory while it does not."""

    def __init__(self, shared: Storage):
        super().__init__()
        self.shared, self.local = shared, MemoryStorage()
        self.down_until = 0.0
        self.lock = threading.Lock()

    @property
    def base_exceptions(self):
        return ()  # nothing to wrap: errors of the shared storage are handled in _call

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() >= self.down_until:
            try:
                return getattr(self.shared, name)(*args, **kwargs)
            except (StorageError, OSError) as exc:
                with self.lock:
                    self.down_until = time.monotonic() + RETRY
                log.warning("rate-limit storage unreachable (%s); counting in this process for %ss",
                            exc, RETRY)
        return getattr(self.local, name)(*args, **kwargs)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount=amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def clear(self, key: str) -> None:
        return self._call("clear", key)

    def check(self) -> bool:
        return self._call("check")

    def reset(self) -> int | None:
        return self._call("reset")


_current: Fallback | None = None


def storage() -> Fallback | None:
    """The limiter's storage with the fallback (None when rate limiting is switched off)."""
    global _current
    if not limiter.enabled:  # RATELIMIT_ENABLED=False: the limiter then has no storage
        return None
    shared = limiter.storage
    if _current is None or _current.shared is not shared:  # a new app (tests) has a new storage
        _current = Fallback(shared)
    return _current


def hit(item, *identifiers: str) -> bool:
    """Count one hit of the limit `item` (limits' RateLimitItem); False once it is used up."""
    counted = storage()
    return True if counted is None else type(limiter.limiter)(counted).hit(item, *identifiers)
