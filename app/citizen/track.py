"""Tracking: code plus phone or ID number, then the status page."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.citizen import bp
from app.citizen.access import dossier_or_404, grant
from app.extensions import limiter
from app.services import postal, tracking
from app.services.tracking import track_limit


@bp.get("/tra-cuu")
def track_form():
    """Ask for the dossier code and the phone or ID number given when applying."""
    return render_template("citizen/track.html", code=request.args.get("ma", ""), error=None)


@bp.post("/tra-cuu")
@limiter.shared_limit(track_limit, scope="track")
def track():
    """Look the dossier up; a wrong pair reads exactly like an unknown code."""
    code = request.form.get("code", "").strip()
    dossier = tracking.lookup(code, request.form.get("secret", ""))
    if dossier is None:
        error = _("Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập. "
                  "Vui lòng kiểm tra lại.")
        return render_template("citizen/track.html", code=code, error=error), 404
    grant(dossier)
    return redirect(url_for("citizen.status", code=dossier.code), 303)


@bp.get("/ho-so/<code>")
def status(code: str):
    """Show where the dossier is, its timeline and what happens next."""
    dossier = dossier_or_404(code)
    return render_template("citizen/status.html", dossier=dossier, current=postal.latest(dossier))
