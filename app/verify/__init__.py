"""Public verification of a signed result (/xac-thuc): upload a PDF, read what its signature says;
or look the result up by the code and key printed on it (its QR code opens /xac-thuc?ma=&k=).

Anyone may use it (a bank, another office, the applicant): no account, nothing shown beyond
what the file or the paper itself carries. Checks and lookups are rate-limited like tracking,
in one bucket; a wrong key and an unknown code are the same answer (services/results/lookup).
"""

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import limiter
from app.models import Status
from app.services import results
from app.services.accounts.core import can_see
from app.services.files.receive import read_upload
from app.services.files.uploads import human_size
from app.services.results import lookup, verification

bp = Blueprint("verify", __name__)

# The HTTP status of each answer: a verdict about a PDF is a successful check (200), whatever
# it says; a file that is no PDF, or cannot be read at all, is the uploader's to fix.
STATUS = {verification.NOT_PDF: 415, verification.UNREADABLE: 422, verification.UNAVAILABLE: 503}


def verify_limit() -> str:
    """Checks per client: the same budget as tracking a dossier, in its own bucket."""
    return current_app.config["RESULT_VERIFY_RATE_LIMIT"]


def _not_a_lookup() -> bool:
    """Reading the page is free; asking it for a code and key spends from the checks' budget."""
    return "ma" not in request.args and "k" not in request.args


@bp.get("/xac-thuc")
@limiter.shared_limit(verify_limit, scope="verify", exempt_when=_not_a_lookup)
def form():
    """Ask for the result file to check, or look up the result named by code and key."""
    if _not_a_lookup():
        return _page()
    typed = {"code": request.args.get("ma", "")[:200], "key": request.args.get("k", "")[:200]}
    found, errors = _find(typed["code"], typed["key"])
    if errors:
        return _page(typed=typed, errors=errors), 422
    if found is None:  # one answer for a wrong key, an unknown code and a code with no signed result
        return _page(typed=typed, missing=True), 404
    return _page(typed=typed, found=found)


@bp.post("/xac-thuc")
@limiter.shared_limit(verify_limit, scope="verify")
def check():
    """Check the uploaded file's signature and say, in words, what it proves."""
    typed = {"code": request.form.get("ma", "")[:200], "key": request.form.get("k", "")[:200]}
    found, errors = _find(typed["code"], typed["key"]) if typed["code"] or typed["key"] else (None, {})
    if errors or (found is None and (typed["code"] or typed["key"])):
        found, typed = None, {}  # the lookup is asked for by GET; a hand-made form gets the plain check
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refuse(_("Vui lòng chọn tệp kết quả (PDF) cần kiểm tra."), 422, found, typed)
    limit = current_app.config["MAX_FILE_BYTES"]
    data, size = read_upload(upload, limit)
    if size > limit:
        return _refuse(_("Tệp nặng %(size)s; trang này nhận tệp tối đa %(max)s.",
                         size=human_size(size), max=human_size(limit)), 413, found, typed)
    if not data:
        return _refuse(_("Tệp đã chọn không có nội dung."), 422, found, typed)
    verdict = results.verify(data)
    same = found is not None and verification.sha256_of(data) == found.sha256
    return _page(verdict=verdict, name=upload.filename[:255], found=found, typed=typed,
                 same=same), STATUS.get(verdict.state, 200)


def _find(code_text: str, key_text: str) -> tuple[lookup.Found | None, dict[str, str]]:
    """Clean the typed code and key, then look the result up; errors say what is malformed."""
    code, key, errors = lookup.clean_code(code_text), lookup.clean_key(key_text), {}
    if not code_text.strip():
        errors["code"] = _("Vui lòng nhập mã hồ sơ in trên kết quả.")
    elif code is None:
        errors["code"] = _("Mã hồ sơ có dạng 000.00.00.H40-261201-0007: mã cơ quan, ngày nhận "
                           "(năm, tháng, ngày) và số thứ tự, cách nhau bởi dấu gạch ngang.")
    if not key_text.strip():
        errors["key"] = _("Vui lòng nhập mã kiểm tra in cạnh mã QR.")
    elif key is None:
        errors["key"] = _("Mã kiểm tra gồm 10 chữ và số, in thành hai nhóm năm ký tự (ví dụ 7KQ2M-X9D4P).")
    if errors:
        return None, errors
    return lookup.look_up(code, key), {}


def _page(**values):
    found = values.get("found")
    owner = found is not None and can_see(current_user, found.dossier)
    download = owner and found.dossier.status == Status.RETURNED
    defaults = {"verdict": None, "error": None, "errors": {}, "typed": {}, "missing": False,
                "owner": owner, "download": download, "same": False}
    return render_template("verify/verify.html", **{**defaults, **values})


def _refuse(message: str, status: int, found=None, typed=None):
    return _page(error=message, found=found, typed=typed or {}), status
