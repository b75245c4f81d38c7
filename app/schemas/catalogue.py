"""The catalogue as GET /api/v1/procedures sends it, so a phone can fill a dossier offline."""

from marshmallow import Schema, fields

FIELD_TYPES = ["text", "textarea", "number", "date", "select"]


class FormFieldSchema(Schema):
    """One extra field a procedure asks for; its value goes in the manifest's `fields`."""

    name = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(metadata={"enum": FIELD_TYPES, "description": "absent: text"})
    required = fields.Boolean()
    min = fields.Integer(metadata={"description": "number: the smallest value"})
    max = fields.Integer(metadata={"description": "number: the largest value"})
    choices = fields.List(fields.String(), metadata={"description": "select: the values to choose from"})


class RequirementSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "the manifest's documents[].requirement"})
    name = fields.String(required=True)
    mandatory = fields.Boolean(required=True)
    types = fields.List(fields.String(), required=True, metadata={"description": "pdf, jpeg, png, ..."})


class ProcedureSchema(Schema):
    code = fields.String(required=True, metadata={"description": "the manifest's `procedure`"})
    name = fields.String(required=True)
    field = fields.String(required=True)
    agency = fields.String(required=True)
    processing_time = fields.Integer(required=True)
    time_unit = fields.String(required=True)
    fee = fields.Integer(required=True, metadata={"description": "VND"})
    postal_allowed = fields.Boolean(required=True)
    fields_ = fields.List(fields.Nested(FormFieldSchema), required=True, data_key="fields")
    requirements = fields.List(fields.Nested(RequirementSchema), required=True)
