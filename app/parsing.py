"""Request parsing at the boundary, for every route at once: URL ids, forms, query strings, JSON.

Whatever a client sends must end as a clear 4xx, never as an exception deep in a view:
- `<int:...>` URL segments are database ids: past what an INTEGER column holds (2**31-1 on
  PostgreSQL) the route simply does not match (404); nor does a text segment holding a
  control character (NUL is refused by PostgreSQL even in a WHERE);
- form and query values lose NUL characters (PostgreSQL cannot store them), and
  `request.args.get(name, type=int)` / `getlist(name, type=int)` are bounded the same way;
- JSON is parsed strictly: at most MAX_JSON_DEPTH levels, no lone surrogates, no NaN or
  Infinity, no integer past 64 bits. Anything else is InvalidJSON (400). Fields are then
  bounded by their schema (app/schemas/bounded.py).
Non-UTF-8 bytes in forms and query strings are already replaced by Werkzeug (errors="replace").
"""

import json
import math
import re
from decimal import Decimal

from flask import Flask
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import IntegerConverter, UnicodeConverter

from app.schemas.bounded import INT64_MAX, INT64_MIN, INT_MAX, db_int, to_int
from app.services.errors import InvalidJSON

SURROGATE = re.compile("[\ud800-\udfff]")




class DatabaseId(IntegerConverter):
    """`<int:...>`: digits only, at most INT_MAX, so an id no row can have is a 404, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class Segment(UnicodeConverter):
    """`<name>`: one path segment without control characters (no code or name has one)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]", 1)


def _no_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class FormValues(ImmutableMultiDict):
    """Form, query and file values: NUL removed, `get(..., type=int)` bounded to 64 bits."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
        else:
            super().__init__([(_no_nul(k), _no_nul(v)) for k, v in iter_multi_items(mapping)])

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's signature)
        if type is int:
            value = super().get(key)
            return default if value is None else to_int(value, default)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        return super().getlist(key, db_int if type is int else type)


class BoundaryRequest:
    """Mixed over the app's request class (htmx-flask's, which adds `request.htmx`)."""

    parameter_storage_class = FormValues

    def on_json_loading_failed(self, e):
        """Answer a body that is not strict JSON with InvalidJSON (the API shows it in its shape)."""
        if e is None:  # not sent as JSON at all: Flask's 415
            return super().on_json_loading_failed(e)
        if isinstance(e, InvalidJSON):
            raise e
        raise InvalidJSON(_("Nội dung gửi lên không phải JSON hợp lệ.")) from e


def _reject_constant(name: str):
    raise InvalidJSON(_("Dữ liệu JSON chứa giá trị không hợp lệ (%(value)s).", value=name))


def _finite(text: str) -> float | int:
    number = float(text)
    if not math.isfinite(number):  # 1e400 parses to inf
        raise InvalidJSON(_("Dữ liệu JSON chứa số quá lớn."))
    # JSON has one number type: 12.0 is the integer 12 (as JSON Schema and the OpenAPI document
    # say), so every integer field takes it. Decimal, because 9007199254740993.0 is no float.
    exact = Decimal(text)
    if exact == exact.to_integral_value() and INT64_MIN <= exact <= INT64_MAX:
        return int(exact)
    return number


def _bounded(text: str) -> int:
    try:
        return db_int(text, INT64_MIN, INT64_MAX)
    except ValueError:
        raise InvalidJSON(_("Dữ liệu JSON chứa số nguyên quá lớn.")) from None


def strict_loads(data, max_depth: int):
    """Parse JSON text the way the API accepts it, or raise InvalidJSON with where it went wrong."""
    try:
        value = json.loads(data, parse_constant=_reject_constant, parse_float=_finite, parse_int=_bounded)
    except InvalidJSON:
        raise
    except RecursionError:
        raise InvalidJSON(_("Dữ liệu JSON lồng nhau quá sâu (tối đa %(max)d tầng).", max=max_depth),
                          {"max_depth": max_depth}) from None
    except (ValueError, TypeError) as exc:  # also UnicodeDecodeError: bytes that are not UTF-8
        raise InvalidJSON(_("Nội dung gửi lên không phải JSON hợp lệ.")) from exc
    return _checked(value, max_depth)


def _checked(value, max_depth: int):
    """Walk the document without recursion: depth, lone surrogates; NUL dropped from text."""
    if isinstance(value, str):
        return _checked({"": value}, max_depth)[""]
    stack = [(value, 1, "")] if isinstance(value, dict | list) else []
    while stack:
        node, depth, path = stack.pop()
        if depth > max_depth:
            raise InvalidJSON(_("Dữ liệu JSON lồng nhau quá sâu (tối đa %(max)d tầng).", max=max_depth),
                              {"max_depth": max_depth, "at": path})
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in list(items):
            where = f"{path}.{key}" if path else str(key)  # "documents.0.name"
            if isinstance(key, str) and (SURROGATE.search(key) or "\x00" in key):
                # Echoed back, so made printable: a lone surrogate cannot be sent as UTF-8.
                where = SURROGATE.sub("\ufffd", where).replace("\x00", "\ufffd")
                raise InvalidJSON(_("Tên trường trong dữ liệu JSON chứa ký tự không hợp lệ."), {"at": where})
            if isinstance(item, str):
                if SURROGATE.search(item):
                    raise InvalidJSON(_("Dữ liệu JSON chứa ký tự không hợp lệ (nửa cặp UTF-16 "
                                        "đứng riêng)."), {"at": where})
                if "\x00" in item:
                    node[key] = item.replace("\x00", "")
            elif isinstance(item, dict | list):
                stack.append((item, depth + 1, where))
    return value


class StrictLoads:
    """Mixed over app.json: request bodies are parsed strictly (above); output is unchanged."""

    def loads(self, s, **kwargs):
        return strict_loads(s, self._app.config.get("MAX_JSON_DEPTH", 32))


def register(app: Flask) -> None:
    """Install the bounded id converter, the request class and strict JSON.

    Call it after the extensions (htmx-flask sets its own request class) and before any
    blueprint (rules take their converter when they are added).
    """
    app.url_map.converters["int"] = DatabaseId
    app.url_map.converters["default"] = app.url_map.converters["string"] = Segment
    app.request_class = type("Request", (BoundaryRequest, app.request_class), {})
    provider = type("JSONProvider", (StrictLoads, type(app.json)), {})(app)
    provider.__dict__.update({k: v for k, v in vars(app.json).items() if k != "_app"})  # ensure_ascii
    app.json = provider
