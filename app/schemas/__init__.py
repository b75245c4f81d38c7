"""Marshmallow schemas: the boundary where API payloads and forms are validated."""

from flask_babel import gettext
from marshmallow import ValidationError


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"applicant.name": ["..."]}, translated."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_schema"
            for k, v in flatten_errors(value, name).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(messages, list | tuple):
        for item in messages:
            if isinstance(item, dict):
                for k, v in flatten_errors(item, prefix).items():
                    flat.setdefault(k, []).extend(v)
            else:
                flat.setdefault(prefix, []).append(gettext(str(item)))
    else:
        flat.setdefault(prefix, []).append(gettext(str(messages)))
    return flat


__all__ = ["ValidationError", "flatten_errors"]
