"""Installable-app plumbing: manifest, service worker, device-only pages, health check."""

from flask import Blueprint, jsonify, render_template

from app.extensions import db

bp = Blueprint("pwa", __name__)


@bp.record_once
def _register_assets(state) -> None:
    from app.pwa import assets, messages

    assets.register(state.app)
    messages.register(state.app)


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


@bp.get("/healthz")
def healthz():
    """Say whether the app can reach its database."""
    db.session.execute(db.text("SELECT 1"))
    return jsonify(status="ok")


from app.pwa import worker  # noqa: E402,F401  (manifest and service worker routes)
