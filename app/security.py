"""Security headers on every response, and the SQLite pragmas we rely on."""

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; worker-src 'self'; manifest-src 'self'"
)


# For everything that is not a page or the service worker (styles, scripts, images, JSON): a
# browser applies a CSP only to documents and workers, so these need just enough to stay
# inert if opened on their own (an SVG or a JSON answer in a tab). 35 bytes instead of 270
# on each of a form's 18 first-visit requests, on a phone's 3G link.
INERT = "default-src 'none'; frame-ancestors 'none'"


# Set on every answer unless the view set its own: pages and the service worker get the full set.
_EVERY = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))
DOCUMENT_HEADERS = (("Content-Security-Policy", CSP), *_EVERY, ("X-Frame-Options", "DENY"),
                    ("Permissions-Policy", "geolocation=(), microphone=()"))
OTHER_HEADERS = (("Content-Security-Policy", INERT), *_EVERY)
NO_STORE = ("Cache-Control", "no-store")


def register(app: Flask) -> None:
    @app.after_request
    def headers(response):
        # One look at what the view set, then appends: werkzeug answers each lookup of a header
        # that is absent by raising (and catching) an exception, six of them on every request.
        have = {name.lower() for name in response.headers.keys()}
        html = response.mimetype == "text/html"
        document = html or request.endpoint == "pwa.service_worker"
        extra = [*(DOCUMENT_HEADERS if document else OTHER_HEADERS)]
        if _may_carry_personal_data(response, html, have):
            # Pages, API answers and downloads can carry personal data: never let a cache keep them.
            extra.append(NO_STORE)
        for name, value in extra:
            if name.lower() not in have:
                response.headers.add(name, value)
        if html:
            response.headers.add("Vary", "HX-Request")
        return response


def _may_carry_personal_data(response, html: bool, have: set[str]) -> bool:
    return (html or request.path.startswith("/api/") or (
        "content-disposition" in have and "attachment" in response.headers["Content-Disposition"]))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers work while one request writes; foreign keys are off by default."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
