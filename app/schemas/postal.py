"""A postal request, as the PWA posts it and the plain form is turned into."""

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from app.lib.marks import N_
from app.lib.places import ward_in_province, wards
from app.models.postal import DIRECTIONS, LEGS, STATES
from app.schemas.bounded import DbInteger
from app.schemas.dossier import REQUIRED, Contact, Trimmed, text

CODE = {"required": REQUIRED["required"], "null": REQUIRED["null"],
        "invalid": N_("Vui lòng chọn từ danh sách.")}


class PostalRequestSchema(Contact):
    direction = fields.String(required=True, error_messages=REQUIRED, validate=validate.OneOf(
        DIRECTIONS, error=N_("Vui lòng chọn gửi kết quả, gửi bản gốc hồ sơ, hoặc cả hai.")))
    recipient_name = text(255)
    phone = text(20)
    email = fields.Email(load_default="", validate=validate.Length(max=255),
                         error_messages={"invalid": N_("Địa chỉ email không hợp lệ.")})
    street = text(255)
    province = DbInteger(required=True, strict=False, error_messages=CODE)
    ward = DbInteger(required=True, strict=False, error_messages=CODE)
    note = text(500, required=False, load_default="")

    @validates("province")
    def _province(self, value: int, **_):
        if not wards(value):
            raise ValidationError(N_("Tỉnh, thành phố không hợp lệ."))

    @validates_schema
    def _ward(self, data, **_):
        # The ward must be one of the chosen province's: both come from the post-2025 list.
        if "province" in data and "ward" in data and not ward_in_province(data["ward"], data["province"]):
            raise ValidationError(N_("Phường, xã này không thuộc tỉnh, thành phố đã chọn."), "ward")


class PostalCancelSchema(Trimmed):
    """Why the applicant cancels (optional); the proof travels beside it."""

    reason = fields.String(load_default="", validate=validate.Length(max=500))


class PostalLegSchema(Schema):
    state = fields.String(required=True, metadata={"enum": list(STATES)})
    waybill = fields.String(required=True, allow_none=True)


class PostalSummarySchema(Schema):
    """What the device shows about a postal request once the server holds it."""

    code = fields.String(required=True)
    status = fields.Integer(required=True, metadata={"description": "the dossier's status, 1-10"})
    request_id = fields.Integer(required=True, metadata={"description": "for /change and /cancel"})
    postal_state = fields.String(required=True, metadata={"enum": list(STATES)})
    direction = fields.String(required=True, metadata={"enum": list(DIRECTIONS)})
    fee = fields.Integer(required=True, metadata={"description": "VND"})
    waybill = fields.String(required=True, allow_none=True)
    legs = fields.Dict(keys=fields.String(metadata={"enum": list(LEGS)}),
                       values=fields.Nested(PostalLegSchema), required=True)
    can_change = fields.Boolean(required=True)
    receipt_url = fields.String(required=True, metadata={"description": "the status page, signed (90 days)"})
