"""Rate the handling of a dossier from its status page (plain form; the outbox enhances it)."""

import uuid

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from app.citizen import bp
from app.citizen.access import dossier_or_404
from app.citizen.track import render_status
from app.services.dossiers import ratings
from app.services.errors import DomainError


@bp.post("/ho-so/<code>/danh-gia")
def rate(code: str):
    """Record the rating sent by the form; errors re-render the status page with the reason."""
    dossier = dossier_or_404(code)
    form = request.form
    key = form.get("client_id", "")
    payload = {"level": form.get("level"), "comment": form.get("comment", ""),
               "officer": form.get("officer") or None}
    try:
        uuid.UUID(key)
        ratings.rate(dossier, payload, key.lower())
    except ValueError:
        return render_status(dossier, rating_error=_("Biểu mẫu đã cũ, vui lòng tải lại trang.")), 422
    except DomainError as exc:
        return render_status(dossier, rating_error=exc.message), exc.status
    flash(_("Cảm ơn bạn đã đánh giá."))
    return redirect(url_for("citizen.status", code=dossier.code), 303)
