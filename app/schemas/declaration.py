"""The `declarations` of a dossier manifest: answers to declarations filled online.

An object keyed by requirement id, each an object of field name → answer. Only its shape is
judged here; each answer is judged against its requirement's fields by
services/declarations.validate, with the rules of the procedure's own fields.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from app.lib.marks import N_

INVALID = {"invalid": N_("Giá trị không hợp lệ."), "null": N_("Giá trị không hợp lệ.")}


class DeclarationsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    declarations = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,10}$", error=N_("Tờ khai không hợp lệ."))),
        values=fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)),
                           values=fields.Raw(allow_none=True), error_messages=INVALID),
        load_default=dict, error_messages=INVALID,
    )
