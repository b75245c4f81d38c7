"""Dossiers a department received in its own system, brought in through the one submission path.

The department's own id is the Idempotency-Key. The dossier is made by
submissions.create_dossier (the same checks, code, acknowledgement as any other), then
accepted and forwarded at the time it was received, by the token acting as the counter that
received it: the centre's report counts a dossier from its acceptance, and the department,
which already holds it, goes on processing it here (status 4) with its own transitions.
"""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from marshmallow import ValidationError

from app.extensions import db
from app.lib.time import utcnow
from app.models import ApiToken, Dossier, Role, Status
from app.models.status import Channel
from app.schemas import flatten_errors
from app.schemas.agency import ImportSchema
from app.services import workflow
from app.services.actors import Actor
from app.services.catalogue import procedures as catalogue
from app.services.dossiers import submissions
from app.services.errors import Invalid
from app.services.files import claims
from app.services.integration import requests
from app.services.integration.acting import summary
from app.services.integration.tokens import actor_for, scope_agency_id

NAMESPACE = uuid.UUID("5d7c52a8-4f0e-4e53-9a43-3b7a1f0c2e61")  # client ids of imported dossiers
META = ("channel", "received_at")
SKEW, OLDEST = timedelta(minutes=5), timedelta(days=366)


def client_id(agency_id: int, key: str) -> str:
    """The dossier's client_id: one per (agency, department's id), so create_dossier replays too."""
    return str(uuid.uuid5(NAMESPACE, f"{agency_id}:{key}"))


def _meta(payload: dict) -> tuple[int, datetime]:
    """Read how and when the department received it; Invalid with per-field messages."""
    try:
        meta = ImportSchema(only=META).load({k: payload[k] for k in META if k in payload})
    except ValidationError as exc:
        raise Invalid(_("Hồ sơ còn thông tin chưa hợp lệ."), flatten_errors(exc.messages)) from exc
    now = utcnow()
    received = meta["received_at"].astimezone(UTC).replace(tzinfo=None) if meta["received_at"] else now
    if not now - OLDEST <= received <= now + SKEW:
        raise Invalid(_("Hồ sơ còn thông tin chưa hợp lệ."),
                      {"received_at": [_("Thời điểm tiếp nhận phải trong vòng một năm trở lại đây.")]})
    return int(Channel[meta["channel"].upper()]), min(received, now)


def _carry_on(dossier: Dossier, intake: Actor, received: datetime) -> None:
    """Accept and forward it as it was received, whichever of the two is still to do."""
    for _attempt in range(3):  # a twin resuming the same import may move it first
        try:
            if dossier.status == Status.SUBMITTED:
                workflow.accept(dossier, intake, version=dossier.version, at=received)
            if dossier.status == Status.ACCEPTED:
                workflow.forward(dossier, intake, version=dossier.version, at=received)
            return
        except workflow.Stale:
            db.session.rollback()


def import_dossier(token: ApiToken, payload: dict, key: str | None) -> tuple[int, dict, bool]:
    """Bring in a dossier the token's agency received; once per Idempotency-Key (its own id)."""
    key = requests.check_key(key)
    actor = actor_for(token)
    channel, received = _meta(payload)
    manifest = {k: v for k, v in payload.items() if k not in META}
    procedure = catalogue.find_procedure(str(manifest.get("procedure", "")))
    own = scope_agency_id(actor)
    if procedure is not None and own is not None and procedure.agency_id != own:
        raise Invalid(_("Hồ sơ còn thông tin chưa hợp lệ."),
                      {"procedure": [_("Thủ tục này không thuộc cơ quan của mã truy cập.")]})
    # The department's own counter received it: for these two steps it acts as the reception.
    intake = replace(actor, role=Role.RECEPTION)

    def make(claim) -> requests.Answer:
        dossier, created = submissions.create_dossier(
            manifest, client_id(token.agency_id, key), channel=channel, actor=actor.as_tuple(),
            received=received, language="vi", holders=[claims.agency(token.agency_id)])
        claim.dossier_id = dossier.id
        _carry_on(dossier, intake, received)
        return 201 if created else 200, summary(dossier)

    def resume(claim) -> requests.Answer:
        status, body = make(claim)
        return 200, body

    stored = {**manifest, "channel": channel, "received_at": payload.get("received_at")}
    return requests.run_once(token.agency_id, key, "import", stored, make, resume)
