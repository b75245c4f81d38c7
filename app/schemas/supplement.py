"""The answer to a supplement request, as the PWA posts it and the plain form is turned into."""

from marshmallow import EXCLUDE, Schema, fields, validate

from app.lib.marks import N_
from app.schemas.blob import sha256_field
from app.schemas.bounded import DbInteger, WholeItems
from app.schemas.dossier import REQUIRED
from app.schemas.photo_check import PhotoChecked, PhotoCheckSchema


class SupplementDocumentSchema(PhotoChecked):
    class Meta:
        unknown = EXCLUDE

    sha256 = sha256_field(error_messages=REQUIRED)
    name = fields.String(load_default="", validate=validate.Length(max=255))
    requirement = DbInteger(load_default=None, allow_none=True)
    # What the phone found wrong with this photo (schemas/photo_check.py), as on the dossier's manifest.
    check = fields.Nested(PhotoCheckSchema, allow_none=True)


class SupplementAnswerSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    documents = WholeItems(
        fields.Nested(SupplementDocumentSchema), required=True, error_messages=REQUIRED,
        validate=validate.Length(min=1, max=30, error=N_("Cần từ 1 đến 30 tệp bổ sung.")),
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000,
                                                                  error=N_("Tối đa {max} ký tự.")))
    # Which round the answer is for (the page's 1, 2...): a device that queued round 1 must
    # not answer round 2. Optional, for clients that predate it.
    supplement = DbInteger(load_default=None, allow_none=True,
                           metadata={"description": "the number of the request answered"})


class SupplementReplySchema(Schema):
    code = fields.String(required=True)
    status = fields.Integer(required=True, metadata={"description": "the dossier's status, 1-10"})
    status_label = fields.String(required=True)
    due_date = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    supplement = fields.Integer(required=True, metadata={"description": "which request it answers: 1, 2..."})
    answered_at = fields.String(required=True, metadata={"format": "date-time"})
