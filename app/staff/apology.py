"""The apology letter (Mẫu 04) from the dossier page."""

from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l

from app.services.dossiers.apology import apologise as apologise_service
from app.staff import bp
from app.staff.actions import _act, _note, _version
from app.web.staff_access import actor


@bp.post("/ho-so/<code>/xin-loi")
def apologise(code: str):
    """Send the applicant an apology with a new appointment date."""
    try:
        new_date = date.fromisoformat(request.form.get("new_date", ""))
    except ValueError:
        new_date = None
    return _act(code, lambda d: apologise_service(d, actor(), new_date, _note(), version=_version()),
                _l("Đã gửi thư xin lỗi và ngày hẹn mới cho người nộp."))
