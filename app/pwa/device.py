"""Tell the page, and the service worker, whose device data it may show.

- The `motcua_owner` cookie holds the signed-in account's device tag (services/device.py), or
  is absent when nobody is signed in. It is set or removed on every page and API answer, so it
  is current on a page the service worker served from its cache with no signal, in every tab,
  and right after a sign-out. It opens nothing: the session is a separate, HttpOnly cookie. It
  is readable by script on purpose (static/js/owner.js reads it).
- `X-Signed-In: 0|1` on every page: the service worker keeps only pages rendered for nobody,
  so a copy it serves later never carries someone's name, organisation or identity.
- `device_owner` in templates: the same tag, on <body data-account> for people and tests reading
  the page.
"""

from flask import current_app, request, session
from flask_login import current_user

from app.pwa import bp
from app.services.dossiers.device import owner_tag
from app.web import SID

COOKIE = "motcua_owner"


def current_owner() -> str:
    """Return the signed-in account's device tag, or "" when nobody is signed in."""
    # The session was checked at the start of the request (auth.check_session): no new query.
    if SID in session and current_user.is_authenticated:
        return owner_tag(current_user.id)
    return ""


@bp.app_context_processor
def _owner_in_templates() -> dict:
    return {"device_owner": current_owner()}


@bp.after_app_request
def _keep_owner_cookie(response):
    """Bring the owner cookie and the page's X-Signed-In in line with the session."""
    page = response.mimetype == "text/html"
    if request.endpoint == "static" or not (page or request.path.startswith("/api/")):
        return response
    owner = current_owner()
    if page:
        response.headers["X-Signed-In"] = "1" if owner else "0"
    if request.cookies.get(COOKIE, "") != owner:
        if owner:
            response.set_cookie(COOKIE, owner, path="/", samesite="Lax", httponly=False,
                                secure=current_app.config["SESSION_COOKIE_SECURE"])
        else:
            response.delete_cookie(COOKIE, path="/", samesite="Lax",
                                   secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
