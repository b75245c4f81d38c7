"""One writer for every CSV and XLSX a person downloads, safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (OWASP "CSV injection"). Text from people
(names, addresses, notes) is therefore prefixed with an apostrophe, which every spreadsheet
shows as text and hides; numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable, Sequence

import xlsxwriter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell(value: object) -> object:
    """Return a value a spreadsheet will show as written, never evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_text(header: Sequence[object] | None, rows: Iterable[Sequence[object]], bom: bool = True) -> str:
    """Write rows as CSV text (UTF-8 BOM so Excel reads Vietnamese), every cell escaped."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    if header is not None:
        writer.writerow([cell(v) for v in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def workbook(buf: io.BytesIO) -> xlsxwriter.Workbook:
    """Open a workbook that never turns a string into a formula, a link or a number."""
    return xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})


def write_row(sheet, row: int, values: Sequence[object], fmt=None) -> None:
    """Write one row of escaped cells: strings as strings, numbers as numbers."""
    for col, value in enumerate(values):
        value = cell(value)
        if isinstance(value, str):
            sheet.write_string(row, col, value, fmt)
        else:
            sheet.write_number(row, col, value, fmt)
