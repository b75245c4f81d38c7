"""The periodic report for leaders and admins: page, charts, CSV, XLSX."""

from datetime import date, timedelta

from flask import Response, render_template, request
from flask_babel import gettext as _

from app.models import Level, Role
from app.models.time import local_today
from app.services import charts, report_export, reports
from app.staff import bp
from app.staff.access import roles_required


def _period() -> tuple[date, date, str]:
    """Read start, end and rule from the URL; default to the current month so far."""
    today = local_today()
    try:
        start = date.fromisoformat(request.args.get("tu", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = date.fromisoformat(request.args.get("den", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    end = min(end, start + timedelta(days=3660))  # ten years at most
    rule = request.args.get("cach-tinh", "national")
    return start, end, rule if rule in reports.RULES else "national"


@bp.get("/bao-cao")
@roles_required(Role.LEADER, Role.ADMIN)
def report():
    """Show the report in the official layout, with charts."""
    start, end, rule = _period()
    data = reports.build(start, end, rule)
    chart_rows = [r for r in data.rows if r.counts["received"] or r.counts["resolved"]]
    volume = charts.paired_bars(
        [(r.name, r.counts["received"], r.counts["resolved"]) for r in chart_rows],
        (_("Tiếp nhận"), _("Đã giải quyết")), _("Tiếp nhận và giải quyết theo cơ quan"))
    timing = charts.share_bars(
        [(_("Tổng cộng"), data.total.counts)] + [(r.name, r.counts) for r in chart_rows],
        {"early": _("Trước hạn"), "on_time": _("Đúng hạn"), "overdue": _("Quá hạn")},
        _("Tỉ lệ giải quyết trước hạn, đúng hạn, quá hạn"))
    return render_template("staff/report.html", report=data, volume=volume, timing=timing,
                           levels=list(Level), args=request.args)


@bp.get("/bao-cao.csv")
@roles_required(Role.LEADER, Role.ADMIN)
def report_csv():
    """Download the report as CSV."""
    start, end, rule = _period()
    body = report_export.to_csv(reports.build(start, end, rule))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=bao-cao-{start}-{end}.csv"})


@bp.get("/bao-cao.xlsx")
@roles_required(Role.LEADER, Role.ADMIN)
def report_xlsx():
    """Download the report as an Excel workbook."""
    start, end, rule = _period()
    body = report_export.to_xlsx(reports.build(start, end, rule))
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=bao-cao-{start}-{end}.xlsx"})
