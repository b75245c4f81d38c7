"""Accounts: loading the signed-in user (sign-in pages arrive with the staff workspace)."""

from flask import Blueprint

from app.extensions import db, login_manager
from app.models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
