"""Answering a supplement request from the tracking page, without going to any office."""

import uuid

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from app.citizen import bp
from app.citizen.access import dossier_or_404
from app.models import Status
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers import supplements
from app.services.errors import DomainError
from app.services.files.receive import read_upload, store_files
from app.web.answers import refused


def _render(dossier, request_, client_id: str, errors: dict, note: str = "", status: int = 200,
            summary: str | None = None):
    return render_template("citizen/supplement.html", dossier=dossier, supplement=request_,
                           expired=supplements.expired(request_), client_id=client_id, errors=errors,
                           note=note, summary=summary), status


@bp.get("/ho-so/<code>/bo-sung")
def supplement_form(code: str):
    """Show what is missing, by when, and the form to send it."""
    dossier = dossier_or_404(code)
    open_request = workflow.open_supplement(dossier)
    if dossier.status != Status.SUPPLEMENT or open_request is None:
        return redirect(url_for("citizen.status", code=code), 303)
    return _render(dossier, open_request, str(uuid.uuid4()), {})


@bp.post("/ho-so/<code>/bo-sung")
def supplement(code: str):
    """Store the files, then answer through the same idempotent path as the outbox."""
    dossier = dossier_or_404(code)
    client_id = request.form.get("client_id", "")
    note = request.form.get("note", "").strip()[:2000]
    limit = current_app.config["MAX_FILE_BYTES"]
    files = [(f.filename, *read_upload(f, limit)) for f in request.files.getlist("files") if f and f.filename]
    try:
        uuid.UUID(client_id)
        refs = store_files(files, "files")
        payload = {"documents": refs, "note": note, "supplement": request.form.get("supplement") or None}
        supplements.answer(dossier, payload, client_id, Actor.citizen(dossier))
    except ValueError:
        abort(400)
    except DomainError as exc:
        errors = refused(exc)
        open_request = workflow.open_supplement(dossier)
        if open_request is None:  # answered meanwhile (at the counter, another device): say so there
            flash(exc.message)
            return redirect(url_for("citizen.status", code=code), 303)
        if "documents" in errors:
            errors["files"] = errors.pop("documents")
        return _render(dossier, open_request, client_id, errors, note, exc.status, exc.message)
    return redirect(url_for("citizen.status", code=code, sent="bo-sung"), 303)
