"""The department API (/api/v1/agency): what a department's system sends, and what it gets back.

Input schemas validate; output schemas describe the answers for the OpenAPI document (the
feed builds its items directly, for speed, and a test checks they match these).
"""

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from app.lib.marks import N_
from app.schemas.bounded import DbInteger, WholeItems
from app.schemas.dossier import REQUIRED, ManifestSchema
from app.schemas.photo_check import PhotoCheckSchema

INVALID = {"invalid": N_("Giá trị không hợp lệ."), "null": N_("Giá trị không hợp lệ.")}
ACTIONS = ("accept", "refuse", "forward", "request_supplement", "request_payment", "confirm_payment",
           "resolve", "return_counter", "request_withdrawal", "apologise", "stop", "decline_withdrawal")
DATE = {"invalid": N_("Ngày không hợp lệ (định dạng năm-tháng-ngày)."), "null": N_("Giá trị không hợp lệ.")}


class Strict(Schema):
    """Unknown fields are refused, so a misspelt field is an error rather than silently dropped."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": N_("Trường này không được hỗ trợ."),
                      "type": N_("Phải là một đối tượng JSON.")}


class ChangesArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the query string also carries ?lang=en and cache-busters

    after = fields.String(load_default=None, error_messages=INVALID,  # checked by feed.decode_cursor
                          metadata={"description": "next_cursor of the previous page; absent: the start"})
    limit = DbInteger(load_default=100, error_messages=INVALID, validate=validate.Range(
        min=1, max=500, error=N_("Từ {min} đến {max}.")), metadata={"description": "items per page (1-500)"})


class ResultRefSchema(Strict):
    sha256 = fields.String(required=True, error_messages=REQUIRED | INVALID, validate=validate.Regexp(
        r"^[0-9a-f]{64}$", error=N_("Mã SHA-256 không hợp lệ.")),
        metadata={"description": "uploaded first with PUT /api/v1/blobs/{sha256}"})
    name = fields.String(load_default="", error_messages=INVALID, validate=validate.Length(max=255))


class TransitionSchema(Strict):
    """One action on a dossier, with the version the client last read (a stale one is 412)."""

    action = fields.String(required=True, error_messages=REQUIRED | INVALID, validate=validate.OneOf(
        ACTIONS, error=N_("Thao tác không được hỗ trợ.")))
    version = DbInteger(required=True, error_messages=REQUIRED | INVALID, validate=validate.Range(
        min=1, error=N_("Phiên bản không hợp lệ.")))
    note = fields.String(load_default="", error_messages=INVALID, validate=validate.Length(
        max=2000, error=N_("Tối đa {max} ký tự.")))
    items = fields.List(fields.String(error_messages=INVALID, validate=validate.Length(
                            min=1, max=500, error=N_("Từ 1 đến 500 ký tự."))),
                        load_default=list, error_messages=INVALID,
                        validate=validate.Length(max=30, error=N_("Tối đa {max} mục.")),
                        metadata={"description": "request_supplement: what is missing, one entry each"})
    deadline = fields.Date(load_default=None, error_messages=DATE,
                           metadata={"description": "request_supplement: by when the applicant answers"})
    results = WholeItems(fields.Nested(ResultRefSchema), load_default=list, error_messages=INVALID,
                         validate=validate.Length(max=10, error=N_("Tối đa {max} tệp.")),
                         metadata={"description": "resolve: the result documents, by blob hash"})
    return_method = fields.String(load_default="", error_messages=INVALID, validate=validate.OneOf(
        ("", "counter", "electronic", "post"), error=N_("Cách trả kết quả không hợp lệ.")),
        metadata={"description": "resolve: counter, electronic or post"})
    new_date = fields.Date(load_default=None, error_messages=DATE,
                           metadata={"description": "apologise: the new appointment date"})


class ImportSchema(ManifestSchema):
    """A dossier a department received in its own system: a manifest plus how and when it came."""

    channel = fields.String(required=True, error_messages=REQUIRED | INVALID, validate=validate.OneOf(
        ("counter", "online", "post"), error=N_("Kênh tiếp nhận phải là counter, online hoặc post.")))
    received_at = fields.AwareDateTime(
        load_default=None, allow_none=True,
        error_messages={"invalid": N_("Thời điểm không hợp lệ (ISO 8601, kèm múi giờ)."),
                        "invalid_awareness": N_("Thời điểm phải kèm múi giờ, ví dụ +07:00.")},
        metadata={"description": "when the department received it (ISO 8601 with offset); default now"})


class DocumentItemSchema(Schema):
    id = fields.Integer()
    round = fields.String(metadata={"description": "initial, supplement-N or result"})
    requirement = fields.Integer(allow_none=True)
    name = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    created_at = fields.String(metadata={"format": "date-time"})
    photo_check = fields.Nested(PhotoCheckSchema, allow_none=True, metadata={
        "description": "what the applicant's phone found wrong with this photo when they kept it "
                       "(issues [] = it passed); null: not checked (a PDF, the counter, older dossiers)"})
    url = fields.String(metadata={"description": "download with the same token"})


class ApplicantItemSchema(Schema):
    kind = fields.String()
    name = fields.String()
    id_number = fields.String()
    phone = fields.String()
    address = fields.String()


class DossierItemSchema(Schema):
    code = fields.String()
    status = fields.Integer(metadata={"description": "1-10, the national status codes"})
    status_label = fields.String()
    version = fields.Integer(metadata={"description": "send it back with a transition"})
    change_seq = fields.Integer(allow_none=True)
    channel = fields.String(metadata={"description": "counter, online or post"})
    procedure = fields.Dict()
    received_at = fields.String(metadata={"format": "date-time"})
    accepted_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    due_date = fields.String(allow_none=True, metadata={"format": "date"})
    finished_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    returned_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    return_method = fields.String()
    applicant = fields.Nested(ApplicantItemSchema)
    organisation = fields.Dict(allow_none=True, metadata={"description": "tax_code and contact_name"})
    fields_ = fields.Dict(data_key="fields")
    documents = fields.List(fields.Nested(DocumentItemSchema))
    timeline = fields.List(fields.Dict(), metadata={
        "description": "only on GET /agency/dossiers/{code}; each entry's note and actor as the "
                       "centre records them, in Vietnamese whatever the request's language"})


class ChangesPageSchema(Schema):
    items = fields.List(fields.Nested(DossierItemSchema))
    next_cursor = fields.String(metadata={"description": "pass as `after`; the same one when nothing is new"})
    has_more = fields.Boolean()


class ActionResultSchema(Schema):
    code = fields.String()
    status = fields.Integer()
    status_label = fields.String()
    version = fields.Integer()
