"""POST /api/v1/dossiers/<code>/postal-requests: ask for postal return from the outbox."""

from flask import jsonify, url_for

from app.api import bp
from app.api.writes import citizen_write
from app.extensions import limiter
from app.models import PostalRequest
from app.services import postal
from app.services.actors import Actor
from app.services.tracking import access_token, track_limit


def postal_summary(req: PostalRequest) -> dict:
    """What the device shows about a postal request once the server holds it."""
    dossier = req.dossier
    return {
        "code": dossier.code, "status": dossier.status, "postal_state": req.state,
        "direction": req.direction, "fee": req.fee, "waybill": req.waybill or None,
        "receipt_url": url_for("citizen.status", code=dossier.code, t=access_token(dossier)),
    }


@bp.post("/dossiers/<code>/postal-requests")
@limiter.shared_limit(track_limit, scope="track")
def create_postal_request(code: str):
    """Register a postal request for the dossier, exactly once per Idempotency-Key."""
    key, payload, dossier = citizen_write(code)
    req, created = postal.register(dossier, payload, key, Actor.citizen(dossier))
    return jsonify(postal_summary(req)), 201 if created else 200
