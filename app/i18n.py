"""Marking strings for translation, and the language of what is stored rather than shown.

What a page shows follows the reader's language. What is kept (the timeline, an actor's
label) is written once for every reader, so it never follows the language of the request
that caused it: it is written in Vietnamese, the centre's language and the one its legal
records (Mẫu 05, the process-control sheet) are kept in. Messages to a person are written
in that person's language (services/notifications.py).
"""

from flask import current_app
from flask_babel import force_locale


def stored_language():
    """Return a context in which translated text comes out in the stored language (Vietnamese)."""
    return force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "vi"))


def stored(text) -> str:
    """Render `text` (a lazy_gettext string, or plain text someone typed) for storing."""
    with stored_language():
        return str(text)
