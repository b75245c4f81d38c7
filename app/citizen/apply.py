"""The apply form: a plain multipart form that works without JavaScript."""

import uuid

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

from app.citizen import bp
from app.citizen.access import dossier_or_404, grant
from app.extensions import db
from app.lib.multipart_peek import peek
from app.models import Status
from app.services.catalogue import procedures as catalogue
from app.services.dossiers import intake
from app.services.dossiers.tracking import access_token
from app.services.errors import DomainError, Invalid, TooLarge, UnsupportedType
from app.services.files.uploads import human_size, too_large
from app.services.payments import fees
from app.services.postal import requests as postal
from app.web import form_files, sender
from app.web.current import filing_choices, filing_for, owner_id, start_values

READ_THROUGH = 4  # a refused body up to 4 times the limit is read to its end (multipart_peek.py)


@bp.get("/thu-tuc/<code>/nop")
def apply_form(code: str):
    """Show the apply form, with a fresh client id so a double submit makes one dossier."""
    proc = catalogue.get_procedure(code) or abort(404)
    choices = filing_choices()  # a member may file for the organisation instead of personally
    values = start_values(request.args.get("to-chuc"), choices, proc.postal_allowed)
    return render_template("citizen/apply.html", procedure=proc, values=values, choices=choices,
                           client_id=str(uuid.uuid4()), kept={}, errors={},
                           counter_only=fees.counter_only(proc))


@bp.post("/thu-tuc/<code>/nop")
def apply(code: str):
    """Receive the plain form: judge fields and files in one round, then create the dossier once."""
    # Not get_procedure: a form drawn before the agency closed is answered with the reason (422).
    proc = catalogue.find_procedure(code) or abort(404)
    form = request.form
    client_id = form.get("client_id", "")
    kept = form_files.kept(proc.requirements)
    try:
        if not _is_uuid(client_id):
            raise Invalid(_("Biểu mẫu đã cũ, vui lòng tải lại trang."), {})
        org = filing_for(form.get("organisation"))  # only if the account is its active member now
        # Good files are stored even beside bad ones, and listed as kept on the form's answer.
        dossier, _created = intake.file_from_form(
            proc, form_files.uploads(proc.requirements), kept,
            lambda refs: form_files.manifest(proc, form, refs, organisation=org.id if org else None,
                                             declarations=declaration_answers(form)),
            client_id, stored=form_files.remember, owner_id=owner_id(), language=str(get_locale()),
            organisation=org, sent_from=sender.name(), may_see=sender.may_see)
    except DomainError as exc:
        db.session.rollback()
        field_errors = isinstance(exc, Invalid | TooLarge | UnsupportedType)
        errors = exc.details if field_errors and exc.details else {"_form": [exc.message]}
        if exc.code == "idempotency_conflict":
            client_id = str(uuid.uuid4())
        return refused(proc, form, client_id, kept, errors, exc.message), exc.status
    grant(dossier)
    return redirect(url_for("citizen.receipt", code=dossier.code, t=access_token(dossier)), 303)


def refused(proc, form, client_id: str, kept: dict, errors: dict, summary: str) -> str:
    """The form again, as the person filled it, with every reason it was not sent."""
    values = {k: v for k, v in form.items() if not k.startswith(("kept.", "csrf"))}
    return render_template("citizen/apply.html", procedure=proc, values=values, client_id=client_id,
                           kept=kept, errors=errors, summary=summary, choices=filing_choices(),
                           counter_only=fees.counter_only(proc))


@bp.errorhandler(RequestEntityTooLarge)
def body_too_large(exc):
    """A plain apply form over the size of a whole dossier (413): the form again, filled in."""
    answer = _refused_for_size() if request.endpoint == "citizen.apply" else None
    if answer is None:  # another page, or a body that cannot be read through: the app's page
        # (Flask asks a blueprint's handlers first; with no blueprint named, the app's answers.)
        return current_app._find_error_handler(exc, [])(exc)
    return answer, 413


def _refused_for_size() -> str | None:
    """Read the refused body through (text kept, files only counted) and say what each weighed.

    Only a body refused before any of it was read (its Content-Length over the limit), and not
    absurdly large, is read through; nothing of it is stored.
    """
    length, most = request.content_length, request.max_content_length
    boundary = request.mimetype_params.get("boundary", "")
    proc = catalogue.find_procedure(request.view_args.get("code", "")) if request.view_args else None
    if (proc is None or request.mimetype != "multipart/form-data" or not boundary or not most
            or not length or not most < length <= READ_THROUGH * most):
        return None
    body = LimitedStream(request.environ["wsgi.input"], length)
    peeked = peek(body, boundary.encode(), max_field=current_app.config["MAX_FORM_MEMORY_SIZE"])
    if peeked is None:
        return None
    limit, whole = current_app.config["MAX_FILE_BYTES"], current_app.config["MAX_DOSSIER_BYTES"]
    errors = {"_form": [_("Các tệp gửi cùng lúc nặng %(size)s, nên máy chủ không nhận hồ sơ và chưa "
                          "lưu tệp nào. Mỗi tệp tối đa %(file)s, cả hồ sơ tối đa %(dossier)s. Những gì "
                          "bạn đã nhập vẫn còn dưới đây: hãy chọn lại các tệp, nhỏ hơn hoặc ít hơn.",
                          size=human_size(length), file=human_size(limit), dossier=human_size(whole))]}
    inputs = {f"documents.{r.id}" for r in proc.requirements}
    for name, filename, size in peeked.files:
        if name in inputs and filename:
            errors.setdefault(name, []).append(
                too_large(filename, size, limit).message if size > limit
                else _("%(name)s (%(size)s) chưa được lưu; vui lòng chọn lại.", name=filename,
                       size=human_size(size)))
    client_id = peeked.fields.get("client_id", "")
    client_id = client_id if _is_uuid(client_id) else str(uuid.uuid4())
    return refused(proc, peeked.fields, client_id, form_files.kept(proc.requirements, peeked.fields),
                   errors, _("Hồ sơ chưa được gửi: các tệp quá lớn"))


def declaration_answers(form) -> dict[str, dict]:
    """The declarations filled online: `declarations.<requirement id>.<field>` → nested answers."""
    answers: dict[str, dict] = {}
    for key, value in form.items():
        if key.startswith("declarations."):
            requirement, _dot, name = key.removeprefix("declarations.").partition(".")
            answers.setdefault(requirement, {})[name] = value
    return answers


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


@bp.get("/ho-so/<code>/bien-nhan")
def receipt(code: str):
    """Show the printable receipt and appointment slip (Mẫu 01)."""
    dossier = dossier_or_404(code)
    # Chose "by post" when applying: the address comes next, on the postal request page.
    pending = (dossier.return_method == "post" and dossier.status in Status.OPEN
               and postal.latest(dossier) is None)
    return render_template("citizen/receipt.html", dossier=dossier, postal_pending=pending,
                           fee=fees.fee_of(dossier))
