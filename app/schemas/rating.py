"""A satisfaction rating as the page or the outbox sends it."""

from marshmallow import EXCLUDE, Schema, fields, validate

from app.lib.marks import N_
from app.schemas.bounded import DbInteger
from app.schemas.dossier import REQUIRED


class RatingSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    level = DbInteger(
        required=True, error_messages=REQUIRED | {"invalid": N_("Vui lòng chọn mức độ hài lòng.")},
        validate=validate.OneOf([1, 2, 3], error=N_("Vui lòng chọn mức độ hài lòng.")),
    )
    comment = fields.String(load_default="", validate=validate.Length(
        max=1000, error=N_("Tối đa {max} ký tự.")))
    officer = DbInteger(load_default=None, allow_none=True)


class RatingReplySchema(Schema):
    code = fields.String(required=True)
    level = fields.Integer(required=True, metadata={"enum": [1, 2, 3]})
    level_label = fields.String(required=True)
    rated_at = fields.String(required=True, metadata={"format": "date-time"})
