"""Staff-side input: queue filters from the URL and the forms behind each action."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from app.lib.marks import N_
from app.models import Role
from app.schemas.bounded import DbInteger
from app.schemas.dossier import REQUIRED

STATUS_CHOICES = ["open", "all", *[str(n) for n in range(1, 11)]]
INVALID = {"invalid": N_("Giá trị không hợp lệ.")}


class Lenient(Schema):
    """Blank form fields mean "not given"; unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _blank_is_missing(self, data, **_):
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()
                if not (isinstance(v, str) and not v.strip())}


class QueueArgsSchema(Lenient):
    status = fields.String(load_default="open", validate=validate.OneOf(STATUS_CHOICES))
    agency = DbInteger(load_default=None)
    procedure = DbInteger(load_default=None)
    channel = DbInteger(load_default=None, validate=validate.OneOf([1, 2, 3]))
    overdue = fields.Boolean(load_default=False)
    soon = fields.Boolean(load_default=False)
    q = fields.String(load_default="", validate=validate.Length(max=100))
    page = DbInteger(load_default=1, validate=validate.Range(min=1, max=100000))


def parse_queue_args(args) -> dict:
    """Read the queue filters from the URL, dropping any that do not parse (never a 422)."""
    schema = QueueArgsSchema()
    try:
        return schema.load(args.to_dict())
    except ValidationError as exc:
        good = {k: v for k, v in args.to_dict().items() if k not in exc.messages}
        return schema.load(good)


class SupplementRequestSchema(Lenient):
    items = fields.String(required=True, error_messages=REQUIRED,
                          validate=validate.Length(max=4000, error=N_("Tối đa {max} ký tự.")))
    deadline = fields.Date(required=True, error_messages=REQUIRED | {
        "invalid": N_("Ngày không hợp lệ (định dạng năm-tháng-ngày).")})


class UserSchema(Lenient):
    email = fields.Email(required=True, error_messages=REQUIRED | {
        "invalid": N_("Địa chỉ email không hợp lệ.")})
    name = fields.String(required=True, error_messages=REQUIRED, validate=validate.Length(max=255))
    role = fields.String(required=True, error_messages=REQUIRED, validate=validate.OneOf(
        [r.value for r in Role], error=N_("Vai trò không hợp lệ.")))
    agency_id = DbInteger(load_default=None, error_messages=INVALID)
    password = fields.String(required=True, error_messages=REQUIRED, validate=validate.Length(
        min=10, max=200, error=N_("Mật khẩu cần từ {min} đến {max} ký tự.")))


class ProcedureSchema(Lenient):
    name = fields.String(required=True, error_messages=REQUIRED, validate=validate.Length(max=500))
    processing_time = DbInteger(required=True, error_messages=REQUIRED | INVALID,
                                validate=validate.Range(min=0, max=365, error=N_("Từ {min} đến {max}.")))
    time_unit = fields.String(required=True, error_messages=REQUIRED, validate=validate.OneOf(
        ["working_day", "day", "hour"], error=N_("Đơn vị thời gian không hợp lệ.")))
    cutoff_hour = DbInteger(load_default=None, error_messages=INVALID,
                            validate=validate.Range(min=0, max=23, error=N_("Từ {min} đến {max}.")))
    fee = DbInteger(load_default=0, error_messages=INVALID,
                    validate=validate.Range(min=0, error=N_("Không được âm.")))
    fee_at_submission = fields.Boolean(load_default=False)
    postal_allowed = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=False)


class HolidaySchema(Lenient):
    day = fields.Date(required=True, error_messages=REQUIRED | {
        "invalid": N_("Ngày không hợp lệ (định dạng năm-tháng-ngày).")})
    name = fields.String(required=True, error_messages=REQUIRED, validate=validate.Length(max=255))
    is_working_day = fields.Boolean(load_default=False)
