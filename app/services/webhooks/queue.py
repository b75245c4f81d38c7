"""Queue outbound messages in the transaction that made the change (the `on_commit` listener)."""

import secrets

from flask import current_app, has_app_context
from sqlalchemy import or_, select

from app.extensions import db
from app.lib.time import utcnow
from app.models import Agency, Dossier, WebhookDelivery, WebhookSubscription
from app.services.integration.changes import Change, on_commit
from app.services.webhooks import portal


def new_event_id() -> str:
    """A unique message id, the `webhook-id` a receiver dedupes on."""
    return "msg_" + secrets.token_urlsafe(18)


def payload(change: Change, at) -> dict:
    """The thin payload: what happened, and where to fetch the dossier (with the agency's token)."""
    dossier = change.dossier
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    stamp = at.isoformat(timespec="seconds") + "Z"
    return {"type": change.event, "timestamp": stamp,
            "data": {"code": dossier.code, "status": dossier.status, "version": dossier.version,
                     "changed_at": stamp, "url": f"{base}/api/v1/agency/dossiers/{dossier.code}"}}


def _subscribers(session, dossier: Dossier) -> list[WebhookSubscription]:
    """Active subscriptions that see this dossier: its agency's, and the centre's (it sees all)."""
    centre = select(Agency.id).where(Agency.is_centre.is_(True))
    return list(session.execute(
        select(WebhookSubscription).where(
            WebhookSubscription.active.is_(True),
            or_(WebhookSubscription.agency_id == dossier.agency_id,
                WebhookSubscription.agency_id.in_(centre)))
        .order_by(WebhookSubscription.id)).scalars())


@on_commit
def queue_changes(changes: list[Change]) -> None:
    """Write a delivery per (change, subscriber wanting it), and the portal's records when configured."""
    if not has_app_context():
        return
    session, now = db.session, utcnow()
    cache: dict[int, list[WebhookSubscription]] = {}
    for change in changes:
        dossier = change.dossier
        if dossier.id is None:
            continue
        subs = cache.get(dossier.id)
        if subs is None:
            subs = cache[dossier.id] = _subscribers(session, dossier)
        for sub in subs:
            if change.event in sub.event_list:
                session.add(WebhookDelivery(
                    kind="webhook", subscription_id=sub.id, event_id=new_event_id(), event_type=change.event,
                    dossier_id=dossier.id, dossier_code=dossier.code, payload=payload(change, now),
                    created_at=now, next_attempt_at=now))
        if current_app.config.get("NATIONAL_PORTAL_URL"):
            for service, record in portal.records(session, change):
                session.add(WebhookDelivery(
                    kind="portal", event_id=new_event_id(), event_type=service, dossier_id=dossier.id,
                    dossier_code=dossier.code, payload=record, created_at=now, next_attempt_at=now))
