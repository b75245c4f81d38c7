"""The admin catalogue forms: an agency, a procedure's required document."""

from marshmallow import fields, validate

from app.lib.marks import N_
from app.schemas.dossier import REQUIRED
from app.schemas.staff import Lenient

# The types an upload can be (app/services/uploads.py finds them by content).
FILE_TYPES = ("pdf", "jpeg", "png")
TOO_LONG = N_("Tối đa {max} ký tự.")


def text(max_len: int, required: bool = False) -> fields.String:
    """A text field with Vietnamese messages; blank counts as not given (see Lenient)."""
    length = validate.Length(max=max_len, error=TOO_LONG)
    if required:
        return fields.String(required=True, error_messages=REQUIRED, validate=length)
    return fields.String(load_default="", validate=length)


class AgencySchema(Lenient):
    # The electronic identifier (QĐ 20/2020), e.g. 000.01.00.H40.
    code = fields.String(required=True, error_messages=REQUIRED, validate=[
        validate.Length(max=32, error=TOO_LONG),
        validate.Regexp(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$",
                        error=N_("Mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm và gạch ngang."))])
    name = text(255, required=True)
    short_name = text(32)
    address = text(255)
    # A checkbox: left unticked, the agency stops taking new dossiers.
    active = fields.Boolean(load_default=False, error_messages={"invalid": N_("Giá trị không hợp lệ.")})


class RequirementSchema(Lenient):
    name = text(500, required=True)
    mandatory = fields.Boolean(load_default=False)
    types = fields.List(fields.String(), required=True, error_messages={
        "required": N_("Chọn ít nhất một loại tệp.")}, validate=[
        validate.Length(min=1, error=N_("Chọn ít nhất một loại tệp.")),
        validate.ContainsOnly(FILE_TYPES, error=N_("Loại tệp không hợp lệ."))])
