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


def register(app: Flask) -> None:
    @app.after_request
    def headers(response):
        document = response.mimetype == "text/html" or request.endpoint == "pwa.service_worker"
        response.headers.setdefault("Content-Security-Policy", CSP if document else INERT)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if document:
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Permissions-Policy", "geolocation=(), microphone=()")
        if response.mimetype == "text/html":
            response.headers.add("Vary", "HX-Request")
        if _may_carry_personal_data(response):
            # Pages, API answers and downloads can carry personal data: never let a cache keep them.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _may_carry_personal_data(response) -> bool:
    return (response.mimetype == "text/html" or request.path.startswith("/api/")
            or "attachment" in response.headers.get("Content-Disposition", ""))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers work while one request writes; foreign keys are off by default."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
