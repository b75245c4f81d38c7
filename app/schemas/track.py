"""A tracking lookup as the device sends it: the dossier code and the phone or ID number."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from app.lib.marks import N_
from app.schemas.dossier import REQUIRED, text

# What the applicant gave when applying; older outbox items send it as `phone` or `id_number`.
SECRET = {"load_default": "", "validate": validate.Length(max=40, error=N_("Tối đa {max} ký tự.")),
          "error_messages": {"invalid": N_("Giá trị không hợp lệ.")}}


class TrackSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    code = text(64)
    secret = fields.String(**SECRET)
    phone = fields.String(**SECRET)
    id_number = fields.String(**SECRET)

    @validates_schema(skip_on_field_errors=False)  # say so even when the code is missing too
    def _one_secret(self, data, **_):
        if not any(str(data.get(k, "")).strip() for k in ("secret", "phone", "id_number")):
            raise ValidationError(REQUIRED["required"], "secret")

    @post_load
    def _pair(self, data, **_):
        secret = next(v for k in ("secret", "phone", "id_number") if (v := data.get(k, "").strip()))
        return {"code": data["code"].strip(), "secret": secret}
