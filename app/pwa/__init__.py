"""Installable-app plumbing: manifest, service worker, device-only pages, health check."""

import os

from flask import Blueprint, current_app, jsonify, render_template

from app.extensions import db

bp = Blueprint("pwa", __name__)


@bp.record_once
def _register_assets(state) -> None:
    from app.pwa import assets, messages, routes

    assets.register(state.app)
    messages.register(state.app)
    routes.register(state.app)


@bp.get("/offline")
def offline():
    """The page shown when there is no signal and the page asked for is not on the device."""
    return render_template("pwa/offline.html")


@bp.get("/hop-thu-di")
def outbox():
    """Show what this device is waiting to send; the list itself lives on the device."""
    return render_template("pwa/outbox.html")


@bp.get("/ho-so-cua-toi")
def my_dossiers():
    """Show the dossiers this device sent or looked up, with their last known status."""
    return render_template("pwa/my_dossiers.html")


_OK = b'{"status":"ok"}\n'


@bp.get("/healthz")
def healthz():
    """Say whether the app can reach its database."""
    _ping_database()
    # The same bytes jsonify makes, made once: a probe asked many times a minute per server.
    return current_app.response_class(_OK, mimetype="application/json")


@bp.get("/readyz")
def readyz():
    """Say whether this server can take traffic: database and document store both reachable."""
    checks = {"database": _check(_ping_database),
              "documents": _check(_documents_reachable)}
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503


def _ping_database() -> None:
    """One round trip on a pooled connection, through the driver itself: a probe has no objects
    to track or rows to map, and the ORM session's opening and closing and SQLAlchemy's result
    handling were most of its cost. On PostgreSQL in autocommit: no transaction is opened, so
    the pool's rollback when it takes the connection back costs no second round trip."""
    connection = db.engine.raw_connection()
    try:
        driver = connection.driver_connection
        if getattr(driver, "autocommit", True) is False:  # psycopg; sqlite3 begins only for writes
            driver.autocommit = True
            try:
                _select_one(connection)
            finally:
                driver.autocommit = False
        else:
            _select_one(connection)
    finally:
        connection.close()


def _select_one(connection) -> None:
    cursor = connection.cursor()
    cursor.execute("SELECT 1")
    cursor.fetchall()
    cursor.close()


def _check(probe) -> str:
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", and why
        return type(exc).__name__
    return "ok"


def _documents_reachable() -> None:
    from app.services.files.blobs import store

    documents = store()
    root = getattr(documents, "root", None)
    if root is not None:  # a folder: it must exist (or be creatable) and be writable
        root.mkdir(parents=True, exist_ok=True)
        if not os.access(root, os.W_OK):
            raise PermissionError(str(root))
    documents.has("0" * 64)  # object storage: one HEAD request answers


from app.pwa import device, worker  # noqa: E402,F401  (owner cookie; manifest and service worker routes)
