"""Headers every response carries, cookies, and the vendored htmx staying pinned."""

import hashlib
from pathlib import Path

from tests.factories import make_procedure

ROOT = Path(__file__).resolve().parents[2]


def test_strict_csp_and_friends_on_pages(client, ctx):
    make_procedure()
    response = client.get("/thu-tuc/2.001417/nop")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " onclick=" not in html and " style=" not in html


def test_session_cookie_is_httponly_and_samesite(client, ctx):
    make_procedure()
    response = client.get("/thu-tuc/2.001417/nop")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_htmx_is_vendored_and_pinned():
    sums = (ROOT / "static/vendor/SHA256SUMS").read_text().split()
    digest, name = sums[0], sums[1]
    assert name == "static/vendor/htmx-2.0.11.min.js"
    assert hashlib.sha256((ROOT / name).read_bytes()).hexdigest() == digest
    assert "htmx-2.0.11.min.js" in (ROOT / "templates/base.html").read_text()


def test_no_secret_key_in_the_repository():
    config = (ROOT / "app/config.py").read_text()
    assert "SECRET_KEY = os.environ" not in config or "secret_key" in config
    assert not (ROOT / "instance").exists() or "instance/" in (ROOT / ".gitignore").read_text()


def _client_address_seen(trusted_proxies: int) -> str:
    """The address the rate limiter keys on, for a request that came through one proxy."""
    from flask_limiter.util import get_remote_address

    from app import create_app
    from app.config import TestConfig

    class Config(TestConfig):
        TRUSTED_PROXIES = trusted_proxies

    app = create_app(Config)
    app.add_url_rule("/_seen", "seen", get_remote_address)
    response = app.test_client().get("/_seen", headers={"X-Forwarded-For": "203.0.113.7"},
                                     environ_base={"REMOTE_ADDR": "10.0.0.2"})
    return response.get_data(as_text=True)


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted():
    # Directly exposed, a forged X-Forwarded-For must not buy a fresh rate-limit bucket.
    assert _client_address_seen(0) == "10.0.0.2"
    # Behind one trusted proxy, the limiter keys on the real client, not on the proxy.
    assert _client_address_seen(1) == "203.0.113.7"


def test_the_full_policy_goes_to_pages_and_the_service_worker_an_inert_one_elsewhere(client, ctx):
    make_procedure()
    for path in ("/thu-tuc/2.001417/nop", "/sw.js"):
        response = client.get(path)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], path
    for path in ("/static/css/app.css", "/manifest.webmanifest", "/api/v1/procedures"):
        response = client.get(path)
        assert response.status_code == 200, path
        # Opened on its own in a tab, it can run nothing and load nothing.
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
