"""Accounts: loading the signed-in user, sign-in and sign-out."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.extensions import db, login_manager
from app.models import User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.signin_form"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


from app.auth import reset, views  # noqa: E402,F401
