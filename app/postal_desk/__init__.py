"""The postal desk (/staff/buu-chinh): reception and administrators send results by post."""

from flask import Blueprint, abort
from flask_login import current_user

from app.extensions import login_manager
from app.models import Role

bp = Blueprint("postal_desk", __name__)
DESK_ROLES = (Role.RECEPTION, Role.ADMIN)


@bp.before_request
def desk_only():
    """Anonymous: to the sign-in page. Other roles, citizens included: 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in DESK_ROLES:
        abort(403)
    return None


from app.postal_desk import views  # noqa: E402,F401
