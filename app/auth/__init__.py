"""Accounts: loading the signed-in user from its server-side session, sign-in and sign-out.

Every `login_user` (sign-in, registration) starts a session row and every `logout_user` ends
it, through Flask-Login's signals, so no way in or out can skip the server side. Flask-Login's
"remember me" cookie carries no session token, so it can never bring a session back.
"""

from flask import Blueprint, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, user_logged_in, user_logged_out

from app.extensions import login_manager
from app.models import User
from app.services.accounts import sessions
from app.web import SID

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.signin_form"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"

_LOGIN_KEYS = ("_user_id", "_fresh", "_id", SID)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the account only while its server-side session is open."""
    user, due = sessions.load(session.get(SID), user_id)
    if user is None:
        for key in _LOGIN_KEYS:  # ended: forget it, so later requests do not look it up again
            session.pop(key, None)
    g.session_touch_due = due
    return user


@bp.before_app_request
def check_session():
    """Check the session at the start of each request, before any view writes, and note its use."""
    if SID in session and request.endpoint != "static":
        if current_user.is_authenticated and (due := g.pop("session_touch_due", None)):
            sessions.touch(due)


@user_logged_in.connect
def _session_started(_app, user: User, **_extra) -> None:
    session[SID] = sessions.start(user)


@user_logged_out.connect
def _session_ended(_app, **_extra) -> None:
    sessions.end(session.pop(SID, None))


from app.auth import reset, views  # noqa: E402,F401
