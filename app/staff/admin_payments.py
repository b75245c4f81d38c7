"""Admin: each agency's receiving bank account for fees paid by VietQR transfer."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.lib.banks import BANKS
from app.models import Agency, Role
from app.services.errors import DomainError
from app.services.payments import accounts
from app.staff import bp
from app.web.staff_access import roles_required


@bp.get("/quan-tri/tai-khoan-nhan-tien")
@roles_required(Role.ADMIN)
def bank_accounts():
    """List the agencies with the account each one's fees are paid into."""
    return render_template("staff/admin/bank_accounts.html", rows=accounts.by_agency(), banks=BANKS)


@bp.route("/quan-tri/tai-khoan-nhan-tien/<int:agency_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_bank_account(agency_id: int):
    """Set an agency's receiving account and its statement's column names."""
    agency = db.session.get(Agency, agency_id) or abort(404)
    if request.method == "GET":
        account = accounts.of(agency_id)
        values = {}
        if account is not None:
            values = {"bank_bin": account.bank_bin, "account_number": account.account_number,
                      "account_name": account.account_name}
            values |= {f"column_{k}": v for k, v in account.columns.items()}
        return render_template("staff/admin/bank_account.html", agency=agency, banks=BANKS, values=values,
                               errors={})
    try:
        accounts.save(agency_id, request.form.to_dict(), current_user.email or current_user.name)
    except DomainError as exc:
        db.session.rollback()
        return render_template("staff/admin/bank_account.html", agency=agency, banks=BANKS,
                               values=request.form.to_dict(), errors=exc.details or {},
                               message=exc.message), exc.status
    flash(_("Đã lưu tài khoản nhận tiền của %(name)s.", name=agency.name))
    return redirect(url_for("staff.bank_accounts"), 303)
