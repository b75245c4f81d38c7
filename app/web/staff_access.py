"""What a signed-in officer may open: roles for pages, agency scope for dossiers."""

from functools import wraps

from flask import abort
from flask_login import current_user

from app.models import Dossier, Role
from app.services.actors import Actor
from app.services.dossiers import queries
from app.services.workflow import in_scope


def actor() -> Actor:
    """Return the signed-in officer as a workflow actor."""
    return Actor.of(current_user)


def scope_agency_id() -> int | None:
    """Return the only agency a department officer may see (None: every agency)."""
    if current_user.role == Role.DEPARTMENT:
        return current_user.agency_id or -1  # an officer with no agency sees nothing
    return None


def roles_required(*roles: str):
    """Let only these roles in; anyone else on the staff side gets 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def dossier_or_404(code: str) -> Dossier:
    """Return the dossier if this officer may see it; another agency's answers 404 like a typo."""
    dossier = queries.by_code(code)
    if dossier is None or not in_scope(actor(), dossier):
        abort(404)
    return dossier
