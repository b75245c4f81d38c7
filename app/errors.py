"""Error pages in Vietnamese, and JSON errors for the API."""

import time

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.extensions import db, limiter
from app.services.errors import DomainError
from app.services.files.uploads import human_size


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, details=None):
    """Return the API's one error shape: {"error", "message", "details"}."""
    return jsonify(error=code, message=message, details=details), status


MESSAGES = {
    400: lambda: _("Yêu cầu không hợp lệ."),
    403: lambda: _("Bạn không có quyền xem trang này."),
    404: lambda: _("Không tìm thấy trang bạn cần."),
    405: lambda: _("Thao tác này không được hỗ trợ."),
    413: lambda: _("Dữ liệu gửi lên quá lớn nên chưa có gì được lưu. Mỗi tệp tối đa %(file)s, cả hồ sơ "
                   "tối đa %(dossier)s.", file=human_size(current_app.config["MAX_FILE_BYTES"]),
                   dossier=human_size(current_app.config["MAX_DOSSIER_BYTES"])),
    429: lambda: _("Bạn thao tác quá nhanh. Vui lòng đợi một lát rồi thử lại."),
    500: lambda: _("Hệ thống gặp sự cố. Thông tin bạn nhập chưa bị mất; vui lòng thử lại sau."),
}


def _protocol_headers(exc: HTTPException) -> dict[str, str]:
    """Keep what the protocol requires of an error: Allow on 405, Retry-After on 429."""
    headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
    if exc.code == 429 and "Retry-After" not in headers:
        current = limiter.current_limit
        wait = int(current.reset_at - time.time()) + 1 if current else 60
        headers["Retry-After"] = str(max(1, wait))
    return headers


def error_page(status: int, message: str, retry_after: str | None = None) -> str:
    """Render the error page; after a refused POST, link back to the form at the same address."""
    urls = current_app.url_map.bind_to_environ(request.environ)
    back = request.path if request.method == "POST" and urls.test(request.path, "GET") else None
    wait = int(retry_after) if retry_after and retry_after.isdigit() else None
    return render_template("errors/error.html", status=status, message=message, retry_after=wait, back=back)


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if wants_json():
            return api_error(exc.status, exc.code, exc.message, exc.details)
        return error_page(exc.status, exc.message), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message = MESSAGES.get(status, lambda: exc.description)()
        if status == 400 and "CSRF" in (exc.description or ""):
            message = _("Phiên làm việc đã hết hạn. Vui lòng tải lại trang và gửi lại.")
        headers = _protocol_headers(exc)
        if wants_json():
            body, _status = api_error(status, exc.name.lower().replace(" ", "_"), message)
            return body, status, headers
        return error_page(status, message, headers.get("Retry-After")), status, headers

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        if wants_json():
            return api_error(500, "server_error", MESSAGES[500]())
        return error_page(500, MESSAGES[500]()), 500
