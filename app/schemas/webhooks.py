"""What a webhook carries (services/webhooks/queue.py `payload` builds it), for the OpenAPI document.

A thin payload, as Standard Webhooks recommends: what happened and where to read the dossier
(GET with the agency's token); the receiver fetches the rest. A test checks real deliveries
against the document built from these.
"""

from marshmallow import Schema, fields, validate

from app.models.status import Status


class WebhookDataSchema(Schema):
    code = fields.String(required=True, metadata={"description": "the dossier's code (MaHoSo)"})
    status = fields.Integer(required=True, validate=validate.OneOf([int(s) for s in Status]), metadata={
        "description": "the national status code (1-10) as committed (the events of one commit carry the "
                       "same status and version)"})
    version = fields.Integer(required=True, validate=validate.Range(min=1), metadata={
        "description": "the dossier's version as committed; send it back with a transition"})
    changed_at = fields.String(required=True, metadata={
        "format": "date-time", "description": "when the change was committed (UTC)"})
    url = fields.String(required=True, metadata={
        "format": "uri", "description": "GET it with the agency's token: the dossier and its documents"})


class WebhookEventSchema(Schema):
    """The JSON body of every webhook; `type` names the event (the document lists each)."""

    type = fields.String(required=True, metadata={"description": "the event, e.g. dossier.status_changed"})
    timestamp = fields.String(required=True, metadata={
        "format": "date-time", "description": "when the event happened (UTC)"})
    data = fields.Nested(WebhookDataSchema, required=True)
