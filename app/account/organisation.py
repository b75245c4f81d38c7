"""A business's pages: the dossiers filed for it (filters, CSV, bulk postal), members, addresses."""

import uuid

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from app.account import bp
from app.lib import places
from app.lib.exports import csv_text
from app.models import Status
from app.schemas import flatten_errors
from app.schemas.postal import PostalRequestSchema
from app.services.accounts import memberships, organisations
from app.services.actors import Actor
from app.services.errors import DomainError, Invalid
from app.services.postal import requests as postal
from app.web.answers import refused


def _org(org_id: int, owner: bool = False):
    member = memberships.active(current_user, org_id)  # 404 for anyone else's, and for an invitation
    if owner and member.role != "owner":
        abort(403)
    return member.organisation


def _filters() -> tuple[int | None, str]:
    status = request.args.get("status", "")
    known = {str(int(s)) for s in Status}
    return (int(status) if status in known else None), request.args.get("q", "")[:40]


def _page(org, status: int = 200, **extra):
    state, q = _filters()
    return render_template("account/organisation.html", org=org,
                           dossiers=organisations.dossiers(org, state, q), state=state, q=q,
                           Status=Status, places=places, provinces=places.provinces(),
                           is_owner=memberships.active(current_user, org.id).role == "owner",
                           errors=extra.pop("errors", {}), client_id=str(uuid.uuid4()),
                           **extra), status


@bp.get("/to-chuc/<int:org_id>")
@login_required
def organisation(org_id: int):
    """List the organisation's dossiers with filters, its members and addresses."""
    return _page(_org(org_id))


@bp.get("/to-chuc/<int:org_id>/ho-so.csv")
@login_required
def export(org_id: int):
    """Download the organisation's dossiers (as filtered) as CSV."""
    org = _org(org_id)
    header = ["ma_ho_so", "thu_tuc", "to_chuc", "ma_so_thue", "nguoi_lien_he", "trang_thai",
              "ngay_nop", "ngay_hen_tra"]
    rows = ([d.code, d.procedure.name, d.applicant_name, d.tax_code, d.contact_name,
             str(d.status_enum.label), d.submitted_at.date().isoformat(),
             d.due_date.isoformat() if d.due_date else ""]
            for d in organisations.dossiers(org, *_filters()))
    return Response(csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="ho-so-{org.tax_code}.csv"'})


@bp.post("/to-chuc/<int:org_id>/thanh-vien")
@login_required
def add_member(org_id: int):
    """Invite an e-mail or mobile number (owners only); the same answer whether it has an account."""
    org = _org(org_id, owner=True)
    try:
        invitation = memberships.invite(org, request.form.get("login", ""), current_user)
    except Invalid as exc:
        return _page(org, 422, errors=refused(exc), summary=exc.message)
    flash(_("Đã mời %(login)s. Người này sẽ thấy lời mời khi đăng nhập và trở thành thành viên "
            "khi chấp nhận.", login=invitation.login))
    return redirect(url_for("account.organisation", org_id=org.id), 303)


@bp.post("/to-chuc/<int:org_id>/thanh-vien/<int:member_id>/vai-tro")
@login_required
def set_role(org_id: int, member_id: int):
    """Make a member an owner or a plain member (owners only; the last owner stays)."""
    org = _org(org_id, owner=True)
    try:
        member = memberships.set_role(org, member_id, request.form.get("role", ""))
    except Invalid as exc:
        return _page(org, 422, errors=refused(exc), summary=exc.message)
    flash(_("Đã đổi vai trò của %(name)s.", name=member.user.name))
    return redirect(url_for("account.organisation", org_id=org.id), 303)


@bp.post("/to-chuc/<int:org_id>/thanh-vien/<int:member_id>/xoa")
@login_required
def remove_member(org_id: int, member_id: int):
    """Take a member out, or withdraw an invitation (owners only; never the last owner)."""
    org = _org(org_id, owner=True)
    try:
        who = memberships.remove(org, member_id)
    except Invalid as exc:
        return _page(org, 422, errors=refused(exc), summary=exc.message)
    flash(_("Đã xóa %(name)s khỏi tổ chức.", name=who))
    if not memberships.is_member(current_user.id, org.id):  # an owner who removed themself
        return redirect(url_for("account.mine"), 303)
    return redirect(url_for("account.organisation", org_id=org.id), 303)


@bp.post("/to-chuc/<int:org_id>/roi-to-chuc")
@login_required
def leave(org_id: int):
    """Leave the organisation: its dossiers close to this account at once (the last owner stays)."""
    org = _org(org_id)
    try:
        memberships.leave(current_user, org.id)
    except Invalid as exc:
        return _page(org, 422, errors=refused(exc), summary=exc.message)
    flash(_("Bạn đã rời %(name)s.", name=org.name))
    return redirect(url_for("account.mine"), 303)


@bp.post("/to-chuc/<int:org_id>/dia-chi")
@login_required
def add_address(org_id: int):
    """Save a postal address for later requests."""
    org = _org(org_id)
    form = {k: request.form.get(k, "") for k in ("recipient_name", "phone", "street", "province", "ward")}
    try:
        clean = PostalRequestSchema().load(form | {"direction": "result"})
    except ValidationError as exc:
        return _page(org, 422, errors=flatten_errors(exc.messages), summary=_("Địa chỉ chưa hợp lệ."))
    organisations.save_address(org, request.form.get("label", ""), clean)
    return redirect(url_for("account.organisation", org_id=org.id), 303)


@bp.post("/to-chuc/<int:org_id>/buu-chinh")
@login_required
def bulk_postal(org_id: int):
    """Ask for postal return of several dossiers at once, to one saved address."""
    org = _org(org_id)
    address = organisations.address(org, request.form.get("address", 0, type=int))  # bounded: parsing.py
    batch_key = request.form.get("client_id", "")
    try:
        uuid.UUID(batch_key)
    except ValueError:
        batch_key = ""
    codes = request.form.getlist("codes")
    if not codes:
        message = _("Chọn ít nhất một hồ sơ để gửi kết quả qua bưu chính.")
        return _page(org, 422, errors={"_form": [message]}, summary=message)
    mine = {d.code: d for d in organisations.dossiers(org)}  # only those filed for this organisation
    body = {"direction": "result", "recipient_name": address.recipient_name, "phone": address.phone,
            "street": address.street, "province": address.province_code, "ward": address.ward_code}
    done, problems = 0, []
    for code in codes:
        dossier = mine.get(code)
        if dossier is None:
            abort(404)  # not this organisation's: answer as for a typo
        # One key per dossier from the form's key: a resubmitted form registers nothing twice.
        key = str(uuid.uuid5(uuid.UUID(batch_key), code)) if batch_key else str(uuid.uuid4())
        try:
            postal.register(dossier, body, key, Actor.of(current_user))
            done += 1
        except DomainError as exc:
            refused(exc)  # this dossier's attempt is undone; the others stand
            problems.append(f"{code}: {exc.message}")
    if done:
        flash(_("Đã đăng ký gửi qua bưu chính %(n)s hồ sơ.", n=done))
    for p in problems:
        flash(p)
    return redirect(url_for("account.organisation", org_id=org.id), 303)


@bp.post("/to-chuc/<int:org_id>/mac-dinh")
@login_required
def set_default(org_id: int):
    """Choose whether the members' new dossiers default to "return by post" (owners only)."""
    org = _org(org_id, owner=True)
    organisations.set_default_return_post(org, request.form.get("default_return_post") == "1")
    return redirect(url_for("account.organisation", org_id=org.id), 303)
