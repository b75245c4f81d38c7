"""Headers every response carries, cookies, and the vendored htmx staying pinned."""

import hashlib
from pathlib import Path

from tests.helpers import make_procedure

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
