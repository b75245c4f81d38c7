"""Admin: a procedure's required documents, edited on the procedure page."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.extensions import db
from app.models import Role
from app.schemas import flatten_errors
from app.services.catalogue import queries as catalogue
from app.services.catalogue import requirements
from app.services.errors import DomainError, NotFound
from app.staff import bp
from app.staff.admin_catalogue import procedure_page
from app.staff.admin_schemas import RequirementSchema
from app.web.staff_access import roles_required

BASE = "/quan-tri/thu-tuc/<code>/giay-to"


def _form() -> dict:
    return {"name": request.form.get("name", ""), "mandatory": request.form.get("mandatory", ""),
            "types": request.form.getlist("types")}


def _back(code: str):
    return redirect(url_for("staff.edit_procedure", code=code, _anchor="requirements"), 303)


def _run(code: str, target, action, done: str):
    """Run one requirement change; on failure show the procedure page with the reason."""
    try:
        action()
    except NotFound:
        db.session.rollback()
        abort(404)
    except (ValidationError, DomainError) as exc:
        db.session.rollback()
        proc = catalogue.procedure(code)
        if isinstance(exc, ValidationError):
            errors, status, message = flatten_errors(exc.messages), 422, _("Chưa lưu được thành phần hồ sơ.")
        else:
            errors, status, message = exc.details or {}, exc.status, exc.message
        # Several forms on one page: field ids carry the form's prefix, so the summary's
        # links land on the right field.
        prefix = f"req-{target}-"
        return procedure_page(proc, requirement={
            "target": target, "values": _form(), "message": message,
            "errors": {prefix + k: v for k, v in errors.items()},
            "labels": {prefix + "name": _("Tên giấy tờ"), prefix + "types": _("Loại tệp nhận")}},
            status=status)
    flash(done)
    return _back(code)


@bp.post(BASE)
@roles_required(Role.ADMIN)
def add_requirement(code: str):
    """Add a required document at the end of the list."""
    def action():
        requirements.add(code, **RequirementSchema().load(_form()))
    return _run(code, "new", action, _("Đã thêm thành phần hồ sơ."))


@bp.post(BASE + "/<int:requirement_id>")
@roles_required(Role.ADMIN)
def edit_requirement(code: str, requirement_id: int):
    """Change a required document's name, whether it is mandatory and its file types."""
    def action():
        requirements.get(code, requirement_id)  # 404 before 422: someone else's id is not a typo
        requirements.update(code, requirement_id, **RequirementSchema().load(_form()))
    return _run(code, requirement_id, action, _("Đã lưu thành phần hồ sơ."))


@bp.post(BASE + "/<int:requirement_id>/thu-tu")
@roles_required(Role.ADMIN)
def move_requirement(code: str, requirement_id: int):
    """Move a required document one place up or down."""
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    return _run(code, requirement_id, lambda: requirements.move(code, requirement_id, step),
                _("Đã đổi thứ tự thành phần hồ sơ."))


@bp.post(BASE + "/<int:requirement_id>/xoa")
@roles_required(Role.ADMIN)
def remove_requirement(code: str, requirement_id: int):
    """Remove a required document that no dossier has used."""
    return _run(code, requirement_id, lambda: requirements.remove(code, requirement_id),
                _("Đã xóa thành phần hồ sơ."))


@bp.post(BASE + "/<int:requirement_id>/ngung")
@roles_required(Role.ADMIN)
def retire_requirement(code: str, requirement_id: int):
    """Stop asking new dossiers for a document; dossiers already sent keep theirs."""
    return _run(code, requirement_id, lambda: requirements.set_active(code, requirement_id, False),
                _("Đã ngừng yêu cầu thành phần hồ sơ; hồ sơ mới không còn phải đính kèm."))


@bp.post(BASE + "/<int:requirement_id>/yeu-cau-lai")
@roles_required(Role.ADMIN)
def reactivate_requirement(code: str, requirement_id: int):
    """Ask new dossiers for a retired document again."""
    return _run(code, requirement_id, lambda: requirements.set_active(code, requirement_id, True),
                _("Đã yêu cầu lại thành phần hồ sơ."))
