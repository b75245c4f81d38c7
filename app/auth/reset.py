"""Forgotten password: ask for a link by e-mail (or SMS), then set a new password with it."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth import bp, throttle
from app.services.accounts import password_reset
from app.services.accounts.core import login_key
from app.services.errors import Invalid
from app.web.answers import refused


def _form(login: str = "", error: str | None = None, sent: bool = False):
    return render_template("auth/forgot.html", login=login, error=error, sent=sent,
                           sms=bool(current_app.config.get("SMS_GATEWAY")))


@bp.get("/quen-mat-khau")
def forgot_form():
    """Ask for the e-mail address (or mobile number) the account signs in with."""
    return _form()


@bp.post("/quen-mat-khau")
def forgot():
    """Queue a reset request: the same answer, in the same time, whether or not the account exists."""
    login = request.form.get("login", "").strip().lower()[:255]
    client = request.remote_addr or "unknown"
    if not login:
        return _form(error=_("Vui lòng nhập email hoặc số di động của tài khoản.")), 422
    key = login_key(login)
    if wait := throttle.blocked_for(key, client, "reset"):
        error = _("Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau %(when)s.", when=throttle.when(wait))
        return _form(login, error), 429, {"Retry-After": str(wait)}
    throttle.record(key, client, "reset")
    password_reset.request_reset(login)
    return _form(login, sent=True)


def _reset_page(token: str, errors: dict, summary: str | None = None, status: int = 200):
    valid = password_reset.user_for_reset(token) is not None
    return render_template("auth/reset.html", token=token, valid=valid, errors=errors,
                           summary=summary), status if valid else 404


@bp.get("/dat-lai-mat-khau/<token>")
def reset_form(token: str):
    """Show the new-password form, or say the link no longer works."""
    return _reset_page(token, {})


@bp.post("/dat-lai-mat-khau/<token>")
def reset(token: str):
    """Set the new password; the link is spent by it."""
    try:
        password_reset.reset_password(token, request.form.get("password", ""),
                                      request.form.get("confirm", ""))
    except Invalid as exc:
        return _reset_page(token, refused(exc), exc.message, 422)
    flash(_("Đã đặt mật khẩu mới. Vui lòng đăng nhập."), "info")
    return redirect(url_for("auth.signin_form"), 303)
