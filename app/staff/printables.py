"""Printable A5 forms: refusal slip (Mẫu 03), supplement request (02), process control (05)."""

from flask import abort, render_template
from flask_babel import gettext as _

from app.lib.time import local_today, to_local
from app.models import Status
from app.services.dossiers import queries
from app.services.workflow import overdue
from app.staff import bp
from app.web.staff_access import dossier_or_404


@bp.get("/ho-so/<code>/in/tu-choi")
def print_refusal(code: str):
    """Print the refusal slip, with the reason recorded on the timeline."""
    dossier = dossier_or_404(code)
    event = next((e for e in reversed(dossier.events) if e.to_status == Status.REFUSED), None)
    if event is None:
        abort(404)
    return render_template("staff/print_refusal.html", dossier=dossier, event=event)


@bp.get("/ho-so/<code>/in/bo-sung/<int:number>")
def print_supplement(code: str, number: int):
    """Print one supplement request: what is missing and by when."""
    dossier = dossier_or_404(code)
    request = queries.supplement_request(dossier.id, number) or abort(404)
    return render_template("staff/print_supplement.html", dossier=dossier, request=request)


def _holder(status: int, dossier) -> str:
    """Who holds the dossier once it reaches `status` (the receiving side of a hand-over)."""
    if status in (Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED):
        return dossier.agency.name
    if status in (Status.SUPPLEMENT, Status.REFUSED, Status.RETURNED, Status.STOPPED):
        return _("Người nộp: %(name)s", name=dossier.applicant_name)
    return _("Bộ phận tiếp nhận và trả kết quả")


def handovers(dossier) -> list[dict]:
    """Turn the timeline into hand-overs: who gave, who received, when, and how it stood.

    The mark compares the day of each hand-over after acceptance with the appointment
    date (already pushed back by any supplement pause): early, on time or late.
    """
    rows = []
    for event in dossier.events:
        day = to_local(event.created_at).date()
        mark = ""
        if dossier.accepted_at and dossier.due_date and event.from_status is not None \
                and event.created_at >= dossier.accepted_at:
            mark = ("early" if day < dossier.due_date else "on_time" if day == dossier.due_date else "late")
        giver = event.actor_label or (_("Người nộp: %(name)s", name=dossier.applicant_name)
                                      if event.actor_kind == "citizen" else _("Hệ thống"))
        rows.append({"event": event, "giver": giver, "receiver": _holder(event.to_status, dossier),
                     "mark": mark})
    return rows


@bp.get("/ho-so/<code>/in/kiem-soat")
def print_control(code: str):
    """Print the process-control sheet, drawn from the timeline (the audit trail)."""
    dossier = dossier_or_404(code)
    return render_template("staff/print_control.html", dossier=dossier, rows=handovers(dossier),
                           timing=overdue.timing(dossier, local_today()))
