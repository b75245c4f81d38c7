"""The request boundary: strict JSON, database-sized integers, clean form values, bounded ids."""

import json

import pytest
from marshmallow import Schema, ValidationError, fields

from app.parsing import FormValues, strict_loads
from app.schemas.bounded import INT64_MAX, INT64_MIN, INT_MAX, INT_MIN, DbInteger, WholeItems, db_int, to_int
from app.services.errors import InvalidJSON


@pytest.mark.parametrize("text", [
    "[" * 1000 + "]" * 1000,  # 1,000 deep: RecursionError deeper in, before
    "[" * 100_000 + "]" * 100_000,  # deeper than the C scanner's own limit
    '{"a":' * 40 + "1" + "}" * 40,
])
def test_deep_json_is_refused_with_the_limit(ctx, text):
    with pytest.raises(InvalidJSON) as err:
        strict_loads(text, 32)
    assert err.value.status == 400 and err.value.details["max_depth"] == 32
    assert "lồng nhau quá sâu" in err.value.message


@pytest.mark.parametrize(("text", "at"), [
    ('"\\ud800"', ""), ('{"applicant": {"name": "An \\udfff"}}', "applicant.name"),
    ('{"documents": [{"name": "\\ud83d"}]}', "documents.0.name"), ('{"\\ud800": 1}', "\ufffd"),
])
def test_lone_surrogates_are_refused_with_where(ctx, text, at):
    with pytest.raises(InvalidJSON) as err:
        strict_loads(text, 32)
    assert err.value.details["at"] == at


def test_a_surrogate_pair_is_an_ordinary_character(ctx):
    assert strict_loads('{"a": "\\ud83d\\ude00"}', 32) == {"a": "😀"}


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}', "1e400",
                                  "18446744073709551616", "-9223372036854775809", b"\xff\xfe{}", "{", ""])
def test_numbers_and_bytes_json_cannot_hold_here_are_refused(ctx, text):
    with pytest.raises(InvalidJSON):
        strict_loads(text, 32)


def test_nul_is_dropped_from_text_and_ordinary_json_is_untouched(ctx):
    assert strict_loads('{"a": "x\\u0000y", "b": [1.5, -9223372036854775808, null, true]}', 32) == {
        "a": "xy", "b": [1.5, -9223372036854775808, None, True]}
    document = {"applicant": {"name": "Nguyễn Văn An"}, "documents": [{"requirement": 3}]}
    assert strict_loads(json.dumps(document, ensure_ascii=False).encode(), 32) == document


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), (" 7 ", 7), ("-3", -3), (INT_MAX, INT_MAX), (str(INT_MIN), INT_MIN), (4.0, 4),
    (2**31, None), (str(2**63), None), (2**64, None), (-(2**63) - 1, None), ("²", None), ("٣", None),
    ("1_000", None),
    ("1e3", None), (1.5, None), (float("inf"), None), (True, None), (None, None), ([], None), ("", None),
])
def test_db_int(value, expected):
    assert to_int(value) == expected
    if expected is None:
        with pytest.raises(ValueError):
            db_int(value)


def test_json_numbers_are_bounded_to_64_bits_fields_to_their_column():
    assert db_int(str(INT64_MAX), INT64_MIN, INT64_MAX) == INT64_MAX
    assert db_int(INT64_MIN, INT64_MIN, INT64_MAX) == INT64_MIN


def test_db_integer_field_refuses_what_the_database_cannot_hold():
    class Numbers(Schema):
        n = DbInteger(required=True)

    assert Numbers().load({"n": "42"}) == {"n": 42}
    for bad, message in ((2**31, "Số quá lớn."), (2**63, "Số quá lớn."), (str(-(2**63) - 1), "Số quá lớn."),
                         ("²", "Giá trị phải là một số nguyên."), (1e300, "Số quá lớn.")):
        with pytest.raises(ValidationError) as err:
            Numbers().load({"n": bad})
        assert err.value.messages == {"n": [message]}


def test_whole_items_keeps_only_items_that_passed_whole():
    class Item(Schema):
        requirement = fields.Integer(required=True)
        name = fields.String(load_default="")

    class Body(Schema):
        documents = WholeItems(fields.Nested(Item))

    with pytest.raises(ValidationError) as err:
        Body().load({"documents": [{"requirement": 1}, {"name": "no requirement"}, "x"]})
    assert set(err.value.messages["documents"]) == {1, 2}
    # marshmallow's List would keep {"name": "no requirement"} here: a KeyError for its reader.
    assert err.value.valid_data == {"documents": [{"requirement": 1, "name": ""}]}


def test_form_values_drop_nul_and_bound_int_lookups():
    form = FormValues([("code", "AB\x00C"), ("n", "2147483648"), ("n", "5"), ("ids", "1"),
                       ("ids", "²"), ("ids", str(2**64)), ("ids", "2"), ("k\x00", "v")])
    assert form["code"] == "ABC" and "k" in form
    assert form.get("n", type=int) is None and form.get("missing", 7, type=int) == 7
    assert form.getlist("ids", type=int) == [1, 2]
    assert form.copy().get("code") == "ABC"
