"""Installable-app plumbing: manifest, service worker, offline page, health check."""

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory

from app.extensions import db

bp = Blueprint("pwa", __name__)


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker from the root so its scope is the whole site."""
    folder = current_app.root_path.rsplit("/", 1)[0] + "/service_worker"
    response = send_from_directory(folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    """The page shown when there is no signal and the page asked for is not on the device."""
    return render_template("pwa/offline.html")


@bp.get("/healthz")
def healthz():
    """Say whether the app can reach its database."""
    db.session.execute(db.text("SELECT 1"))
    return jsonify(status="ok")
