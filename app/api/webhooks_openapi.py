"""The OpenAPI 3.1 `webhooks` object: every event a subscription can get, as it is sent.

The events are the subscriptions' own list (services/webhooks/subscriptions.py EVENTS), so an
event added there is described here or the document fails to build; the body is the schema of
app/schemas/webhooks.py with `type` fixed per event; the retry schedule and the timeout are
read from the worker's code and the configuration.
"""

from flask import current_app

from app.api.openapi import JSON, ref
from app.schemas.webhooks import WebhookEventSchema
from app.services.webhooks import delivery
from app.services.webhooks.subscriptions import EVENTS

WHAT = {  # event: (summary, description)
    "dossier.created": ("A dossier of the agency was filed", "Online, at the counter, by post, or "
                        "imported through POST /api/v1/agency/dossiers (status 4: forwarded in the "
                        "same commit)."),
    "dossier.status_changed": ("A dossier moved to another status", "Accepted, forwarded, supplement "
                               "asked, resolved, returned, ...; data.status is the new one."),
    "dossier.supplement_answered": ("The applicant answered a supplement request", "The documents asked "
                                    "for were sent; a dossier.status_changed follows as the dossier goes "
                                    "back to where it was."),
    "dossier.document_added": ("Documents were added to a dossier", "A supplement's documents, or the "
                               "result; read the dossier (data.url) to download them."),
}
HEADERS = [  # (name, pattern, description)
    ("webhook-id", "^msg_[A-Za-z0-9_-]+$",
     "the message's id: the same on every retry of one message; dedupe on it"),
    ("webhook-timestamp", "^[0-9]+$",
     "seconds since 1970 (UTC) when this attempt was signed; refuse one far from now"),
    ("webhook-signature", "^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$",
     "`v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">` keyed with the secret's bytes (base64 after "
     "whsec_); during a secret's rotation two, space-separated, either valid"),
]


def _wait(seconds: float) -> str:
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def _delivery() -> str:
    schedule = ", ".join(_wait(step.total_seconds()) for step in delivery.SCHEDULE)
    return (
        "Signed as Standard Webhooks says (verify with any of its libraries and the subscription's "
        "whsec_ secret) and sent at once by the worker from the outbox written with the change, in order "
        "per dossier: a dossier's next event waits until this one is accepted or given up. Thin: read "
        "data.url (GET, with the agency's token) for the dossier itself. A 2xx answer within "
        f"{current_app.config['WEBHOOK_TIMEOUT']} s accepts it; anything else is tried again after "
        f"{schedule} (each ±10 %), or after Retry-After when the answer has one (at most 24 h), then "
        "given up; 410 Gone switches the subscription off. When the endpoint accepts a message again, "
        f"those waiting out its outage (no answer, {', '.join(map(str, delivery.OUTAGE))}) are sent at "
        "once. Retries keep the webhook-id.")


def _operation(event: str) -> dict:
    summary, description = WHAT[event]
    body = {"allOf": [ref("WebhookEvent"), {"properties": {"type": {"const": event}}}]}
    return {"post": {
        "operationId": "webhook_" + event.replace(".", "_"),
        "summary": summary,
        "description": description + "\n\n" + _delivery(),
        "parameters": [{"name": name, "in": "header", "required": True, "description": text,
                        "schema": {"type": "string", "pattern": pattern}} for name, pattern, text in HEADERS],
        "requestBody": {"required": True, "content": {JSON: {"schema": body}}},
        "responses": {
            "2XX": {"description": "accepted: not sent again (the body is not read)"},
            "410": {"description": "Gone: the subscription is switched off; nothing more is sent until "
                                   "an administrator switches it on again"},
            "default": {"description": "not accepted (or no answer within the timeout): sent again on "
                                       "the schedule, or after Retry-After (seconds or an HTTP date)",
                        "headers": {"Retry-After": {"description": "when to try again",
                                                    "schema": {"type": "string"}}}},
        },
    }}


def describe(spec) -> None:
    """Add the payload's schema to `spec` (the webhooks themselves go in with `add`)."""
    spec.components.schema("WebhookEvent", schema=WebhookEventSchema)


def add(document: dict) -> dict:
    """Put the `webhooks` object in the built document: one entry per event a subscription can get."""
    document["webhooks"] = {event: _operation(event) for event in EVENTS}
    return document
