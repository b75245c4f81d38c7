"""Marking strings for translation, and how what is stored is read in every reader's language.

What a page shows follows the reader's language. What is kept (a timeline entry, an actor's
label) is written once for every reader, so it never follows the language of the request
that caused it. A system message is kept as its message key (the Vietnamese msgid) and its
parameters, and rendered when it is read, in the reader's language (`render`); parameters
that are messages themselves (a status, a return method) are kept as keys too. Beside the
key, the text is also written in Vietnamese, the centre's language and the one its legal
records (Mẫu 05, the process-control sheet), the machines' feeds and the rows written
before keys existed use. What a person typed is kept as typed, with no key. Messages to a
person are written in that person's language (services/messaging/notifications.py).
"""

from flask import current_app
from flask_babel import force_locale, gettext, lazy_gettext
from flask_babel.speaklater import LazyString


def stored_language():
    """Return a context in which translated text comes out in the stored language (Vietnamese)."""
    return force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "vi"))


def stored(text) -> str:
    """Render `text` (a lazy_gettext string, or plain text someone typed) for storing."""
    with stored_language():
        return str(text)


def keep(text, limit: int) -> tuple[str, str | None, dict | None]:
    """Return what is stored for `text`: (Vietnamese text cut to `limit`, key, parameters)."""
    key, params = key_of(text)
    return stored(text)[:limit], key, params


def key_of(text) -> tuple[str | None, dict | None]:
    """Return (message key, parameters) for a lazy_gettext message; (None, None) for typed text.

    Parameters that are messages are kept as {"key": ..., "params": ...}, so they are read in
    the reader's language too; anything else (typed text, a formatted date) is kept as text.
    """
    if not (isinstance(text, LazyString) and text._func is gettext and len(text._args) == 1):
        return None, None
    return text._args[0], {name: _param(value) for name, value in text._kwargs.items()}


def _join(sep: str, *parts) -> str:
    return sep.join(str(p) for p in parts)


def joined(sep: str, parts) -> LazyString:
    """Return `parts` (messages or text) joined by `sep`, as a parameter kept part by part."""
    return LazyString(_join, sep, *parts)


def _param(value):
    key, params = key_of(value)
    if key is not None:
        return {"key": key, "params": params}
    if isinstance(value, LazyString) and value._func is _join:
        return {"join": value._args[0], "parts": [_param(p) for p in value._args[1:]]}
    # Anything else is kept as text, in Vietnamese if it translates at all (never the request's language).
    return value if isinstance(value, int | float) and not isinstance(value, bool) else stored(value)


def _value(kept):
    if not isinstance(kept, dict):
        return kept
    if "join" in kept:
        return joined(kept["join"], [_value(p) for p in kept["parts"]])
    return message(kept["key"], kept.get("params"))


def message(key: str, params: dict | None):
    """Return the lazy_gettext message `key_of` took apart (for rendering in a given language)."""
    return lazy_gettext(key, **{name: _value(v) for name, v in (params or {}).items()})


def render(key: str | None, params: dict | None, fallback: str = "") -> str:
    """Return a stored message in the current language; `fallback` (the stored text) without a key.

    A translation that does not fit its parameters (a broken catalogue) shows the stored text
    rather than failing the page.
    """
    if not key:
        return fallback
    try:
        return str(message(key, params))
    except (KeyError, TypeError, ValueError):
        return fallback
