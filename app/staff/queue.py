"""The queue: one URL, a full page without JavaScript, a fragment for htmx."""

from flask import current_app, render_template, request, url_for
from sqlalchemy.orm import defer

from app.extensions import db
from app.lib.time import local_today
from app.models import Agency, Procedure
from app.schemas.staff import parse_queue_args
from app.services.workflow import deadlines, overdue
from app.services.workflow import queue as queue_service
from app.staff import bp
from app.web.staff_access import scope_agency_id


def _choices(scope: int | None, agency_id: int | None) -> tuple[list[Agency], list[Procedure]]:
    """Return the agencies and procedures the filter menus offer to this officer."""
    agencies = list(db.session.execute(
        db.select(Agency).where(Agency.is_centre.is_(False)).order_by(Agency.name)).scalars())
    stmt = db.select(Procedure).options(
        defer(Procedure.form_fields), defer(Procedure.search_text), defer(Procedure.description)
    ).order_by(Procedure.code)
    if scope or agency_id:
        stmt = stmt.where(Procedure.agency_id == (scope or agency_id))
    return agencies, list(db.session.execute(stmt).scalars())


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
    agencies, procedures = _choices(scope, filters.agency)

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
