"""Postal desk views: results waiting, originals coming in, batches, printables, CSV, outcomes."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.lib import places
from app.postal_desk import bp
from app.services.errors import DomainError
from app.services.postal import desk as postal_desk
from app.services.postal import waybills
from app.web.answers import flash_refused
from app.web.staff_access import actor


def _back(batch: str = ""):
    return redirect(url_for("postal_desk.batch", name=batch) if batch else url_for("postal_desk.desk"), 303)


def _back_to(leg):
    """After acting on a leg: back to its batch, or to the originals list on the desk."""
    if leg.kind == "originals":
        return redirect(url_for("postal_desk.desk", _anchor="ban-goc"), 303)
    return _back(leg.batch)


@bp.get("/")
def desk():
    """List results waiting to go by post, originals coming in, and the batches still open."""
    return render_template("postal_desk/desk.html", waiting=postal_desk.waiting(),
                           incoming=postal_desk.incoming(), batches=postal_desk.open_batches(),
                           places=places, today=postal_desk.today())


@bp.post("/lo")
def make_batch():
    """Put the selected requests into a new dispatch batch."""
    ids = request.form.getlist("ids", type=int)  # what is not an id is dropped (app/parsing.py)
    try:
        name = postal_desk.make_batch(ids)
    except DomainError as exc:
        flash_refused(exc)
        return _back()
    return _back(name)


def _rows_or_404(name: str):
    return postal_desk.in_batch(name) or abort(404)


@bp.get("/lo/<name>")
def batch(name: str):
    """Show one batch: waybills to enter, outcomes to record, files to print and export."""
    return render_template("postal_desk/batch.html", name=name, rows=_rows_or_404(name), places=places,
                           today=postal_desk.today(), errors=[])


@bp.get("/lo/<name>/nhan")
def labels(name: str):
    """Print address labels: recipient and address only, never the dossier's contents."""
    return render_template("postal_desk/labels.html", name=name, rows=_rows_or_404(name), places=places)


@bp.get("/lo/<name>/ban-giao")
def handover(name: str):
    """Print the handover list the post office signs."""
    return render_template("postal_desk/handover.html", name=name, rows=_rows_or_404(name), places=places)


@bp.get("/lo/<name>.csv")
def export(name: str):
    """Download the batch as CSV for the postal operator."""
    body = waybills.export_csv(_rows_or_404(name))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.post("/lo/<name>/nhap-van-don")
def import_waybills(name: str):
    """Import the operator's CSV of waybills: all rows or none, bad rows listed."""
    rows = _rows_or_404(name)
    upload = request.files.get("file")
    try:
        count = waybills.import_csv(upload.read(1024 * 1024) if upload else b"", name, actor())
    except DomainError as exc:
        db.session.rollback()
        errors = (exc.details or {}).get("rows", []) if isinstance(exc.details, dict) else []
        return render_template("postal_desk/batch.html", name=name, rows=rows, places=places,
                               today=postal_desk.today(), errors=errors, summary=exc.message), exc.status
    flash(_("Đã ghi nhận %(n)s số vận đơn.", n=count))
    return _back(name)


@bp.post("/<int:leg_id>/van-don")
def waybill(leg_id: int):
    """Record one waybill by hand: the post took the result, or collected the originals."""
    leg = postal_desk.get(leg_id)
    bill = request.form.get("waybill", "").strip().upper()
    day = postal_desk.parse_day(request.form.get("handed_on", "")) or postal_desk.today()
    if not waybills.WAYBILL.match(bill):
        flash(_("Số vận đơn “%(b)s” không hợp lệ (8–20 chữ cái in hoa hoặc chữ số).", b=bill))
        return _back_to(leg)
    postal_desk.hand_over(leg, bill, day, actor())
    flash(_("Đã ghi nhận số vận đơn %(b)s cho hồ sơ %(c)s.", b=bill, c=leg.dossier.code))
    return _back_to(leg)


@bp.post("/<int:leg_id>/da-phat")
def delivered(leg_id: int):
    """Record arrival: the result delivered (the dossier becomes 10), or the originals received."""
    leg = postal_desk.get(leg_id)
    day = postal_desk.parse_day(request.form.get("delivered_on", "")) or postal_desk.today()
    postal_desk.finish(leg, day, actor())
    if leg.kind == "originals":
        flash(_("Hồ sơ %(c)s: Trung tâm đã nhận bản gốc.", c=leg.dossier.code))
    else:
        flash(_("Hồ sơ %(c)s: đã phát thành công.", c=leg.dossier.code))
    return _back_to(leg)


@bp.post("/<int:leg_id>/khong-phat")
def failed(leg_id: int):
    """Record a failure: the result goes back to the counter, or the originals come in person."""
    leg = postal_desk.get(leg_id)
    postal_desk.fail(leg, request.form.get("reason", ""), actor())
    if leg.kind == "originals":
        flash(_("Hồ sơ %(c)s: bưu chính không nhận được bản gốc.", c=leg.dossier.code))
    else:
        flash(_("Hồ sơ %(c)s: không phát được, kết quả chuyển về quầy.", c=leg.dossier.code))
    return _back_to(leg)
