"""The API's one error shape, for the OpenAPI document (app/errors.api_error writes it)."""

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """Every 4xx and 5xx answer of /api/v1: a stable code, a message to show, and details."""

    error = fields.String(required=True, metadata={
        "description": "a stable code to act on: invalid, not_found, blobs_missing, idempotency_conflict..."})
    message = fields.String(required=True, metadata={"description": "what to tell the person, in words"})
    details = fields.Raw(required=True, allow_none=True, metadata={
        "description": "null, or what the code needs: field messages {\"field\": [\"...\"]}, the missing "
                       "hashes, the current version, ..."})
