"""Which dossiers this browser may open: ones it submitted or looked up, or a signed link."""

from flask import abort, request, session
from flask_login import current_user

from app.extensions import db
from app.models import Dossier
from app.services.accounts import can_see
from app.services.tracking import from_token

MAX_REMEMBERED = 20


def grant(dossier: Dossier) -> None:
    """Let this browser session open `dossier` without asking again."""
    seen = [i for i in session.get("seen", []) if i != dossier.id]
    session["seen"] = ([dossier.id, *seen])[:MAX_REMEMBERED]


def dossier_or_404(code: str) -> Dossier:
    """Return the dossier if this browser may see it; otherwise 404, as for an unknown code."""
    token = request.args.get("t", "")
    if token:
        dossier = from_token(token)
        if dossier is not None and dossier.code == code:
            grant(dossier)
            return dossier
    dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one_or_none()
    if dossier is None:
        abort(404)
    if dossier.id not in session.get("seen", []) and not can_see(current_user, dossier):
        abort(404)
    return dossier
