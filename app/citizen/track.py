"""Tracking: code plus phone or ID number, then the status page."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.citizen import bp
from app.citizen.access import dossier_or_404, grant
from app.extensions import limiter
from app.lib.time import local_today
from app.models import Level, Status
from app.services.dossiers import ratings, tracking
from app.services.dossiers.tracking import track_limit
from app.services.payments import fees
from app.services.postal import requests as postal
from app.services.workflow import deadlines
from app.services.workflow.due_status import due_status


@bp.get("/tra-cuu")
def track_form():
    """Ask for the dossier code and the phone or ID number given when applying."""
    return render_template("citizen/track.html", code=request.args.get("ma", ""), error=None)


def _look_up(template: str):
    """Open the dossier named by code + phone or ID number, or say, on `template`, it was not found."""
    code = request.form.get("code", "").strip()
    dossier = tracking.lookup(code, request.form.get("secret", ""))
    if dossier is None:
        error = _("Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập. "
                  "Vui lòng kiểm tra lại.")
        return render_template(template, code=code, error=error), 404
    grant(dossier)
    return redirect(url_for("citizen.status", code=dossier.code), 303)


@bp.post("/tra-cuu")
@limiter.shared_limit(track_limit, scope="track")
def track():
    """Look the dossier up; a wrong pair reads exactly like an unknown code."""
    return _look_up("citizen/track.html")


# "Hồ sơ của tôi → Thêm" without script (with script the page asks /api/v1/track itself):
# a POST, so the phone or ID number never lands in an address, the history or a log; the
# same lookup, answer and rate-limit bucket as tracking.
@bp.post("/ho-so-cua-toi")
@limiter.shared_limit(track_limit, scope="track")
def add_mine():
    """Look a dossier up from "Hồ sơ của tôi"; a wrong pair is told as on /tra-cuu."""
    return _look_up("pwa/my_dossiers.html")


@bp.get("/ho-so/<code>")
def status(code: str):
    """Show where the dossier is, its timeline and what happens next."""
    return render_status(dossier_or_404(code))


def render_status(dossier, **extra) -> str:
    """Render the status page: the dossier, its postal request and its working days left."""
    rating = ratings.existing(dossier)
    may_rate = rating is None and dossier.status in (Status.REFUSED, Status.RETURNED)
    return render_template("citizen/status.html", dossier=dossier, current=postal.latest(dossier),
                           due=due_status(dossier, local_today(), deadlines.load_calendar()),
                           rating=rating, rating_label=Level(rating.level).label if rating else None,
                           rating_officers=ratings.officers(dossier) if may_rate else [],
                           fee=fees.on_status_page(dossier), **extra)
