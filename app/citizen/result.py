"""The result (downloaded after the code check) and the withdrawal request."""

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _

from app.citizen import bp
from app.citizen.access import dossier_or_404
from app.extensions import db
from app.models import Document, Status
from app.services import workflow
from app.services.actors import Actor
from app.services.errors import DomainError
from app.services.files import blobs
from app.web.answers import flash_refused


@bp.post("/ho-so/<code>/nhan-ket-qua")
def receive_result(code: str):
    """Take the electronic result: recorded as returned (10), then downloaded."""
    dossier = dossier_or_404(code)
    if dossier.status == Status.RESOLVED:
        try:
            workflow.return_result(dossier, Actor.citizen(dossier), "electronic")
        except DomainError as exc:
            flash_refused(exc)
            return redirect(url_for("citizen.status", code=code), 303)
    first = next((d for d in dossier.documents if d.round == "result"), None)
    if first is None or dossier.status != Status.RETURNED:
        abort(404)
    return redirect(url_for("citizen.result", code=code, document_id=first.id), 303)


@bp.get("/ho-so/<code>/ket-qua/<int:document_id>")
def result(code: str, document_id: int):
    """Download one result document (only once the result has been handed over)."""
    dossier = dossier_or_404(code)
    doc = db.session.get(Document, document_id)
    if dossier.status != Status.RETURNED or doc is None or doc.dossier_id != dossier.id \
            or doc.round != "result":
        abort(404)
    blob = blobs.get_blob(doc.sha256)
    response = make_response(blobs.store().read(blob.storage_key))
    response.mimetype = doc.media_type
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(doc.media_type, "bin")
    response.headers["Content-Disposition"] = f'attachment; filename="ket-qua-{dossier.code}-{doc.id}.{ext}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/ho-so/<code>/rut-ho-so")
def withdraw(code: str):
    """Ask to withdraw the dossier (staff then stop it)."""
    dossier = dossier_or_404(code)
    reason = request.form.get("reason", "").strip()[:2000]
    try:
        workflow.request_withdrawal(dossier, Actor.citizen(dossier),
                                    reason or _("Người nộp yêu cầu rút hồ sơ"))
    except DomainError as exc:
        flash_refused(exc)
        return redirect(url_for("citizen.status", code=code), 303)
    flash(_("Đã gửi yêu cầu rút hồ sơ. Cơ quan sẽ xác nhận và dừng xử lý."))
    return redirect(url_for("citizen.status", code=code), 303)
