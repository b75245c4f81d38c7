"""What the server says about a stored file (PUT and GET /api/v1/blobs/{sha256})."""

from marshmallow import Schema, fields

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class BlobSchema(Schema):
    sha256 = fields.String(required=True, metadata={"pattern": SHA256_PATTERN})
    size = fields.Integer(required=True, metadata={"description": "bytes held", "minimum": 0})
    media_type = fields.String(required=True, metadata={
        "enum": ["application/pdf", "image/jpeg", "image/png"],
        "description": "judged from the bytes, never from what the client said"})
