"""Sign in and sign out (staff; citizens' accounts use the same form)."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, throttle
from app.lib.redirects import safe_path
from app.models import User
from app.services.accounts import sessions
from app.services.accounts.core import find_user, login_key
from app.services.accounts.passwords import hash_password, verify_password
from app.web import SID

# Verifying against a real hash when the account does not exist takes as long as a wrong
# password does, so response times do not reveal which e-mail addresses have accounts.
_DUMMY_HASH = hash_password("not-a-real-password")


def _safe_next(target: str | None) -> str | None:
    """Accept only a path on this site, never another host."""
    return safe_path(target)


def _home(user: User) -> str:
    return url_for("staff.queue") if user.is_staff else url_for("citizen.home")


@bp.get("/dang-nhap")
def signin_form():
    """Show the sign-in form (or go on if already signed in)."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")) or _home(current_user), 303)
    return render_template("auth/signin.html", email="", next=request.args.get("next", ""), error=None)


@bp.post("/dang-nhap")
def signin():
    """Check the password; failures back off per account-and-client pair and per client."""
    email = request.form.get("email", "").strip().lower()[:255]
    password = request.form.get("password", "")
    target = request.form.get("next", "")
    client = request.remote_addr or "unknown"
    login = login_key(email)
    if wait := throttle.blocked_for(login, client):
        error = _("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(when)s.",
                  when=throttle.when(wait))
        response = render_template("auth/signin.html", email=email, next=target, error=error)
        return response, 429, {"Retry-After": str(wait)}
    user = find_user(email) if email else None  # an e-mail address, or a citizen's mobile number
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if not ok or user is None or not user.active:
        throttle.record(login, client)
        error = _("E-mail hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
        return render_template("auth/signin.html", email=email, next=target, error=error), 401
    throttle.forget_pair(login, client)
    sessions.end(session.get(SID))  # signing in over another session ends that one
    lang = session.get("lang")
    session.clear()  # a fresh session on sign-in: nothing from before carries over
    if lang:
        session["lang"] = lang
    login_user(user)  # starts the server-side session (app/auth/__init__.py)
    return redirect(_safe_next(target) or _home(user), 303)


@bp.post("/dang-xuat")
@login_required
def signout():
    """Sign out: the session ends on the server too, so a copy of its cookie opens nothing."""
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.signin_form"), 303)
