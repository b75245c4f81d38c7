"""Asking for the result (or the originals) by post: a two-step form that works without JS.

Step one: fill the address (without JS, "Chọn tỉnh" reloads the ward list for the province);
step two: see the postage and confirm. With JS, htmx refills the ward list and the confirm
goes through the outbox (static/js/postal.js) to POST /api/v1/dossiers/<code>/postal-requests.
"""

import uuid

from flask import abort, redirect, render_template, request, url_for

from app.citizen import bp
from app.citizen.access import dossier_or_404
from app.extensions import db
from app.services import places, postal
from app.services.actors import Actor
from app.services.errors import DomainError
from app.services.tracking import access_token

FIELDS = ("direction", "recipient_name", "phone", "email", "street", "province", "ward", "note")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _render(dossier, values: dict, errors: dict, *, step: str = "form", quote: int | None = None,
            summary: str | None = None, status: int = 200):
    province = _int(values.get("province"))
    return render_template(
        "citizen/postal.html", dossier=dossier, values=values, errors=errors, step=step,
        quote=quote, summary=summary, provinces=places.provinces(), wards=places.wards(province),
        token=access_token(dossier), current=postal.latest(dossier), places=places,
        allowed=dossier.procedure.postal_allowed, open=dossier.status in postal.OPEN,
    ), status


@bp.get("/ho-so/<code>/buu-chinh")
def postal_form(code: str):
    """Show the postal request form, filled from the application."""
    dossier = dossier_or_404(code)
    values = {"direction": "result", "recipient_name": dossier.applicant_name,
              "phone": dossier.applicant_phone, "email": dossier.applicant_email,
              "client_id": str(uuid.uuid4())}
    return _render(dossier, values, {})


@bp.post("/ho-so/<code>/buu-chinh")
def postal_request(code: str):
    """Reload wards, show the postage, or register the request (through the idempotent path)."""
    dossier = dossier_or_404(code)
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    values["client_id"] = request.form.get("client_id", "")
    try:
        uuid.UUID(values["client_id"])
    except ValueError:
        abort(400)
    action = request.form.get("action", "preview")
    if action == "province":
        return _render(dossier, values, {})
    try:
        if action == "confirm":
            postal.register(dossier, values, values["client_id"], Actor.citizen(dossier))
            return redirect(url_for("citizen.status", code=code, sent="buu-chinh"), 303)
        clean = postal.validate(dossier, values)
    except DomainError as exc:
        db.session.rollback()
        errors = exc.details if isinstance(exc.details, dict) and exc.details else {"_form": [exc.message]}
        return _render(dossier, values, errors, summary=exc.message, status=exc.status)
    return _render(dossier, values, {}, step="confirm", quote=clean["fee"])


@bp.get("/dia-gioi/phuong-xa")
def ward_options():
    """Return the <option>s of a province's wards (htmx swaps them into the ward select)."""
    wards = places.wards(_int(request.args.get("province")))
    return render_template("citizen/_ward_options.html", wards=wards, selected=0)
