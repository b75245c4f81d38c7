"""Fields that keep what a client sends within what the app can hold.

Integers: Python's int has no limit, the database has. Every id, code, count and amount is
an INTEGER column: 32 bits on PostgreSQL ("integer out of range" even in a WHERE), 64 on
SQLite (OverflowError past 2**63-1). So a number a person (or a fuzzer) sends is bounded to
what both hold where it is parsed: URL segments and query strings (app/parsing.py), forms and
JSON fields (DbInteger). JSON numbers past 64 bits are refused by the parser itself.

Lists of objects: when some items fail, marshmallow's valid_data keeps their valid fields
(a document without its `requirement`), and code reading valid_data for more messages would
trip on the missing key. WholeItems keeps only the items that passed whole.
"""

from marshmallow import ValidationError, fields, utils

from app.i18n import N_

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # an INTEGER column, on either database
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # any database integer at all


def db_int(value, low: int = INT_MIN, high: int = INT_MAX) -> int:
    """Return `value` as an int an INTEGER column holds; ValueError otherwise (also "²", 1e400)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, str):
        value = value.strip()
        # int() accepts "٣" (an Arabic-Indic digit) and "1_000"; people type neither.
        if not value.lstrip("+-").isascii() or "_" in value or len(value) > 20:
            raise ValueError("not a decimal integer")
    try:
        number = int(value)
    except (OverflowError, TypeError) as exc:  # int(float("inf")), int(None), int([])
        raise ValueError(str(exc)) from exc
    if isinstance(value, float) and number != value:
        raise ValueError("not a whole number")
    if not low <= number <= high:
        raise ValueError("out of range")
    return number


def to_int(value, default: int | None = None) -> int | None:
    """Parse a form or query value as a database integer; `default` when it is not one."""
    try:
        return db_int(value)
    except ValueError:
        return default


class DbInteger(fields.Integer):
    """marshmallow's Integer, refusing what an INTEGER column could not hold (with field details)."""

    default_error_messages = {"invalid": N_("Giá trị phải là một số nguyên."),
                              "too_large": N_("Số quá lớn.")}

    def _validated(self, value) -> int:
        number = super()._validated(value)
        if not INT_MIN <= number <= INT_MAX:
            raise self.make_error("too_large", input=value)
        return number


class WholeItems(fields.List):
    """A List whose valid_data, when some items fail, holds only the items that passed whole."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not utils.is_collection(value):
            raise self.make_error("invalid")
        result, errors = [], {}
        for index, item in enumerate(value):
            try:
                result.append(self.inner.deserialize(item, **kwargs))
            except ValidationError as error:  # unlike List, its valid part is not kept
                errors[index] = error.messages
        if errors:
            raise ValidationError(errors, valid_data=result)
        return result
