"""A statement cell read as what it means: text, a whole amount of VND, or a time.

Pure: no Flask, no database. Each function takes what a CSV (text) or XLSX (number, datetime)
cell holds; the amount and time raise ValueError for anything they cannot read, and the
caller (`statement`) turns that into the line's reason.
"""

import re
from datetime import date, datetime

MAX_AMOUNT = 10 ** 13
DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y")
_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")  # 1.000.000 or 1,000,000


def shown(value) -> str:
    """The start of a value, to quote in an error."""
    return str(value)[:40]


def text_of(value) -> str:
    """A cell as one line of text (an id a spreadsheet stored as a number loses its ".0")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id a spreadsheet stored as a number
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def amount_of(value) -> int | None:
    """Return a whole amount of VND; None for an empty cell; ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if value != value or abs(value) >= MAX_AMOUNT or not float(value).is_integer():
            raise ValueError(value)
        return int(value)
    text = re.sub(r"(?i)\s|vnd|vnđ|đ", "", str(value))
    sign = -1 if text.startswith("-") or (text.startswith("(") and text.endswith(")")) else 1
    text = text.strip("-+()")
    text = re.sub(r"[.,]00?$", "", text) if re.fullmatch(r"[\d.,]+[.,]\d{2}", text) else text
    if _GROUPED.fullmatch(text):
        text = re.sub(r"[.,]", "", text)
    if not text.isdigit() or not text.isascii() or len(text) > 13:
        raise ValueError(value)
    return sign * int(text)


def moment_of(value) -> datetime:
    """Return the time a cell gives; ValueError if it is no date in a sensible range."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value:
        text = re.sub(r"\s+", " ", value.strip())
        for fmt in DATE_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(value)
    else:
        raise ValueError(value)
    if not 2000 <= moment.year <= 2100:
        raise ValueError(value)
    return moment.replace(tzinfo=None, microsecond=0)
