"""Redis unreachable (restarting, a cut) behind several app servers: the limits keep counting,
in each server's memory, and no page answers 500 (app/services/counters.py, app/extensions.py).

Before, every sign-in, reset request and tracking lookup answered 500 on every server while
Redis was away. Here the limiter's storage is swapped for a Redis on a port nobody listens on,
built with the options the app configures (wrap_exceptions is what lets the fallback see it).
"""

import socket

import pytest
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.extensions import limiter
from tests.helpers import csrf_token


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: nothing listens there


@pytest.fixture
def redis_down(app, monkeypatch):
    dead = storage_from_string(f"redis://127.0.0.1:{_closed_port()}/0", **limiter._storage_options)
    monkeypatch.setattr(limiter, "_storage", dead)
    monkeypatch.setattr(limiter, "_limiter", FixedWindowRateLimiter(dead))
    monkeypatch.setattr(limiter, "_storage_dead", False)
    yield dead
    limiter._fallback_storage.reset()  # the in-memory counts of this test stay with it


def test_signin_backs_off_in_memory_while_redis_is_down(app, client, redis_down):
    free = app.config["SIGNIN_FREE_ATTEMPTS"]
    statuses = []
    for _ in range(free + 1):
        token = csrf_token(client.get("/dang-nhap").get_data(as_text=True))
        statuses.append(client.post("/dang-nhap", data={
            "email": "khong-ai@motcua.test", "password": "sai", "csrf_token": token}).status_code)
    assert statuses == [401] * free + [429]


def test_tracking_limit_holds_in_memory_while_redis_is_down(app, client, redis_down):
    app.config["TRACK_RATE_LIMIT"] = "3 per minute"
    lookup = {"code": "H40-KHONG-CO", "secret": "0912345678"}
    statuses = [client.post("/api/v1/track", json=lookup).status_code for _ in range(4)]
    assert 500 not in statuses
    assert statuses[3] == 429 and 429 not in statuses[:3]


def test_reset_request_is_answered_while_redis_is_down(client, redis_down):
    token = csrf_token(client.get("/quen-mat-khau").get_data(as_text=True))
    answer = client.post("/quen-mat-khau", data={"login": "ai-do@motcua.test", "csrf_token": token})
    assert answer.status_code == 200
