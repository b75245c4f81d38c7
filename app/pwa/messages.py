"""The scripts' own words (static/js/*.js), translated for the page's language.

The modules mark their text `_("...")` with the Vietnamese as msgid; `pybabel extract`
collects it through the `[javascript: ...]` section of babel.cfg into the one catalogue.
Here the same extractor lists those msgids once per process, and each page gets the ones
its language translates, as a JSON data block in base.html (read by static/js/i18n.js).
"""

from pathlib import Path

from babel.messages.extract import extract
from flask import Flask, current_app
from flask_babel import gettext

KEYWORDS = {"_": None}  # static/js/i18n.js exports only `_`


def msgids(folder: str | Path) -> tuple[str, ...]:
    """Return every msgid marked in the JavaScript modules of `folder`, sorted."""
    found = set()
    for path in sorted(Path(folder).glob("*.js")):
        with path.open("rb") as fh:
            for _line, message, _comments, _context in extract("javascript", fh, keywords=KEYWORDS):
                if isinstance(message, str) and message:
                    found.add(message)
    return tuple(sorted(found))


def js_messages() -> dict[str, str]:
    """Return {msgid: translation} for the current locale, only where the text differs.

    Vietnamese is the source language, so a Vietnamese page gets an empty table (and
    base.html then leaves the block out).
    """
    cache = current_app.extensions["pwa_js_msgids"]
    if "ids" not in cache or current_app.debug:
        cache["ids"] = msgids(Path(current_app.static_folder) / "js")
    out = {}
    for msgid in cache["ids"]:
        text = gettext(msgid)  # no arguments: placeholders stay for the script to fill
        if text != msgid:
            out[msgid] = text
    return out


def register(app: Flask) -> None:
    """Offer `js_messages()` to templates."""
    app.extensions["pwa_js_msgids"] = {}
    app.add_template_global(js_messages)
