"""Admin: create staff accounts, disable and re-enable them."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from app.extensions import db
from app.models import Role
from app.schemas import flatten_errors
from app.schemas.staff import UserSchema
from app.services.accounts import admin
from app.services.accounts import queries as accounts
from app.services.catalogue import queries as catalogue
from app.services.errors import DomainError
from app.staff import bp
from app.web.staff_access import roles_required


def _render(values: dict, errors: dict, status: int = 200, message: str | None = None):
    return render_template("staff/admin/users.html", users=accounts.accounts(),
                           agencies=catalogue.agencies_by_name(), roles=Role,
                           values=values, errors=errors, message=message), status


@bp.get("/quan-tri/tai-khoan")
@roles_required(Role.ADMIN)
def users():
    """List accounts, with the form to create one."""
    return _render({}, {})


@bp.post("/quan-tri/tai-khoan")
@roles_required(Role.ADMIN)
def create_user():
    """Create a staff account."""
    try:
        form = UserSchema().load(request.form.to_dict())
        user = admin.create_user(**form)
    except ValidationError as exc:
        return _render(request.form.to_dict(), flatten_errors(exc.messages), 422,
                       _("Chưa tạo được tài khoản."))
    except DomainError as exc:
        db.session.rollback()
        return _render(request.form.to_dict(), exc.details or {}, exc.status, exc.message)
    flash(_("Đã tạo tài khoản %(email)s.", email=user.email))
    return redirect(url_for("staff.users"), 303)


@bp.post("/quan-tri/tai-khoan/<int:user_id>/trang-thai")
@roles_required(Role.ADMIN)
def set_user_active(user_id: int):
    """Disable or re-enable an account."""
    active = request.form.get("active") == "1"
    try:
        user = admin.set_user_active(user_id, active, current_user)
    except DomainError as exc:
        db.session.rollback()
        return _render({}, {}, exc.status, exc.message)
    flash(_("Đã mở khóa %(e)s.", e=user.email) if active else _("Đã khóa %(e)s.", e=user.email))
    return redirect(url_for("staff.users"), 303)
