"""One dossier: applicant, form data, documents (with inline preview), timeline, actions."""

import uuid
from urllib.parse import quote

from flask import abort, make_response, render_template

from app.extensions import db
from app.lib.time import local_today
from app.models import Document
from app.schemas import photo_check
from app.services import workflow
from app.services.dossiers import queries, supplements
from app.services.dossiers.tracking import access_token
from app.services.files import blobs
from app.services.payments import fees
from app.services.workflow import deadlines, overdue
from app.services.workflow.due_status import due_status
from app.staff import bp
from app.web.staff_access import actor, dossier_or_404

# A PDF opened in its own tab needs the browser's viewer (an <embed> the page's CSP must
# allow); nothing else may load, and no page may frame it.
DOCUMENT_CSP = ("default-src 'none'; object-src 'self'; img-src 'self'; style-src 'unsafe-inline'; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def render_dossier(dossier, status: int = 200, errors: dict | None = None, message: str | None = None,
                   values: dict | None = None):
    """Render the dossier page, with an action's error message when one failed."""
    today, cal = local_today(), deadlines.load_calendar()
    who = actor()
    requests = queries.supplement_requests(dossier.id)
    fee = fees.standing(dossier)
    context = dict(
        dossier=dossier, actions=workflow.actions_for(who, dossier),
        supplement=workflow.open_supplement(dossier),
        requests=requests,
        # The rounds answered after their deadline (still taken, from the applicant too).
        late_rounds={f"supplement-{r.number}" for r in requests if supplements.late(r)},
        overdue=overdue.is_overdue(dossier, today),
        due_soon=overdue.is_due_soon(dossier, today, cal), due=due_status(dossier, today, cal),
        field_labels={f["name"]: f.get("label", f["name"]) for f in dossier.procedure.form_fields},
        # Retired requirements too: a document keeps the name it was sent under.
        requirement_names={r.id: r.name for r in dossier.procedure.requirements},
        errors=errors or {}, message=message, values=values or {},
        default_deadline=cal.add_working_days(today, 5),
        receipt_token=access_token(dossier), new_key=str(uuid.uuid4()),
        photo_note=photo_check.note,  # what the applicant's phone said of a photo they kept
        # A fee paid at submission still owed: the actions that move the dossier on say so (a
        # warning, not a block: the applicant may hold a paper receipt).
        fee=fee, fee_warning=bool(fee and fee.unpaid and dossier.procedure.fee_at_submission),
    )
    return render_template("staff/dossier.html", **context), status


@bp.get("/ho-so/<code>")
def dossier(code: str):
    """Show everything about one dossier and what this officer may do with it now."""
    return render_dossier(dossier_or_404(code))


@bp.get("/ho-so/<code>/tep/<int:document_id>")
def document(code: str, document_id: int):
    """Serve one document inline, to officers allowed to see the dossier only."""
    dossier = dossier_or_404(code)
    doc = db.session.get(Document, document_id)
    if doc is None or doc.dossier_id != dossier.id:
        abort(404)
    blob = blobs.get_blob(doc.sha256)
    if blob is None or not blobs.store().has(blob.storage_key):
        abort(404)
    response = make_response(blobs.store().read(blob.storage_key))
    response.mimetype = doc.media_type  # the type the server found by content, never the name
    ascii_name = doc.original_name.encode("ascii", "ignore").decode() or "tai-lieu"
    response.headers["Content-Disposition"] = (
        f'inline; filename="{quote(ascii_name)}"; filename*=UTF-8\'\'{quote(doc.original_name)}')
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOCUMENT_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response
