"""Which dossiers this browser may open: ones it submitted or looked up, or a signed link.

An organisation's dossier opened through membership is never remembered by the browser:
the membership is checked on every request, and every link to it minted meanwhile is
bound to the member (services/tracking.bind_links), so none outlives the membership.
"""

from flask import abort, request, session
from flask_login import current_user

from app.models import Dossier
from app.services.accounts import memberships
from app.services.accounts.core import can_see
from app.services.dossiers import queries
from app.services.dossiers.tracking import bind_links, from_token, member_bound

MAX_REMEMBERED = 20


def grant(dossier: Dossier) -> None:
    """Let this browser open `dossier` without asking again (a member: while a member)."""
    user_id = current_user.id if current_user.is_authenticated else None
    if dossier.organisation_id is not None and memberships.is_member(user_id, dossier.organisation_id):
        bind_links(dossier, user_id)
        return
    seen = [i for i in session.get("seen", []) if i != dossier.id]
    session["seen"] = ([dossier.id, *seen])[:MAX_REMEMBERED]


def dossier_or_404(code: str) -> Dossier:
    """Return the dossier if this browser may see it; otherwise 404, as for an unknown code."""
    token = request.args.get("t", "")
    if token:
        dossier = from_token(token)
        if dossier is not None and dossier.code == code:
            if not member_bound(dossier):  # a member's link is checked each time, never remembered
                grant(dossier)
            return dossier
    dossier = queries.by_code(code)
    if dossier is None:
        abort(404)
    if dossier.id in session.get("seen", []):
        return dossier
    if not can_see(current_user, dossier):
        abort(404)
    if dossier.organisation_id is not None:  # seen through membership: so are its links
        bind_links(dossier, current_user.id)
    return dossier
