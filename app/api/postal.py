"""POST /api/v1/dossiers/<code>/postal-requests[/<id>/change|cancel]: postal requests from the outbox."""

from collections.abc import Callable

from flask import jsonify, url_for

from app.api import bp
from app.api.writes import citizen_write
from app.extensions import limiter
from app.models import PostalRequest
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token, track_limit
from app.services.postal import changes as postal_changes
from app.services.postal import requests as postal


def postal_summary(req: PostalRequest) -> dict:
    """What the device shows about a postal request once the server holds it."""
    dossier = req.dossier
    main = req.leg("result") or req.leg("originals")
    return {
        "code": dossier.code, "status": dossier.status, "request_id": req.id, "postal_state": req.state,
        "direction": req.direction, "fee": req.fee, "waybill": (main.waybill or None) if main else None,
        "legs": {leg.kind: {"state": leg.state, "waybill": leg.waybill or None} for leg in req.legs},
        "can_change": req.can_change,
        "receipt_url": url_for("citizen.status", code=dossier.code, t=access_token(dossier)),
    }


@bp.post("/dossiers/<code>/postal-requests")
@limiter.shared_limit(track_limit, scope="track")
def create_postal_request(code: str):
    """Register a postal request for the dossier, exactly once per Idempotency-Key."""
    key, payload, dossier = citizen_write(code)
    req, created = postal.register(dossier, payload, key, Actor.citizen(dossier))
    return jsonify(postal_summary(req)), 201 if created else 200


def _amend(amendment: Callable[..., PostalRequest], code: str, request_id: int):
    """A change or a cancellation by the citizen: the same key and proof, the request's summary back."""
    key, payload, dossier = citizen_write(code)
    return jsonify(postal_summary(amendment(dossier, request_id, payload, key, Actor.citizen(dossier))))


@bp.post("/dossiers/<code>/postal-requests/<int:request_id>/change")
@limiter.shared_limit(track_limit, scope="track")
def change_postal_request(code: str, request_id: int):
    """Change the details of a request not yet handed to the post; priced again."""
    return _amend(postal_changes.change, code, request_id)


@bp.post("/dossiers/<code>/postal-requests/<int:request_id>/cancel")
@limiter.shared_limit(track_limit, scope="track")
def cancel_postal_request(code: str, request_id: int):
    """Cancel a request not yet handed to the post; `reason` in the body is optional."""
    return _amend(postal_changes.cancel, code, request_id)
