"""What a device sends to learn whose its old (storage v2) records are."""

from marshmallow import RAISE, Schema, fields, validate

from app.lib.marks import N_

MAX_ACCOUNTS = 50  # one phone, a handful of people: anything near this is not a phone


class DeviceOwnersSchema(Schema):
    class Meta:
        unknown = RAISE

    accounts = fields.List(
        fields.Integer(strict=True, error_messages={"invalid": N_("Giá trị phải là một số nguyên.")}),
        required=True, error_messages={"required": N_("Thiếu danh sách tài khoản.")},
        validate=validate.Length(max=MAX_ACCOUNTS, error=N_("Tối đa {max} tài khoản.")),
    )


class DeviceOwnersReplySchema(Schema):
    owner = fields.String(required=True, metadata={"description": "the account's device tag, or empty"})
    mine = fields.List(fields.Integer(), required=True, metadata={
        "description": "the listed ids that are the signed-in account's (none when nobody is)"})
