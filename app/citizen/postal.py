"""Asking for the result (or the originals) by post: a two-step form that works without JS.

Step one: fill the address (without JS, "Chọn tỉnh" reloads the ward list for the province);
step two: see the postage and confirm. With JS, htmx refills the ward list and the confirm
goes through the outbox (static/js/postal.js) to the API. Until the post takes anything the
same two steps change the request (step two shows what changes and the new postage), and a
one-step form cancels it. Each form carries its own key, like every citizen write.
"""

import uuid

from flask import abort, redirect, render_template, request, url_for

from app.citizen import bp
from app.citizen.access import dossier_or_404
from app.lib import places
from app.models import Status
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token
from app.services.errors import DomainError
from app.services.postal import changes as postal_changes
from app.services.postal import requests as postal
from app.web.answers import refused

FIELDS = ("direction", "recipient_name", "phone", "email", "street", "province", "ward", "note")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _render(dossier, values: dict, errors: dict, *, step: str = "form", quote: int | None = None,
            summary: str | None = None, status: int = 200, diff=None):
    province = _int(values.get("province"))
    return render_template(
        "citizen/postal.html", dossier=dossier, values=values, errors=errors, step=step,
        quote=quote, summary=summary, provinces=places.provinces(), wards=places.wards(province),
        token=access_token(dossier), current=postal.latest(dossier), places=places,
        allowed=dossier.procedure.postal_allowed, open=dossier.status in Status.OPEN, diff=diff,
        cancel_id=str(uuid.uuid4()),
    ), status


def _posted() -> dict:
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    values["client_id"] = request.form.get("client_id", "")
    try:
        uuid.UUID(values["client_id"])
    except ValueError:
        abort(400)
    return values


def _values_of(dossier) -> dict:
    """The form's starting values: the request still open to change, else the application."""
    current = postal.latest(dossier)
    if current is not None and current.can_change:
        values = {"direction": current.direction, "recipient_name": current.recipient_name,
                  "phone": current.phone, "email": current.email, "street": current.street,
                  "province": str(current.province_code), "ward": str(current.ward_code),
                  "note": current.note}
    else:
        values = {"direction": "result", "recipient_name": dossier.applicant_name,
                  "phone": dossier.applicant_phone, "email": dossier.applicant_email}
        to = dossier.organisation.default_address if dossier.organisation is not None else None
        if to is not None:  # filed for an organisation: its default postal address
            values |= {"recipient_name": to.recipient_name, "phone": to.phone, "street": to.street,
                       "province": str(to.province_code), "ward": str(to.ward_code)}
    return values | {"client_id": str(uuid.uuid4())}


def _refused(dossier, values: dict, exc: DomainError):
    return _render(dossier, values, refused(exc), summary=exc.message, status=exc.status)


@bp.get("/ho-so/<code>/buu-chinh")
def postal_form(code: str):
    """Show the postal request form, filled from the application (or from the request to change)."""
    dossier = dossier_or_404(code)
    return _render(dossier, _values_of(dossier), {})


@bp.post("/ho-so/<code>/buu-chinh")
def postal_request(code: str):
    """Reload wards, show the postage, or register the request (through the idempotent path)."""
    dossier = dossier_or_404(code)
    values = _posted()
    action = request.form.get("action", "preview")
    if action == "province":
        return _render(dossier, values, {})
    try:
        if action == "confirm":
            postal.register(dossier, values, values["client_id"], Actor.citizen(dossier))
            return redirect(url_for("citizen.status", code=code, sent="buu-chinh"), 303)
        clean = postal.validate(dossier, values)
    except DomainError as exc:
        return _refused(dossier, values, exc)
    return _render(dossier, values, {}, step="confirm", quote=clean["fee"])


@bp.post("/ho-so/<code>/buu-chinh/<int:request_id>/sua")
def postal_change(code: str, request_id: int):
    """Reload wards, show what changes and the new postage, or apply the change."""
    dossier = dossier_or_404(code)
    values = _posted()
    action = request.form.get("action", "preview")
    try:
        req = postal_changes.find(dossier, request_id)
        if action == "province":
            return _render(dossier, values, {})
        if action == "confirm":
            postal_changes.change(dossier, req.id, values, values["client_id"], Actor.citizen(dossier))
            return redirect(url_for("citizen.status", code=code, sent="buu-chinh"), 303)
        clean = postal.validate(dossier, values)
        diff = postal_changes.preview(req, clean)
    except DomainError as exc:
        return _refused(dossier, values, exc)
    return _render(dossier, values, {}, step="confirm", quote=clean["fee"], diff=diff)


@bp.post("/ho-so/<code>/buu-chinh/<int:request_id>/huy")
def postal_cancel(code: str, request_id: int):
    """Cancel the request before the post takes anything; a timeline entry says so."""
    dossier = dossier_or_404(code)
    key = request.form.get("client_id", "")
    try:
        uuid.UUID(key)
    except ValueError:
        abort(400)
    try:
        postal_changes.cancel(dossier, request_id, {"reason": request.form.get("reason", "")}, key,
                              Actor.citizen(dossier))
    except DomainError as exc:
        return _refused(dossier, _values_of(dossier), exc)
    return redirect(url_for("citizen.status", code=code, sent="huy-buu-chinh"), 303)


@bp.get("/dia-gioi/phuong-xa")
def ward_options():
    """Return the <option>s of a province's wards (htmx swaps them into the ward select)."""
    wards = places.wards(_int(request.args.get("province")))
    return render_template("citizen/_ward_options.html", wards=wards, selected=0)
