"""The web app manifest and the service worker, with the list of files it keeps offline."""

import hashlib
import json
from pathlib import Path

from flask import current_app, jsonify, url_for
from flask_babel import gettext as _

from app.pwa import bp
from app.pwa.routes import worker_routes

SOURCE = Path(__file__).resolve().parents[2] / "service_worker" / "sw.js"
# Static files of the app shell; our JS modules are added from static/js/.
SHELL_FILES = ["css/app.css", "vendor/htmx-2.0.11.min.js", "icons/icon.svg",
               "icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-512.png"]
THEME, BACKGROUND = "#0b5394", "#f5f7fa"


def shell_urls() -> list[str]:
    """Every URL the service worker stores when it installs (hashed static URLs included)."""
    folder = Path(current_app.static_folder)
    modules = sorted(p.relative_to(folder).as_posix() for p in (folder / "js").glob("*.js"))
    files = [url_for("static", filename=f) for f in SHELL_FILES + modules]
    pages = [url_for("citizen.home"), url_for("pwa.offline"), url_for("pwa.outbox"),
             url_for("pwa.my_dossiers"), url_for("pwa.manifest")]
    return files + pages


def build() -> dict:
    """Describe this build for the worker; its version changes whenever any shell file does."""
    precache, routes = shell_urls(), worker_routes()
    source = SOURCE.read_bytes()
    seed = json.dumps([precache, routes, current_app.config.get("PWA_BUILD", "")]).encode()
    return {"version": hashlib.sha256(source + seed).hexdigest()[:12], "precache": precache, "routes": routes}


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker from the root (scope: the whole site), never from a cache.

    The build description is prepended to the source, so a deploy that changes any shell
    file changes these bytes too, and browsers then install the new worker.
    """
    body = f"const BUILD = {json.dumps(build())};\n".encode() + SOURCE.read_bytes()
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """Describe the installable app: Vietnamese names, colours and icons."""
    def icon(name: str, size: int, purpose: str = "any") -> dict:
        return {"src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}",
                "type": "image/png", "purpose": purpose}

    body = {
        "id": "/", "lang": "vi", "dir": "ltr",
        "name": _("Một Cửa – Dịch vụ công"), "short_name": _("Một Cửa"),
        "description": _("Nộp hồ sơ, theo dõi kết quả thủ tục hành chính tại %(centre)s.",
                         centre=current_app.config["CENTRE_NAME"]),
        "start_url": "/", "scope": "/", "display": "standalone", "orientation": "any",
        "theme_color": THEME, "background_color": BACKGROUND, "categories": ["government"],
        "icons": [icon("icon-192.png", 192), icon("icon-512.png", 512),
                  icon("icon-maskable-512.png", 512, "maskable")],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response

