"""POST /api/v1/dossiers/<code>/rating: rate the handling once, also from the outbox."""

from flask import jsonify

from app.api import bp
from app.api.writes import citizen_write
from app.extensions import limiter
from app.models import Level
from app.services.dossiers import ratings
from app.services.dossiers.tracking import track_limit


@bp.post("/dossiers/<code>/rating")
@limiter.shared_limit(track_limit, scope="track")
def rate(code: str):
    """Record the rating; a replay answers 200, a second rating 409 already_rated."""
    key, payload, dossier = citizen_write(code)
    rating, created = ratings.rate(dossier, payload, key)
    body = {"code": dossier.code, "level": rating.level, "level_label": str(Level(rating.level).label),
            "rated_at": rating.created_at.isoformat() + "Z"}
    return jsonify(body), 201 if created else 200
