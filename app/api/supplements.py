"""POST /api/v1/dossiers/<code>/supplements: answer a supplement request from the outbox."""

from flask import jsonify

from app.api import bp
from app.api.writes import citizen_write
from app.extensions import limiter
from app.services.actors import Actor
from app.services.dossiers import supplements
from app.services.dossiers.tracking import track_limit
from app.web import sender


@bp.post("/dossiers/<code>/supplements")
@limiter.shared_limit(track_limit, scope="track")
def answer_supplement(code: str):
    """Attach the uploaded blobs as the answer to the open supplement request, exactly once."""
    key, payload, dossier = citizen_write(code)
    # Its files count only if this browser (or its account) uploaded them (services/files/claims.py).
    answered, created = supplements.answer(dossier, payload, key, Actor.citizen(dossier),
                                           holders=sender.holders())
    body = {
        "code": dossier.code, "status": dossier.status,
        "status_label": str(dossier.status_enum.label),
        "due_date": dossier.due_date.isoformat() if dossier.due_date else None,
        "supplement": answered.number, "answered_at": answered.answered_at.isoformat() + "Z",
    }
    return jsonify(body), 201 if created else 200
