"""Admin: the agencies (the centre and each department) that procedures and officers belong to."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.extensions import db
from app.models import Agency, Role
from app.schemas import flatten_errors
from app.services.accounts import admin
from app.services.accounts import queries as accounts
from app.services.catalogue import queries as catalogue
from app.services.errors import DomainError
from app.staff import bp
from app.staff.admin_schemas import AgencySchema
from app.web.staff_access import roles_required


def _list(values: dict, errors: dict, status: int = 200, message: str | None = None):
    return render_template("staff/admin/agencies.html", agencies=catalogue.agencies(by="code"), values=values,
                           errors=errors, message=message, procedures=catalogue.procedure_counts(),
                           officers=accounts.officer_counts()), status


def _save(agency_id: int | None):
    """Validate the form and save; return the service's agency, or a response to send back."""
    try:
        return admin.save_agency(agency_id, AgencySchema().load(request.form.to_dict())), None
    except ValidationError as exc:
        return None, (flatten_errors(exc.messages), 422, _("Chưa lưu được cơ quan."))
    except DomainError as exc:
        db.session.rollback()
        return None, (exc.details or {}, exc.status, exc.message)


@bp.get("/quan-tri/co-quan")
@roles_required(Role.ADMIN)
def agencies():
    """List the agencies, with the form to add one."""
    return _list({"active": True}, {})  # a new agency takes dossiers unless told otherwise


@bp.post("/quan-tri/co-quan")
@roles_required(Role.ADMIN)
def create_agency():
    """Add a department."""
    agency, failed = _save(None)
    if failed:
        return _list(request.form.to_dict(), *failed)
    flash(_("Đã thêm cơ quan %(name)s.", name=agency.name))
    return redirect(url_for("staff.agencies"), 303)


@bp.route("/quan-tri/co-quan/<int:agency_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_agency(agency_id: int):
    """Change an agency's code, names, address and whether it takes new dossiers."""
    agency = db.session.get(Agency, agency_id) or abort(404)
    if request.method == "GET":
        values = {k: getattr(agency, k) for k in ("code", "name", "short_name", "address", "active")}
        return render_template("staff/admin/agency.html", agency=agency, values=values, errors={})
    saved, failed = _save(agency_id)
    if failed:
        errors, status, message = failed
        return render_template("staff/admin/agency.html", agency=db.session.get(Agency, agency_id),
                               values=request.form.to_dict(), errors=errors, message=message), status
    flash(_("Đã lưu cơ quan %(name)s.", name=saved.name))
    return redirect(url_for("staff.agencies"), 303)
