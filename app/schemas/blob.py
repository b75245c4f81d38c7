"""What the server says about a stored file (PUT and GET /api/v1/blobs/{sha256})."""

from marshmallow import Schema, fields, validate

from app.lib.marks import N_

SHA256_PATTERN = r"^[0-9a-f]{64}$"


def sha256_field(**kw) -> fields.String:
    """A file named by the SHA-256 of its bytes (lower-case hex), as the device sends it."""
    return fields.String(
        required=True, validate=validate.Regexp(SHA256_PATTERN, error=N_("Mã SHA-256 không hợp lệ.")), **kw)


class BlobSchema(Schema):
    sha256 = fields.String(required=True, metadata={"pattern": SHA256_PATTERN})
    size = fields.Integer(required=True, metadata={"description": "bytes held", "minimum": 0})
    media_type = fields.String(required=True, metadata={
        "enum": ["application/pdf", "image/jpeg", "image/png"],
        "description": "judged from the bytes, never from what the client said"})
