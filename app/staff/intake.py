"""Counter intake: reception registers a walk-in dossier (channel counter) with its scans."""

import uuid

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Channel, Procedure, Role, Status
from app.services import workflow
from app.services.catalogue import procedures as catalogue
from app.services.dossiers import submissions
from app.services.errors import DomainError, Invalid, TooLarge, UnsupportedType
from app.services.files import blobs
from app.services.files.receive import store_files
from app.staff import bp
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


def _kept(proc: Procedure) -> dict[int, list[dict]]:
    """Scans already received on an earlier try of this form."""
    kept: dict[int, list[dict]] = {}
    for req in proc.requirements:
        for item in request.form.getlist(f"kept.{req.id}"):
            sha, _sep, name = item.partition("|")
            if len(sha) == 64 and (blob := blobs.get_blob(sha)) is not None:
                kept.setdefault(req.id, []).append({"sha256": sha, "name": name[:255], "size": blob.size})
    return kept


def _prefixed(form, prefix: str) -> dict:
    return {k.removeprefix(prefix): v for k, v in form.items() if k.startswith(prefix)}


def _receive_scans(proc: Procedure, kept: dict[int, list[dict]]) -> None:
    """Store each requirement's scans; collect every problem before giving up."""
    limit, problems = current_app.config["MAX_FILE_BYTES"], {}
    for req in proc.requirements:
        files = [(f.filename, f.read(limit + 1)) for f in request.files.getlist(f"documents.{req.id}")
                 if f and f.filename]
        try:
            kept.setdefault(req.id, []).extend(store_files(files, f"documents.{req.id}"))
        except (TooLarge, UnsupportedType) as exc:
            problems.update(exc.details or {})
    if problems:
        raise Invalid(_("Một số tệp không nhận được."), problems)


@bp.post("/tiep-nhan/<code>")
@roles_required(Role.RECEPTION)
def intake(code: str):
    """Register the walk-in dossier, and accept it at once when the box is ticked."""
    proc = catalogue.find_procedure(code) or abort(404)  # a closed agency is told as a 422
    form = request.form
    client_id = form.get("client_id", "")
    kept = _kept(proc)
    try:
        catalogue.check_open(proc)
        _receive_scans(proc, kept)
        manifest = {
            "procedure": proc.code,
            "applicant": _prefixed(form, "applicant."),
            "fields": _prefixed(form, "fields."),
            "documents": [{"requirement": rid, "sha256": r["sha256"], "name": r["name"]}
                          for rid, refs in kept.items() for r in refs],
            "return_method": form.get("return_method", "counter"),
        }
        dossier, _created = submissions.create_dossier(
            manifest, client_id, channel=Channel.COUNTER, actor=actor().as_tuple(),
            may_see=lambda found: workflow.in_scope(actor(), found))  # staff may open it anyway
        if form.get("accept_now") and dossier.status == Status.SUBMITTED:
            workflow.accept(dossier, actor())
    except DomainError as exc:
        db.session.rollback()
        errors = exc.details if isinstance(exc.details, dict) and exc.details else {"_form": [exc.message]}
        if exc.code == "idempotency_conflict":
            client_id = str(uuid.uuid4())
        return render_template("staff/intake.html", procedure=proc, values=form.to_dict(), kept=kept,
                               client_id=client_id, errors=errors, summary=exc.message), exc.status
    flash(_("Đã tạo hồ sơ %(code)s.", code=dossier.code))
    return redirect(url_for("staff.dossier", code=dossier.code), 303)
