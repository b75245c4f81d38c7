"""Actions on a dossier: each view parses its form and calls one workflow function."""

import uuid

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from app.extensions import db
from app.models import Document
from app.schemas import flatten_errors
from app.schemas.staff import SupplementRequestSchema
from app.services import workflow
from app.services.dossiers import supplements
from app.services.errors import DomainError, Invalid
from app.services.files import blobs
from app.services.files.receive import store_files
from app.staff import bp
from app.staff.dossier import render_dossier
from app.web.staff_access import actor, dossier_or_404


def _version() -> int | None:
    """The version the officer's page was drawn from (a stale one is refused by workflow)."""
    return request.form.get("version", type=int)  # None when missing or not a number


def _note() -> str:
    return request.form.get("note", "").strip()[:2000]


def _uploads(field: str) -> list[tuple[str, bytes]]:
    limit = current_app.config["MAX_FILE_BYTES"]
    return [(f.filename, f.read(limit + 1)) for f in request.files.getlist(field) if f and f.filename]


def _act(code: str, run, done: str):
    """Run one action; on success go back to the dossier, else show it with the reason."""
    dossier = dossier_or_404(code)
    try:
        run(dossier)
    except DomainError as exc:
        db.session.rollback()
        dossier = dossier_or_404(code)  # show what is in the database now
        errors = exc.details if isinstance(exc, Invalid) and isinstance(exc.details, dict) else {}
        return render_dossier(dossier, exc.status, errors=errors, message=exc.message,
                              values=request.form.to_dict())
    flash(str(done))
    return redirect(url_for("staff.dossier", code=code), 303)


def _simple(name: str, slug: str, fn, done: str):
    def view(code: str):
        return _act(code, lambda d: fn(d, actor(), _note(), version=_version()), done)
    view.__name__ = name
    view.__doc__ = f"Make the '{name}' transition from the dossier page."
    bp.add_url_rule(f"/ho-so/<code>/{slug}", name, view, methods=["POST"])


for _name, _slug, _fn, _done in [
    ("accept", "tiep-nhan", workflow.accept, _l("Đã tiếp nhận hồ sơ.")),
    ("refuse", "tu-choi", workflow.refuse, _l("Đã từ chối tiếp nhận hồ sơ.")),
    ("forward", "chuyen-xu-ly", workflow.forward, _l("Đã chuyển hồ sơ đến cơ quan giải quyết.")),
    ("request_payment", "yeu-cau-nop-phi", workflow.request_payment,
     _l("Đã yêu cầu thực hiện nghĩa vụ tài chính.")),
    ("confirm_payment", "xac-nhan-nop-phi", workflow.confirm_payment,
     _l("Đã xác nhận nghĩa vụ tài chính.")),
    ("request_withdrawal", "ghi-nhan-rut", workflow.request_withdrawal, _l("Đã ghi nhận yêu cầu rút hồ sơ.")),
    ("stop", "dung-xu-ly", workflow.stop, _l("Đã dừng xử lý hồ sơ.")),
    ("decline_withdrawal", "khong-chap-nhan-rut", workflow.decline_withdrawal,
     _l("Đã ghi nhận không chấp nhận yêu cầu rút; hồ sơ tiếp tục được giải quyết.")),
]:
    _simple(_name, _slug, _fn, _done)


@bp.post("/ho-so/<code>/yeu-cau-bo-sung")
def request_supplement(code: str):
    """Ask the applicant for missing documents by a deadline."""
    def run(dossier):
        try:
            form = SupplementRequestSchema().load(request.form.to_dict())
        except ValidationError as exc:
            raise Invalid(_("Yêu cầu bổ sung chưa đủ thông tin."), flatten_errors(exc.messages)) from exc
        workflow.request_supplement(dossier, actor(), form["items"], form["deadline"],
                                    version=_version())
    return _act(code, run, _("Đã gửi yêu cầu bổ sung; thời gian giải quyết tạm dừng."))


@bp.post("/ho-so/<code>/nhan-bo-sung")
def answer_supplement(code: str):
    """Record documents the applicant brought to the counter as the supplement answer."""
    def run(dossier):
        workflow.check(dossier, actor(), "answer_supplement", _version())  # before keeping files
        refs = store_files(_uploads("files"), "files")
        key = request.form.get("client_id", "") or str(uuid.uuid4())
        payload = {"documents": refs, "note": _note()}
        supplements.answer(dossier, payload, key, actor())
    return _act(code, run, _("Đã nhận hồ sơ bổ sung; hồ sơ tiếp tục được giải quyết."))


@bp.post("/ho-so/<code>/hoan-thanh")
def resolve(code: str):
    """Attach the result document and say how it goes back to the applicant."""
    def run(dossier):
        workflow.check(dossier, actor(), "resolve", _version())  # before keeping any file
        refs = store_files(_uploads("result"), "result")
        docs = [Document(original_name=r["name"], size=r["size"], sha256=r["sha256"],
                         media_type=blobs.get_blob(r["sha256"]).media_type) for r in refs]
        workflow.resolve(dossier, actor(), docs, request.form.get("return_method", ""), _note(),
                         version=_version())
    return _act(code, run, _("Hồ sơ đã có kết quả."))


@bp.post("/ho-so/<code>/tra-ket-qua")
def return_counter(code: str):
    """Hand the result over at the counter."""
    return _act(code, lambda d: workflow.return_result(d, actor(), "counter", _note(), version=_version()),
                _("Đã trả kết quả."))
