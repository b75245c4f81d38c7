"""Fee payments for a department's officers: import the bank statement, decide what did not match."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Role
from app.services.errors import DomainError
from app.services.payments import accounts, imports, review, statement
from app.staff import bp
from app.web.staff_access import actor, roles_required


def _agency_id() -> int:
    agency_id = actor().agency_id
    if agency_id is None:
        abort(403)  # an officer with no agency has no account to reconcile
    return agency_id


def _page(errors: list | None = None, message: str | None = None, status: int = 200,
          fields: dict | None = None):
    agency_id = _agency_id()
    account = accounts.of(agency_id)
    return render_template("staff/payments/index.html", items=review.open_items(agency_id),
                           account=account, columns=accounts.expected_columns(account),
                           row_errors=errors or [], message=message, errors=fields or {}), status


@bp.get("/thanh-toan")
@roles_required(Role.DEPARTMENT)
def payments():
    """Show the statement import and what waits for a decision: unmatched, partial, excess."""
    return _page()


def _said(summary: imports.Summary) -> str:
    if not summary.added:
        return _("Tệp đã được nhập trước đó: cả %(n)s khoản đều đã có, không thay đổi gì.", n=summary.credits)
    return _("Đã nhập %(added)s khoản mới (%(dup)s khoản đã có từ trước): %(paid)s hồ sơ đã nộp đủ "
             "(%(confirmed)s hồ sơ chuyển tiếp xử lý), %(partial)s nộp thiếu, %(excess)s nộp thừa, "
             "%(unmatched)s khoản chưa khớp hồ sơ.", added=summary.added, dup=summary.duplicates,
             paid=summary.paid, confirmed=summary.confirmed, partial=summary.partial,
             excess=summary.excess, unmatched=summary.unmatched)


@bp.post("/thanh-toan/sao-ke")
@roles_required(Role.DEPARTMENT)
def import_statement():
    """Import a bank statement (CSV or XLSX): every credit or none, each bad line said."""
    upload = request.files.get("file")
    data = upload.read(statement.MAX_BYTES + 1) if upload else b""
    try:
        summary = imports.import_statement(_agency_id(), data, upload.filename if upload else "", actor(),
                                           actor().label)
    except DomainError as exc:
        db.session.rollback()
        rows = (exc.details or {}).get("rows", []) if isinstance(exc.details, dict) else []
        return _page(rows, exc.message, exc.status)
    flash(_said(summary))
    return redirect(url_for("staff.payments"), 303)


def _decided(call, done: str):
    try:
        call()
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        return _page(None, exc.message, exc.status, exc.details if isinstance(exc.details, dict) else {})
    flash(done)
    return redirect(url_for("staff.payments"), 303)


@bp.post("/thanh-toan/khoan/<int:credit_id>/gan")
@roles_required(Role.DEPARTMENT)
def assign_credit(credit_id: int):
    """Count an unmatched credit towards the dossier an officer names."""
    code = request.form.get("code", "")
    return _decided(lambda: review.assign(credit_id, code, actor()),
                    _("Đã ghi khoản tiền vào hồ sơ %(code)s.", code=code.strip().upper()))


@bp.post("/thanh-toan/khoan/<int:credit_id>/bo-qua")
@roles_required(Role.DEPARTMENT)
def dismiss_credit(credit_id: int):
    """Set an unmatched credit aside, with the reason."""
    return _decided(lambda: review.dismiss(credit_id, request.form.get("note", ""), actor()),
                    _("Đã ghi nhận khoản tiền không thuộc hồ sơ nào."))


@bp.post("/thanh-toan/ho-so/<int:payment_id>/xu-ly")
@roles_required(Role.DEPARTMENT)
def resolve_payment(payment_id: int):
    """Close a partial or excess payment with what was done."""
    accept = request.form.get("accept") == "1"
    return _decided(lambda: review.resolve(payment_id, request.form.get("note", ""), accept, actor()),
                    _("Đã ghi nhận cách xử lý khoản thanh toán."))
