"""The staff workspace (/staff): queue, dossiers, actions, counter intake, admin."""

from flask import Blueprint, abort
from flask_login import current_user

from app.extensions import login_manager

bp = Blueprint("staff", __name__)


@bp.before_request
def staff_only():
    """Anonymous: to the sign-in page. Signed in without a staff role: 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


from app.staff import (  # noqa: E402,F401
    actions,
    admin_agencies,
    admin_catalogue,
    admin_payments,
    admin_requirements,
    admin_tokens,
    admin_users,
    admin_webhooks,
    apology,
    dossier,
    intake,
    payments,
    printables,
    queue,
    reports,
)
