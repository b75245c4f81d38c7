"""Where things are, for the scripts: the app's addresses as url_for renders them.

No script writes an address of the app (tests/web/test_js_routes.py scans for one): the
pages carry `page_routes()` as a JSON data block (base.html, read by static/js/routes.js),
and the service worker gets `worker_routes()` in its BUILD (worker.py), so its version
changes when an address does. An address with parts to fill is a template: "/ho-so/{code}".
"""

from flask import Flask, current_app, url_for

# name -> (endpoint, the parts the address takes)
PAGE = {
    "outbox": ("pwa.outbox", ()),
    "procedures": ("citizen.procedures", ()),
    "status": ("citizen.status", ("code",)),
    "track": ("citizen.track_form", ()),
    "signin": ("auth.signin_form", ()),
    "worker": ("pwa.service_worker", ()),
    "api_dossiers": ("api.create_dossier", ()),
    "api_blob": ("api.put_blob", ("sha256",)),
    "api_track": ("api.track", ()),
    "api_owners": ("api.device_owners", ()),
}
WORKER = {
    "home": ("citizen.home", ()),
    "procedures": ("citizen.procedures", ()),
    "procedure": ("citizen.procedure", ("code",)),
    "apply_form": ("citizen.apply_form", ("code",)),
    "outbox": ("pwa.outbox", ()),
    "my_dossiers": ("pwa.my_dossiers", ()),
    "offline": ("pwa.offline", ()),
    "manifest": ("pwa.manifest", ()),
    "api_procedures": ("api.procedures", ()),
}


def template(endpoint: str, parts: tuple[str, ...]) -> str:
    """The endpoint's address with each part left as "{part}" for the script to fill."""
    address = url_for(endpoint, **{p: f"__{p}__" for p in parts})
    for p in parts:
        address = address.replace(f"__{p}__", f"{{{p}}}")
    return address


def page_routes() -> dict[str, str]:
    """The addresses the page's scripts use (static/js/routes.js)."""
    return {name: template(*spec) for name, spec in PAGE.items()}


def worker_routes() -> dict[str, str]:
    """The addresses the service worker uses; `static` is the prefix of every static file."""
    out = {name: template(*spec) for name, spec in WORKER.items()}
    out["static"] = current_app.static_url_path.rstrip("/") + "/"
    return out


def register(app: Flask) -> None:
    """Offer `js_routes()` to templates (base.html)."""
    app.add_template_global(page_routes, "js_routes")
