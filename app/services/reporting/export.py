"""The report as CSV and XLSX, columns in the official layout."""

import io

from flask_babel import gettext as _

from app.lib.exports import csv_text, workbook, write_row
from app.services.reporting.reports import COLUMNS, Report


def headers() -> list[str]:
    return [
        _("Cơ quan"), _("Tiếp nhận: tổng số"), _("Trong kỳ: trực tuyến"),
        _("Trong kỳ: trực tiếp và bưu chính"), _("Từ kỳ trước chuyển qua"),
        _("Đã giải quyết: tổng số"), _("Trước hạn"), _("Đúng hạn"), _("Quá hạn"),
        _("Đang giải quyết: tổng số"), _("Trong hạn"), _("Quá hạn (đang giải quyết)"),
    ]


def table(report: Report) -> list[list]:
    return [[row.name, *(row.counts[c] for c in COLUMNS)] for row in [*report.rows, report.total]]


def to_csv(report: Report) -> bytes:
    """CSV with a BOM so that Excel opens the Vietnamese text correctly."""
    period = [_("Kỳ báo cáo"), f"{report.start:%d/%m/%Y} - {report.end:%d/%m/%Y}"]
    return csv_text(period, [headers(), *table(report)]).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    buf = io.BytesIO()
    book = workbook(buf)
    sheet = book.add_worksheet(_("Báo cáo"))
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    cell = book.add_format({"border": 1})
    write_row(sheet, 0, [_("Kỳ báo cáo: %(start)s - %(end)s", start=f"{report.start:%d/%m/%Y}",
                           end=f"{report.end:%d/%m/%Y}")], bold)
    write_row(sheet, 2, headers(), bold)
    for i, row in enumerate(table(report), start=3):
        write_row(sheet, i, row, bold if i == 3 + len(report.rows) else cell)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, len(COLUMNS), 13)
    sheet.freeze_panes(3, 1)
    book.close()
    return buf.getvalue()
