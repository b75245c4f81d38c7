"""The apply form: a plain multipart form that works without JavaScript."""

import uuid

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.account.current import filing_choices, filing_for, owner_id, start_values
from app.citizen import bp, sender
from app.citizen.access import dossier_or_404, grant
from app.extensions import db
from app.services import blobs, catalogue, postal, submissions
from app.services.errors import DomainError, Invalid, TooLarge, UnsupportedType
from app.services.tracking import access_token
from app.services.uploads import inspect


@bp.get("/thu-tuc/<code>/nop")
def apply_form(code: str):
    """Show the apply form, with a fresh client id so a double submit makes one dossier."""
    proc = catalogue.get_procedure(code) or abort(404)
    choices = filing_choices()  # a member may file for the organisation instead of personally
    values = start_values(request.args.get("to-chuc"), choices, proc.postal_allowed)
    return render_template("citizen/apply.html", procedure=proc, values=values, choices=choices,
                           client_id=str(uuid.uuid4()), kept={}, errors={})


@bp.post("/thu-tuc/<code>/nop")
def apply(code: str):
    """Receive the plain form: check every file, store them, then create the dossier once."""
    # Not get_procedure: a form drawn before the agency closed is answered with the reason (422).
    proc = catalogue.find_procedure(code) or abort(404)
    form = request.form
    client_id = form.get("client_id", "")
    values = {k: v for k, v in form.items() if not k.startswith(("kept.", "csrf"))}
    kept = _kept_documents(proc)
    status, errors = 422, {}
    try:
        if not _is_uuid(client_id):
            raise Invalid(_("Biểu mẫu đã cũ, vui lòng tải lại trang."), {})
        catalogue.check_open(proc)  # before any file is stored
        org = filing_for(form.get("organisation"))  # only if the account is its active member now
        new_refs = _receive_files(proc)
        for req_id, refs in new_refs.items():
            kept.setdefault(req_id, []).extend(refs)
        manifest = {
            "procedure": proc.code,
            "applicant": {k.removeprefix("applicant."): v for k, v in form.items()
                          if k.startswith("applicant.")},
            "fields": {k.removeprefix("fields."): v for k, v in form.items()
                       if k.startswith("fields.")},
            "documents": [{"requirement": rid, "sha256": r["sha256"], "name": r["name"]}
                          for rid, refs in kept.items() for r in refs],
            "return_method": form.get("return_method", "counter"),
            "organisation": org.id if org is not None else None,
            "declarations": declaration_answers(form),
        }
        dossier, _created = submissions.create_dossier(manifest, client_id, owner_id=owner_id(),
                                                       language=str(get_locale()), organisation=org,
                                                       sent_from=sender.name(), may_see=sender.may_see)
    except DomainError as exc:
        db.session.rollback()
        status = exc.status
        field_errors = isinstance(exc, Invalid | TooLarge | UnsupportedType)
        errors = exc.details if field_errors and exc.details else {"_form": [exc.message]}
        if exc.code == "idempotency_conflict":
            client_id = str(uuid.uuid4())
        return render_template(
            "citizen/apply.html", procedure=proc, values=values, client_id=client_id,
            kept=kept, errors=errors, summary=exc.message, choices=filing_choices(),
        ), status
    grant(dossier)
    return redirect(url_for("citizen.receipt", code=dossier.code, t=access_token(dossier)), 303)


def declaration_answers(form) -> dict[str, dict]:
    """The declarations filled online: `declarations.<requirement id>.<field>` → nested answers."""
    answers: dict[str, dict] = {}
    for key, value in form.items():
        if key.startswith("declarations."):
            requirement, _dot, name = key.removeprefix("declarations.").partition(".")
            answers.setdefault(requirement, {})[name] = value
    return answers


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _kept_documents(proc) -> dict[int, list[dict]]:
    """Files already received on an earlier try of this form, so nobody attaches them twice."""
    valid = {r.id for r in proc.requirements}
    kept: dict[int, list[dict]] = {}
    for key in request.form:
        if not key.startswith("kept."):
            continue
        try:
            req_id = int(key.removeprefix("kept."))
        except ValueError:
            continue
        for item in request.form.getlist(key):
            sha, _sep, name = item.partition("|")
            blob = blobs.get_blob(sha) if len(sha) == 64 else None
            if req_id in valid and blob is not None:
                kept.setdefault(req_id, []).append(
                    {"sha256": sha, "name": name[:255], "size": blob.size})
    return kept


def _receive_files(proc) -> dict[int, list[dict]]:
    """Inspect every attached file first, and store them only if all of them are acceptable."""
    limit = current_app.config["MAX_FILE_BYTES"]
    checked, problems, worst = [], {}, None
    for req in proc.requirements:
        for upload in request.files.getlist(f"documents.{req.id}"):
            if not upload or not upload.filename:
                continue
            data = upload.read(limit + 1)
            try:
                checked.append((req.id, upload.filename, data, inspect(data, limit, upload.filename)))
            except (TooLarge, UnsupportedType) as exc:
                problems.setdefault(f"documents.{req.id}", []).append(exc.message)
                worst = worst if isinstance(worst, TooLarge) else exc
    if worst is not None:
        raise type(worst)(worst.message, problems)
    total = sum(len(d) for _r, _n, d, _c in checked)
    if total > current_app.config["MAX_DOSSIER_BYTES"]:
        raise TooLarge(_("Tổng dung lượng các tệp vượt quá giới hạn của một hồ sơ."),
                       {"_files": [_("Tổng dung lượng các tệp vượt quá giới hạn của một hồ sơ.")]})
    refs: dict[int, list[dict]] = {}
    for req_id, name, data, clean in checked:
        blob, _new = blobs.save_blob(data, clean)
        refs.setdefault(req_id, []).append({"sha256": blob.sha256, "name": name, "size": blob.size})
    db.session.commit()
    return refs


@bp.get("/ho-so/<code>/bien-nhan")
def receipt(code: str):
    """Show the printable receipt and appointment slip (Mẫu 01)."""
    dossier = dossier_or_404(code)
    # Chose "by post" when applying: the address comes next, on the postal request page.
    pending = (dossier.return_method == "post" and dossier.status in postal.OPEN
               and postal.latest(dossier) is None)
    return render_template("citizen/receipt.html", dossier=dossier, postal_pending=pending)
