"""Admin: procedure settings and the holiday table (with the government's day swaps)."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.lib.time import local_today
from app.models import Procedure, Role
from app.schemas import flatten_errors
from app.schemas.staff import HolidaySchema, ProcedureSchema
from app.services.accounts import admin
from app.services.catalogue import queries as catalogue
from app.services.catalogue import seed
from app.services.workflow import deadlines
from app.staff import bp
from app.web.staff_access import roles_required


@bp.get("/quan-tri/thu-tuc")
@roles_required(Role.ADMIN)
def procedures():
    """List every procedure (active or not) with its processing time."""
    return render_template("staff/admin/procedures.html", procedures=catalogue.procedures())


def procedure_page(proc: Procedure, values: dict | None = None, errors: dict | None = None,
                   requirement: dict | None = None, status: int = 200):
    """Render the procedure page: its settings form and its required documents.

    `requirement` carries a failed requirement form back: which one ("new" or its id), what
    was typed, the messages by field and the summary message.
    """
    return render_template("staff/admin/procedure.html", procedure=proc, values=values, errors=errors or {},
                           req=requirement or {"target": None, "values": {}, "errors": {}}), status


@bp.route("/quan-tri/thu-tuc/<code>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_procedure(code: str):
    """Edit a procedure's name, processing time, cut-off hour, fee and switches."""
    proc = catalogue.procedure(code) or abort(404)
    if request.method == "GET":
        return procedure_page(proc)
    try:
        values = ProcedureSchema().load(request.form.to_dict())
    except ValidationError as exc:
        return procedure_page(proc, request.form.to_dict(), flatten_errors(exc.messages), status=422)
    admin.update_procedure(code, values)
    flash(_("Đã lưu thủ tục %(code)s.", code=code))
    return redirect(url_for("staff.procedures"), 303)


def _year() -> int:
    year = request.args.get("nam", type=int) or request.form.get("nam", type=int) or local_today().year
    return min(max(year, 2000), 2100)


@bp.get("/quan-tri/ngay-nghi")
@roles_required(Role.ADMIN)
def holidays(errors: dict | None = None, values: dict | None = None, status: int = 200):
    """List one year's days off and swapped working days, with the form to add one."""
    year = _year()
    return render_template("staff/admin/holidays.html", rows=deadlines.holidays_in(year), year=year,
                           errors=errors or {}, values=values or {}), status


@bp.post("/quan-tri/ngay-nghi")
@roles_required(Role.ADMIN)
def save_holiday():
    """Add or change a day: a holiday, a bridged day off, or a Saturday worked in exchange."""
    try:
        form = HolidaySchema().load(request.form.to_dict())
    except ValidationError as exc:
        return holidays(flatten_errors(exc.messages), request.form.to_dict(), 422)
    admin.save_holiday(**form)
    flash(_("Đã lưu ngày %(d)s.", d=form["day"].strftime("%d/%m/%Y")))
    return redirect(url_for("staff.holidays", nam=form["day"].year), 303)


@bp.post("/quan-tri/ngay-nghi/<day>/xoa")
@roles_required(Role.ADMIN)
def delete_holiday(day: str):
    """Remove a day from the table."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    admin.delete_holiday(when)
    flash(_("Đã xóa ngày %(d)s.", d=when.strftime("%d/%m/%Y")))
    return redirect(url_for("staff.holidays", nam=when.year), 303)


@bp.post("/quan-tri/ngay-nghi/nap")
@roles_required(Role.ADMIN)
def seed_holidays():
    """Fill a year from the `holidays` package, keeping the rows an admin already edited."""
    year = _year()
    added = seed.load_holidays(year, year)
    flash(_("Đã thêm %(n)s ngày cho năm %(y)s.", n=added, y=year))
    return redirect(url_for("staff.holidays", nam=year), 303)


