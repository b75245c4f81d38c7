"""The dossier manifest: what the PWA posts and what the plain form is turned into."""

import re
from collections import Counter

from flask import current_app
from flask_babel import gettext
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from app.lib.identity import check_personal_id, normalise_phone
from app.lib.marks import N_
from app.schemas.blob import sha256_field
from app.schemas.bounded import DbInteger, WholeItems
from app.schemas.photo_check import PhotoChecked, PhotoCheckSchema

REQUIRED = {"required": N_("Vui lòng nhập thông tin này."), "null": N_("Vui lòng nhập thông tin này.")}


def text(max_len: int, required: bool = True, **kw) -> fields.String:
    """A trimmed text field with Vietnamese messages."""
    validators = [validate.Length(max=max_len, error=N_("Tối đa {max} ký tự."))]
    if required:
        validators.append(validate.Length(min=1, error=N_("Vui lòng nhập thông tin này.")))
    return fields.String(
        required=required, validate=validators, error_messages=REQUIRED | {
            "invalid": N_("Giá trị không hợp lệ.")}, **kw
    )


OBJECT = {"type": N_("Phải là một đối tượng JSON ({...}).")}  # a list or a text where {...} belongs
INVALID = {"invalid": N_("Giá trị không hợp lệ."), "null": N_("Giá trị không hợp lệ.")}


class Trimmed(Schema):
    class Meta:
        unknown = EXCLUDE

    error_messages = OBJECT

    def load(self, data, **kw):
        if isinstance(data, dict):
            data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return super().load(data, **kw)


class Contact(Trimmed):
    """A person reached by a `phone` field (a Vietnamese mobile, stored in one form) and an
    optional `email` field ("" is none): the subclass declares both, in its own order."""

    @validates("phone")
    def _phone(self, value: str, **_):
        if normalise_phone(value) is None:
            raise ValidationError(
                N_("Số di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.")
            )

    def load(self, data, **kw):
        if isinstance(data, dict) and data.get("email") == "":
            data = {k: v for k, v in data.items() if k != "email"}
        result = super().load(data, **kw)
        result["phone"] = normalise_phone(result["phone"])
        return result


class ApplicantSchema(Contact):
    name = text(255)
    id_number = text(12)
    phone = text(20)
    email = fields.Email(
        load_default="", validate=validate.Length(max=255),
        error_messages={"invalid": N_("Địa chỉ email không hợp lệ.")},
    )
    address = text(500)

    @validates("id_number")
    def _id_number(self, value: str, **_):
        if problem := check_personal_id(value):
            raise ValidationError(problem)



class DocumentRefSchema(PhotoChecked):
    error_messages = OBJECT

    requirement = DbInteger(required=True, error_messages=REQUIRED)
    sha256 = sha256_field(error_messages=REQUIRED)
    name = fields.String(load_default="", validate=validate.Length(max=255), error_messages=INVALID)
    # What the phone found wrong with this photo (schemas/photo_check.py).
    check = fields.Nested(PhotoCheckSchema, allow_none=True)


class ManifestSchema(Schema):
    """A dossier as the device sends it: plain values plus blob hashes per requirement."""

    class Meta:
        unknown = EXCLUDE

    procedure = fields.String(required=True, error_messages=REQUIRED)
    applicant = fields.Nested(ApplicantSchema, required=True, error_messages=REQUIRED)
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.Raw(allow_none=True),
        load_default=dict, error_messages=INVALID,
    )
    documents = WholeItems(fields.Nested(DocumentRefSchema), load_default=list, error_messages=INVALID)
    return_method = fields.String(
        load_default="counter", error_messages=INVALID,
        validate=validate.OneOf(["counter", "post", "electronic"],
                                error=N_("Cách nhận kết quả không hợp lệ.")),
    )
    local_ref = fields.String(load_default="", validate=validate.Length(max=32), error_messages=INVALID)
    # Filed for this organisation (its id), or personal (absent / null). Only a request: the
    # server checks the signed-in account's membership (services/organisations.filing_for).
    organisation = fields.Integer(
        allow_none=True, strict=True,
        validate=validate.Range(min=1, max=2**31 - 1, error=N_("Tổ chức không hợp lệ.")),
        error_messages={"invalid": N_("Tổ chức không hợp lệ.")},
    )

    @post_load
    def _personal(self, data: dict, **_):
        # A personal dossier has no key at all, so it hashes as it did before the key existed
        # (an outbox item queued then still replays as the same dossier).
        if data.get("organisation") is None:
            data.pop("organisation", None)
        return data

    @validates_schema
    def _document_caps(self, data, **_):
        # A schema check, so the documents stay in valid_data and are judged one by one too.
        documents, config = data.get("documents") or [], current_app.config
        most, most_each = config["MAX_DOCUMENTS_PER_DOSSIER"], config["MAX_DOCUMENTS_PER_REQUIREMENT"]
        if len(documents) > most:
            raise ValidationError(gettext("Một hồ sơ có tối đa %(max)d tệp.", max=most), "documents")
        if max(Counter(d["requirement"] for d in documents).values(), default=0) > most_each:
            raise ValidationError(gettext("Mỗi giấy tờ có tối đa %(max)d tệp.", max=most_each), "documents")


UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_uuid(value: str | None) -> bool:
    return bool(value) and bool(UUID_RE.match(value.lower()))


class DossierSummarySchema(Schema):
    """What the device keeps about a dossier it sent (POST /dossiers, POST /track)."""

    code = fields.String(required=True, metadata={"description": "<AGENCY_CODE>-<YYMMDD>-<NNNN>"})
    client_id = fields.String(required=True, metadata={"description": "the Idempotency-Key it came with"})
    status = fields.Integer(required=True, metadata={"description": "1-10, the national status codes"})
    status_label = fields.String(required=True)
    procedure = fields.String(required=True)
    procedure_name = fields.String(required=True)
    submitted_at = fields.String(required=True, metadata={"format": "date-time"})
    due_date = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    receipt_url = fields.String(required=True, metadata={
        "description": "the receipt, signed for 90 days (opens without an account)"})


class TimelineEntrySchema(Schema):
    status = fields.Integer(required=True)
    status_label = fields.String(required=True)
    at = fields.String(required=True, metadata={"format": "date-time"})
    note = fields.String(required=True, metadata={
        "description": "in the reader's language, like status_label; what a person typed, as typed"})


class TrackedSchema(DossierSummarySchema):
    timeline = fields.List(fields.Nested(TimelineEntrySchema), required=True)


class ProofSchema(Schema):
    """What every citizen write carries, so the outbox can replay it without cookies."""

    class Meta:
        unknown = EXCLUDE  # beside the write's own fields

    token = fields.String(metadata={"description": "the signed link's `t` (from receipt_url)"})
    secret = fields.String(metadata={"description": "the applicant's phone or ID number"})
