"""Public verification of a signed result (/xac-thuc): upload a PDF, read what its signature says.

Anyone may use it (a bank, another office, the applicant): no account, no dossier lookup by
code, nothing shown beyond what the file itself carries. Rate-limited like tracking.
"""

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from app.extensions import limiter
from app.services import results
from app.services.files.receive import read_upload
from app.services.files.uploads import human_size
from app.services.results import verification

bp = Blueprint("verify", __name__)

# The HTTP status of each answer: a verdict about a PDF is a successful check (200), whatever
# it says; a file that is no PDF, or cannot be read at all, is the uploader's to fix.
STATUS = {verification.NOT_PDF: 415, verification.UNREADABLE: 422, verification.UNAVAILABLE: 503}


def verify_limit() -> str:
    """Checks per client: the same budget as tracking a dossier, in its own bucket."""
    return current_app.config["RESULT_VERIFY_RATE_LIMIT"]


@bp.get("/xac-thuc")
def form():
    """Ask for the result file to check."""
    return render_template("verify/verify.html", verdict=None, error=None)


@bp.post("/xac-thuc")
@limiter.shared_limit(verify_limit, scope="verify")
def check():
    """Check the uploaded file's signature and say, in words, what it proves."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refuse(_("Vui lòng chọn tệp kết quả (PDF) cần kiểm tra."), 422)
    limit = current_app.config["MAX_FILE_BYTES"]
    data, size = read_upload(upload, limit)
    if size > limit:
        return _refuse(_("Tệp nặng %(size)s; trang này nhận tệp tối đa %(max)s.",
                         size=human_size(size), max=human_size(limit)), 413)
    if not data:
        return _refuse(_("Tệp đã chọn không có nội dung."), 422)
    verdict = results.verify(data)
    return render_template("verify/verify.html", verdict=verdict, error=None,
                           name=upload.filename[:255]), STATUS.get(verdict.state, 200)


def _refuse(message: str, status: int):
    return render_template("verify/verify.html", verdict=None, error=message), status
