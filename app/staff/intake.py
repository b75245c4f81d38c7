"""Counter intake: reception registers a walk-in dossier (channel counter) with its scans."""

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.models import Channel, Role, Status
from app.services import workflow
from app.services.catalogue import procedures as catalogue
from app.services.dossiers import intake as dossier_intake
from app.services.errors import DomainError
from app.staff import bp
from app.web import form_files
from app.web.answers import refused
from app.web.staff_access import actor, roles_required


@bp.get("/tiep-nhan")
@roles_required(Role.RECEPTION)
def intake_pick():
    """Choose the procedure of the walk-in dossier."""
    code = request.args.get("procedure", "")
    if code and catalogue.get_procedure(code):
        return redirect(url_for("staff.intake_form", code=code), 303)
    procedures = sorted(catalogue.search(), key=lambda p: (p.agency_id, p.code))
    return render_template("staff/intake_pick.html", procedures=procedures)


@bp.get("/tiep-nhan/<code>")
@roles_required(Role.RECEPTION)
def intake_form(code: str):
    """Show the counter form for one procedure."""
    proc = catalogue.get_procedure(code) or abort(404)
    return render_template("staff/intake.html", procedure=proc, values={"accept_now": "1"},
                           client_id=str(uuid.uuid4()), kept={}, errors={})


@bp.post("/tiep-nhan/<code>")
@roles_required(Role.RECEPTION)
def intake(code: str):
    """Register the walk-in dossier, and accept it at once when the box is ticked."""
    proc = catalogue.find_procedure(code) or abort(404)  # a closed agency is told as a 422
    form = request.form
    client_id = form.get("client_id", "")
    kept = form_files.kept(proc.requirements)  # scans this browser sent on an earlier try
    try:
        dossier, _created = dossier_intake.file_from_form(
            proc, form_files.uploads(proc.requirements), kept,
            lambda refs: form_files.manifest(proc, form, refs), client_id, stored=form_files.remember,
            channel=Channel.COUNTER, actor=actor().as_tuple(),
            may_see=lambda found: workflow.in_scope(actor(), found))  # staff may open it anyway
        if form.get("accept_now") and dossier.status == Status.SUBMITTED:
            workflow.accept(dossier, actor())
    except DomainError as exc:
        errors = refused(exc)
        if exc.code == "idempotency_conflict":
            client_id = str(uuid.uuid4())
        return render_template("staff/intake.html", procedure=proc, values=form.to_dict(), kept=kept,
                               client_id=client_id, errors=errors, summary=exc.message), exc.status
    flash(_("Đã tạo hồ sơ %(code)s.", code=dossier.code))
    return redirect(url_for("staff.dossier", code=dossier.code), 303)
