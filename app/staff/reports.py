"""The periodic report for leaders and admins: page, charts, CSV, XLSX."""

from datetime import date, timedelta

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from app.lib.time import local_today
from app.models import Level, Role
from app.services.reporting import charts, reports
from app.services.reporting import export as report_export
from app.staff import bp
from app.web.staff_access import roles_required

EARLIEST = date(2000, 1, 1)  # before the centre's records; and far dates overflow the date type


def _last_full_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def _month(value: str) -> tuple[date, date]:
    """The first and last day of a month written YYYY-MM (what <input type=month> sends)."""
    if len(value) != 7:
        raise ValueError(value)
    first = date.fromisoformat(f"{value}-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)  # December 9999: OverflowError
    return first, following - timedelta(days=1)


def _month_name(start: date, end: date | None = None) -> str:
    """YYYY-MM of `start` if the period is that whole month (or no end is given), else ""."""
    whole = end is None or (start.day == 1 and (start.year, start.month) == (end.year, end.month)
                            and (end == date.max or (end + timedelta(days=1)).day == 1))
    return f"{start.year:04d}-{start.month:02d}" if whole else ""


def _period() -> tuple[date, date, str, str | None]:
    """Read the period (a month, or from and to dates) and the rule from the URL.

    With neither, the last full month: the period a report is usually asked for. A value
    that is not a date (or not one from 2000 to a year ahead) gives that default period and a
    message saying what was wrong.
    """
    today = local_today()
    start, end = _last_full_month(today)
    args, error = request.args, None
    rule = args.get("cach-tinh", "national")
    rule = rule if rule in reports.RULES else "national"
    try:
        if month := args.get("thang", "").strip():
            start, end = _month(month)
        elif args.get("tu") or args.get("den"):
            end = date.fromisoformat(args["den"]) if args.get("den") else today
            start = date.fromisoformat(args["tu"]) if args.get("tu") else end.replace(day=1)
        if not all(EARLIEST <= d <= today + timedelta(days=366) for d in (start, end)):
            raise ValueError("outside the years a report can cover")
    except (ValueError, OverflowError):
        start, end = _last_full_month(today)
        error = _("Kỳ báo cáo không hợp lệ: chọn một tháng (ví dụ %(m)s) hoặc ngày bắt đầu và ngày kết thúc.",
                  m=_month_name(start))
    if end < start:
        start, end = end, start
    return start, end, rule, error


def _export_period() -> tuple[date, date, str]:
    start, end, rule, error = _period()
    if error:
        abort(400)
    return start, end, rule


@bp.get("/bao-cao")
@roles_required(Role.LEADER, Role.ADMIN)
def report():
    """Show the report in the official layout, with charts."""
    start, end, rule, error = _period()
    data = reports.build(start, end, rule)
    chart_rows = [r for r in data.rows if r.counts["received"] or r.counts["resolved"]]
    volume = charts.paired_bars(
        [(r.name, r.counts["received"], r.counts["resolved"]) for r in chart_rows],
        (_("Tiếp nhận"), _("Đã giải quyết")), _("Tiếp nhận và giải quyết theo cơ quan"))
    timing = charts.share_bars(
        [(_("Tổng cộng"), data.total.counts)] + [(r.name, r.counts) for r in chart_rows],
        {"early": _("Trước hạn"), "on_time": _("Đúng hạn"), "overdue": _("Quá hạn")},
        _("Tỉ lệ giải quyết trước hạn, đúng hạn, quá hạn"))
    page = render_template("staff/report.html", report=data, volume=volume, timing=timing,
                           levels=list(Level), args=request.args, error=error,
                           month=_month_name(start, end), this_month=_month_name(local_today()))
    return page, 422 if error else 200


@bp.get("/bao-cao.csv")
@roles_required(Role.LEADER, Role.ADMIN)
def report_csv():
    """Download the report as CSV."""
    start, end, rule = _export_period()
    body = report_export.to_csv(reports.build(start, end, rule))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=bao-cao-{start}-{end}.csv"})


@bp.get("/bao-cao.xlsx")
@roles_required(Role.LEADER, Role.ADMIN)
def report_xlsx():
    """Download the report as an Excel workbook."""
    start, end, rule = _export_period()
    body = report_export.to_xlsx(reports.build(start, end, rule))
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=bao-cao-{start}-{end}.xlsx"})
