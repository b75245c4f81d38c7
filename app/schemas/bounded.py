"""Fields that keep what a client sends within what the app can hold.

Integers: Python's int has no limit, the database has. Every id, code, count and amount is
an INTEGER column: 32 bits on PostgreSQL ("integer out of range" even in a WHERE), 64 on
SQLite (OverflowError past 2**63-1). So a number a person (or a fuzzer) sends is bounded to
what both hold where it is parsed: URL segments and query strings (app/parsing.py), forms and
JSON fields (DbInteger). JSON numbers past 64 bits are refused by the parser itself.

Lists of objects: when some items fail, marshmallow's valid_data keeps their valid fields
(a document without its `requirement`), and code reading valid_data for more messages would
trip on the missing key. WholeItems keeps only the items that passed whole.

Long lists: a list with a known most (the checks of a photo) is refused at once past it
(Capped), not judged item by item a million times before its length is.
"""

from marshmallow import ValidationError, fields, utils
from marshmallow.validate import Length, OneOf, Range

from app.lib.marks import N_

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
    """marshmallow's Integer, refusing what an INTEGER column could not hold (with field details).

    The bound is a Range validator, so the OpenAPI document (apispec) states it too and a
    schema-driven tester never sends a number the server must refuse.
    """

    default_error_messages = {"invalid": N_("Giá trị phải là một số nguyên."),
                              "too_large": N_("Số quá lớn.")}

    def __init__(self, *, validate=None, **kwargs):
        given = list(validate) if isinstance(validate, list | tuple) else [validate] if validate else []
        if not any(_within_column(v) for v in given):  # one message for 10**12, not two
            given.append(Range(min=INT_MIN, max=INT_MAX, error=N_("Số quá lớn.")))
        super().__init__(validate=given, **kwargs)


def _within_column(validator) -> bool:
    """Whether a validator already keeps the value inside an INTEGER column."""
    if isinstance(validator, Range):
        low, high = validator.min, validator.max
        return low is not None and high is not None and INT_MIN <= low and high <= INT_MAX
    if isinstance(validator, OneOf):
        return all(isinstance(c, int) and INT_MIN <= c <= INT_MAX for c in validator.choices)
    return False


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


class Capped(fields.List):
    """A List of at most `most` items, refused with `too_many` before any item is looked at."""

    def __init__(self, inner, most: int, too_many: str, **kwargs):
        self.most, self.too_many = most, too_many
        super().__init__(inner, validate=Length(max=most, error=too_many), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if utils.is_collection(value) and len(value) > self.most:
            raise ValidationError(self.too_many)
        return super()._deserialize(value, attr, data, **kwargs)
