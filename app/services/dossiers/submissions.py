"""Create a dossier exactly once, whether it comes from the plain form or the offline outbox."""

from collections.abc import Callable, Collection
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from app.extensions import db
from app.lib.time import to_local, utcnow
from app.models import Blob, Document, Dossier, Procedure, Status, StatusEvent
from app.models.status import Channel
from app.schemas import flatten_errors
from app.schemas.declaration import DeclarationsSchema
from app.schemas.dossier import ManifestSchema
from app.services import idempotency
from app.services.accounts import organisations
from app.services.catalogue import procedures as catalogue
from app.services.dossiers import declarations
from app.services.dossiers.codes import allocate_code
from app.services.dossiers.fields import validate_fields
from app.services.errors import Invalid, TooLarge, UnsupportedType
from app.services.files import claims
from app.services.files.uploads import ALLOWED, human_size
from app.services.integration.changes import changed
from app.services.messaging import notifications
from app.services.workflow import deadlines

# The old name: the department API (services/integration/requests.py) still imports it.
payload_hash = idempotency.digest


# The dossier the device's key made, if any.
find_by_client_id = idempotency.finder(Dossier, "client_id")


# A conflict tells the sender who made the dossier its code, so the outbox can offer to keep
# the server's copy; anybody else is told nothing about it.
DOSSIER = idempotency.Scope(
    "dossier", find=find_by_client_id, fingerprint=lambda d: d.payload_hash,
    message=lambda: _("Mã gửi này đã được dùng cho một hồ sơ khác với nội dung khác. "
                      "Hồ sơ này chưa được gửi; vui lòng kiểm tra lại."),
    details=lambda d: {"code": d.code})


def _content(clean: dict) -> dict:
    """What the dossier is, for its digest: the manifest without the phone's photo checks.

    A check is advice about a photo, not part of what was filed: with or without it (an item
    queued by an older phone has none) the same files and answers are the same dossier, and
    the digest of a manifest without checks is the one it always was.
    """
    if not any("check" in d for d in clean.get("documents") or ()):
        return clean
    return {**clean, "documents": [{k: v for k, v in d.items() if k != "check"} for d in clean["documents"]]}


def validate_manifest(payload: dict) -> tuple[dict, Procedure]:
    """Validate a manifest against its procedure; raise Invalid with every per-field message."""
    payload = payload if isinstance(payload, dict) else {}
    errors: dict[str, list[str]] = {}
    try:
        clean = ManifestSchema().load(payload)
    except ValidationError as exc:
        errors = flatten_errors(exc.messages)
        clean = exc.valid_data if isinstance(exc.valid_data, dict) else {}
    procedure = catalogue.find_procedure(str(payload.get("procedure", "")))
    if procedure is None:
        raise Invalid(_("Không tìm thấy thủ tục này."), {"procedure": [_("Thủ tục không tồn tại.")]})
    catalogue.check_open(procedure)
    raw_fields = payload.get("fields") if isinstance(payload.get("fields"), dict) else {}
    clean["fields"], field_errors = validate_fields(procedure.form_fields, raw_fields)
    clean.pop("fields_", None)
    errors |= field_errors
    answers, declaration_errors = _declarations(procedure, payload)
    errors |= declaration_errors
    if answers:  # absent otherwise: a manifest without declarations hashes as it did before them
        clean["declarations"] = answers
    errors |= _document_errors(procedure, clean.get("documents") or [], {int(k) for k in answers})
    if clean.get("return_method") == "post" and not procedure.postal_allowed:
        errors["return_method"] = [_("Thủ tục này không nhận trả kết quả qua bưu chính.")]
    if errors:
        raise Invalid(_("Hồ sơ còn thông tin chưa hợp lệ."), errors)
    clean["documents"].sort(key=lambda d: (d["requirement"], d["sha256"]))
    return clean, procedure


def _declarations(procedure: Procedure, payload: dict) -> tuple[dict, dict[str, list[str]]]:
    """Judge the declarations filled online: their shape, then each against its fields."""
    try:
        raw = DeclarationsSchema().load(payload)["declarations"]
    except ValidationError:
        return {}, {"declarations": [_("Tờ khai điền trực tuyến không hợp lệ.")]}
    return declarations.validate(procedure, raw)


def _document_errors(procedure: Procedure, documents: list[dict],
                     declared: set[int]) -> dict[str, list[str]]:
    """Check the documents against what the procedure asks of a new dossier today.

    A requirement whose declaration was filled online (`declared`) has its document: the PDF
    drawn from it.
    """
    errors: dict[str, list[str]] = {}
    by_requirement = {r.id: r for r in procedure.requirements}
    given = {d["requirement"] for d in documents} | declared
    if any(ref["requirement"] not in by_requirement for ref in documents):
        errors["documents"] = [_("Giấy tờ không thuộc thủ tục này.")]
    for req_id in sorted(given & by_requirement.keys()):
        if not by_requirement[req_id].active:  # a form drawn, or queued offline, before it was retired
            errors[f"documents.{req_id}"] = [_("Thủ tục không còn yêu cầu giấy tờ này; vui lòng gửi lại "
                                               "hồ sơ không kèm tệp này.")]
    for req in procedure.active_requirements:
        if req.mandatory and req.id not in given:
            errors[f"documents.{req.id}"] = [_("Vui lòng đính kèm giấy tờ này hoặc điền tờ khai trực tuyến.")
                                             if req.declaration else _("Vui lòng đính kèm giấy tờ này.")]
    return errors


def _check_blobs(clean: dict, procedure: Procedure, holders: Collection[str] | None) -> dict[str, Blob]:
    # Missing unless this sender uploaded it (files/claims.py): nobody learns what others sent.
    hashes = sorted({d["sha256"] for d in clean["documents"]})
    found = claims.require(hashes, holders)
    total = sum(found[h].size for h in hashes)
    limit = current_app.config["MAX_DOSSIER_BYTES"]
    if total > limit:
        raise TooLarge(_("Tổng dung lượng hồ sơ (%(size)s) vượt quá %(max)s.",
                         size=human_size(total), max=human_size(limit)))
    reqs = {r.id: r for r in procedure.requirements}
    for ref in clean["documents"]:
        accepted = reqs[ref["requirement"]].accepted_types.split(",")
        if ALLOWED[found[ref["sha256"]].media_type] not in accepted:
            raise UnsupportedType(_("Giấy tờ “%(name)s” chỉ nhận tệp %(types)s.",
                                    name=reqs[ref["requirement"]].name,
                                    types=", ".join(t.upper() for t in accepted)))
    return found


def create_dossier(
    payload: dict, client_id: str, *, channel: int = Channel.ONLINE, owner_id: int | None = None,
    actor: tuple[str, int | None, object] = ("citizen", None, ""), received: datetime | None = None,
    language: str = "vi",
    organisation=None,  # filed for it: the caller checked the account is an active member
    sent_from: str = "", may_see: Callable[[Dossier], bool] | None = None,
    holders: Collection[str] | None = None,
) -> tuple[Dossier, bool]:
    """Create the dossier for `client_id`, or return the one this sender made from the same payload.

    `language` is the one the applicant submitted in (not part of the payload: a replay from
    a browser switched to the other language is still the same dossier); messages to them
    are written in it. Counter intake leaves it Vietnamese: the officer's is not theirs.
    `sent_from` is the sending browser's digest, kept so that its replays are recognised even
    after the first answer was lost; `may_see` says whether the sender may see an existing
    dossier (services/idempotency.py: anybody else gets the conflict, never the code).
    `holders` are who sent the files by PUT (files/claims.py): a file none sent is missing.
    None for files the server received itself, in the form that files the dossier.
    """
    client_id = client_id.lower()
    try:
        clean, procedure = validate_manifest(payload)
    except Invalid:
        # A replay that no longer validates is still a different payload.
        idempotency.Attempt(DOSSIER, client_id, "", may_see).replay()
        raise
    digest = idempotency.digest(_content(clean))
    attempt = idempotency.Attempt(DOSSIER, client_id, digest, may_see)
    if (found := attempt.replay()) is not None:
        return found, False
    blobs = _check_blobs(clean, procedure, holders)

    received = received or utcnow()
    # Drawn before the transaction: only the blob and the document are written inside it.
    drawn = declarations.rendered(procedure, clean.get("declarations", {}), clean["applicant"]["name"],
                                  received)
    local = to_local(received).replace(tzinfo=None)
    due = deadlines.due_date(local, procedure.processing_time, procedure.time_unit,
                             procedure.cutoff_hour, deadlines.load_calendar())
    applicant = organisations.applicant_columns(clean, organisation)
    # Nothing is written until the code is taken, last; a twin that won the race is replayed.
    # A file removed meanwhile (blob_prune.py) fails the commit too: it is asked for again.
    with attempt.inserting(recheck=lambda: _check_blobs(clean, procedure, holders)) as outcome, \
            db.session.no_autoflush:
        dossier = Dossier(
            client_id=client_id, payload_hash=digest, code="", sent_from=sent_from,
            procedure=procedure, agency_id=procedure.agency_id,
            **applicant, owner_id=owner_id, channel=int(channel),
            status=Status.SUBMITTED, submitted_at=received, return_method=clean["return_method"],
            form_data=clean["fields"], due_date=due, language=language,
            declarations=clean.get("declarations"),
        )
        db.session.add(dossier)
        for ref in clean["documents"]:
            blob = blobs[ref["sha256"]]
            dossier.documents.append(Document(
                requirement_id=ref["requirement"], original_name=ref["name"] or blob.sha256[:12],
                media_type=blob.media_type, size=blob.size, sha256=blob.sha256,
                photo_check=ref.get("check"),
            ))
        declarations.attach(dossier, drawn)
        kind, actor_id, label = actor
        dossier.events.append(StatusEvent.of(
            _l("Nộp hồ sơ"), label, from_status=None, to_status=Status.SUBMITTED, actor_kind=kind,
            actor_id=actor_id, created_at=received,
        ))
        # Taking the number locks the day's sequence row (on SQLite, the database's write
        # lock) until the commit just after: every other submission waits for it, so it is
        # the last thing done before committing (bench/server.py, submission p95). Losing the
        # race rolls back to the savepoint, which gives the number back.
        dossier.code = allocate_code(current_app.config["AGENCY_CODE"], local.date())
        notifications.notify_received(dossier)  # in this commit: acknowledged iff it exists
        changed(dossier, "dossier.created", channel=int(channel), actor_kind=kind)
        outcome.row = dossier
    return outcome.answer
