"""The queue: one URL, a full page without JavaScript, a fragment for htmx."""

from flask import current_app, render_template, request, url_for

from app.lib.time import local_today
from app.schemas.staff import parse_queue_args
from app.services.catalogue import queries as catalogue
from app.services.workflow import deadlines, overdue
from app.services.workflow import queue as queue_service
from app.staff import bp
from app.web.staff_access import scope_agency_id


@bp.get("/")
def queue():
    """List the dossiers this officer works on, most urgent first."""
    args = parse_queue_args(request.args)
    filters = queue_service.Filters(**args)
    scope = scope_agency_id()
    today, cal = local_today(), deadlines.load_calendar()
    page = queue_service.load(filters, scope, today, cal, current_app.config["AGENCY_CODE"])
    flags = {d.id: ("overdue" if overdue.is_overdue(d, today)
                    else "soon" if overdue.is_due_soon(d, today, cal) else "")
             for d in page.rows}
    # The filter menus: the departments, and the procedures of the one this officer works in or chose.
    agencies, procedures = catalogue.departments(), catalogue.procedures(scope or filters.agency, light=True)

    def url_with(**changes) -> str:
        # Keep every filter in the URL; changing one goes back to page 1.
        params = {k: v for k, v in request.args.items() if v not in ("", None)}
        params.pop("page", None)
        params.update({k: v for k, v in changes.items()})
        return url_for("staff.queue", **{k: v for k, v in params.items() if v not in ("", None, False)})

    context = dict(page=page, f=filters, flags=flags, agencies=agencies, procedures=procedures,
                   scoped=scope is not None, url_with=url_with, today=today,
                   soon_days=overdue.soon_days())
    if request.htmx and request.htmx.target == "queue-results":
        return render_template("staff/_queue_results.html", **context)
    return render_template("staff/queue.html", **context)
