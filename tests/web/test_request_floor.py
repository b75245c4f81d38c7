"""Per-request work only where a route needs it (issue 13's floor): what each shortcut keeps.

The shortcuts are in app/extensions.py (the limiter's app-wide check), app/cookie_session.py
(no cookie, no signing work), app/web/sender.py (a lookup names no browser), app/security.py
(headers in one pass) and app/pwa (the probe's round trip). bench/floor.py measures them.
"""

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.extensions import check_limits_only_where_set, limiter


def _limiter_hooked(app) -> bool:
    return any(getattr(f, "__name__", "") == "_check_request_limit"
               for f in app.before_request_funcs.get(None, []))


def test_the_app_has_no_app_wide_limit_so_the_limiters_before_request_check_is_left_out(app):
    assert not _limiter_hooked(app)
    assert not limiter.limit_manager.default_limits and not limiter.limit_manager.application_limits


def test_a_limit_on_a_view_still_counts_without_that_check(app, client):
    app.config["TRACK_RATE_LIMIT"] = "3 per minute"
    body = {"code": "KHONG-CO-1", "secret": "0912345678"}
    statuses = [client.post("/api/v1/track", json=body).status_code for _ in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


def _app_with(**config) -> tuple[Flask, Limiter]:
    other = Flask("other")
    other.config.update(config)
    own = Limiter(key_func=get_remote_address, storage_uri="memory://")
    own.init_app(other)

    @other.get("/")
    def home():
        return "ok"

    check_limits_only_where_set(other, own)
    return other, own


def test_an_app_wide_limit_keeps_the_check_and_is_enforced():
    plain, _ = _app_with()
    assert not _limiter_hooked(plain)
    limited, _ = _app_with(RATELIMIT_DEFAULT="2 per minute")
    assert _limiter_hooked(limited)
    web = limited.test_client()
    assert [web.get("/").status_code for _ in range(3)] == [200, 200, 429]
    on_app, _ = _app_with(RATELIMIT_APPLICATION="1 per minute")
    assert _limiter_hooked(on_app)


def test_a_request_without_a_session_cookie_gets_none_and_a_signed_in_session_still_works(app, client):
    for path in ("/healthz", "/readyz", "/static/css/app.css"):
        assert "Set-Cookie" not in client.get(path).headers, path
    # A lookup is sent as POST only to keep the phone number out of the address: no cookie either.
    lookup = client.post("/api/v1/track", json={"code": "KHONG-CO-1", "secret": "0912345678"})
    assert lookup.status_code == 404 and "Set-Cookie" not in lookup.headers
    # A page that needs the session (the sign-in form's CSRF token) still gets a signed cookie,
    # and the next request reads it back: the same token is accepted.
    page = client.get("/dang-nhap")
    assert "session=" in page.headers.get("Set-Cookie", "")
    assert client.get_cookie("session") is not None


def test_a_write_still_names_the_browser_before_it_sends(app, client):
    answer = client.put("/api/v1/blobs/" + "0" * 64, data=b"x", content_type="application/octet-stream")
    assert answer.status_code < 500 and "session=" in answer.headers.get("Set-Cookie", "")


def test_a_forged_session_cookie_is_a_new_empty_session(app, client):
    client.set_cookie("session", "forged.value.here")
    answer = client.get("/dang-nhap")
    assert answer.status_code == 200
    assert client.get_cookie("session").value != "forged.value.here"  # replaced by a signed one


def test_headers_a_view_set_itself_are_kept_and_the_rest_added_once(app, client):
    worker = client.get("/sw.js")  # sets its own Cache-Control; a page's policy is added
    assert worker.headers.getlist("Cache-Control") == ["no-cache"]
    assert len(worker.headers.getlist("Content-Security-Policy")) == 1
    assert "script-src 'self'" in worker.headers["Content-Security-Policy"]
    page = client.get("/dang-nhap")
    for name in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "Referrer-Policy"):
        assert len(page.headers.getlist(name)) == 1, name
    assert page.headers["Cache-Control"] == "no-store" and "HX-Request" in page.headers["Vary"]
    style = client.get("/static/css/app.css")
    assert "no-store" not in style.headers.get("Cache-Control", "")  # it carries no one's data
    assert "X-Frame-Options" not in style.headers


def test_the_probe_answers_what_jsonify_would(app, client):
    answer = client.get("/healthz")
    with app.test_request_context():
        from flask import jsonify

        expected = jsonify(status="ok")
    assert answer.status_code == 200 and answer.data == expected.get_data()
    assert answer.mimetype == "application/json"
