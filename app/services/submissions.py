"""Create a dossier exactly once, whether it comes from the plain form or the offline outbox."""

import hashlib
import json
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import stored
from app.models import Blob, Document, Dossier, Procedure, Status, StatusEvent
from app.models.status import Channel
from app.models.time import to_local, utcnow
from app.schemas import flatten_errors
from app.schemas.dossier import ManifestSchema
from app.services import catalogue, deadlines, notifications, organisations
from app.services.codes import allocate_code
from app.services.errors import (
    BlobsMissing,
    IdempotencyConflict,
    Invalid,
    TooLarge,
    UnsupportedType,
)
from app.services.procedure_fields import validate_fields
from app.services.uploads import ALLOWED, human_size


def payload_hash(clean: dict) -> str:
    """Hash the validated manifest, so a retry with the same content is recognised."""
    canonical = json.dumps(clean, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def find_by_client_id(client_id: str) -> Dossier | None:
    return db.session.execute(
        db.select(Dossier).filter_by(client_id=client_id)
    ).scalar_one_or_none()


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
    errors |= _document_errors(procedure, clean.get("documents") or [])
    if clean.get("return_method") == "post" and not procedure.postal_allowed:
        errors["return_method"] = [_("Thủ tục này không nhận trả kết quả qua bưu chính.")]
    if errors:
        raise Invalid(_("Hồ sơ còn thông tin chưa hợp lệ."), errors)
    clean["documents"].sort(key=lambda d: (d["requirement"], d["sha256"]))
    return clean, procedure


def _document_errors(procedure: Procedure, documents: list[dict]) -> dict[str, list[str]]:
    """Check the documents against what the procedure asks of a new dossier today."""
    errors: dict[str, list[str]] = {}
    by_requirement = {r.id: r for r in procedure.requirements}
    given = {d["requirement"] for d in documents}
    if any(ref["requirement"] not in by_requirement for ref in documents):
        errors["documents"] = [_("Giấy tờ không thuộc thủ tục này.")]
    for req_id in sorted(given & by_requirement.keys()):
        if not by_requirement[req_id].active:  # a form drawn, or queued offline, before it was retired
            errors[f"documents.{req_id}"] = [_("Thủ tục không còn yêu cầu giấy tờ này; vui lòng gửi lại "
                                               "hồ sơ không kèm tệp này.")]
    for req in procedure.active_requirements:
        if req.mandatory and req.id not in given:
            errors[f"documents.{req.id}"] = [_("Vui lòng đính kèm giấy tờ này.")]
    return errors


def _check_blobs(clean: dict, procedure: Procedure) -> dict[str, Blob]:
    hashes = sorted({d["sha256"] for d in clean["documents"]})
    found = {
        b.sha256: b
        for b in db.session.execute(db.select(Blob).where(Blob.sha256.in_(hashes))).scalars()
    }
    missing = [h for h in hashes if h not in found]
    if missing:
        raise BlobsMissing(_("Một số tệp chưa được tải lên máy chủ."), {"missing": missing})
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


def _existing_or_conflict(existing: Dossier | None, digest: str) -> tuple[Dossier, bool] | None:
    if existing is None:
        return None
    if existing.payload_hash != digest:
        raise IdempotencyConflict(
            _("Mã gửi này đã được dùng cho một hồ sơ khác với nội dung khác. "
              "Hồ sơ này chưa được gửi; vui lòng kiểm tra lại."),
            {"code": existing.code},
        )
    return existing, False


def create_dossier(
    payload: dict, client_id: str, *, channel: int = Channel.ONLINE, owner_id: int | None = None,
    actor: tuple[str, int | None, str] = ("citizen", None, ""), received: datetime | None = None,
    language: str = "vi",
    organisation=None,  # filed for it: the caller checked the account is an active member
) -> tuple[Dossier, bool]:
    """Create the dossier for `client_id`, or return the one already made from the same payload.

    `language` is the one the applicant submitted in (not part of the payload: a replay from
    a browser switched to the other language is still the same dossier); messages to them
    are written in it. Counter intake leaves it Vietnamese: the officer's is not theirs.
    """
    client_id = client_id.lower()
    existing = find_by_client_id(client_id)
    try:
        clean, procedure = validate_manifest(payload)
    except Invalid:
        if existing is not None:  # a replay that no longer validates is still a different payload
            _existing_or_conflict(existing, "")
        raise
    digest = payload_hash(clean)
    if (found := _existing_or_conflict(existing, digest)) is not None:
        return found
    blobs = _check_blobs(clean, procedure)

    received = received or utcnow()
    local = to_local(received).replace(tzinfo=None)
    due = deadlines.due_date(local, procedure.processing_time, procedure.time_unit,
                             procedure.cutoff_hour, deadlines.load_calendar())
    applicant = organisations.applicant_columns(clean, organisation)
    with db.session.no_autoflush:  # nothing is written until the code is taken, last
        dossier = Dossier(
            client_id=client_id, payload_hash=digest, code="",
            procedure=procedure, agency_id=procedure.agency_id,
            **applicant, owner_id=owner_id, channel=int(channel),
            status=Status.SUBMITTED, submitted_at=received, return_method=clean["return_method"],
            form_data=clean["fields"], due_date=due, language=language,
        )
        db.session.add(dossier)
        for ref in clean["documents"]:
            blob = blobs[ref["sha256"]]
            dossier.documents.append(Document(
                requirement_id=ref["requirement"], original_name=ref["name"] or blob.sha256[:12],
                media_type=blob.media_type, size=blob.size, sha256=blob.sha256,
            ))
        kind, actor_id, label = actor
        dossier.events.append(StatusEvent(
            from_status=None, to_status=Status.SUBMITTED, actor_kind=kind, actor_id=actor_id,
            actor_label=label, note=stored(_l("Nộp hồ sơ")), created_at=received,
        ))
        # Taking the number locks the day's sequence row (on SQLite, the database's write
        # lock) until the commit just below: every other submission waits for it, so it is
        # the last thing done before committing (bench/server.py, submission p95).
        dossier.code = allocate_code(current_app.config["AGENCY_CODE"], local.date())
        notifications.notify_received(dossier)  # in this commit: acknowledged iff it exists
    try:
        db.session.commit()
    except IntegrityError:
        # Another request with the same key won the race; answer as a replay would.
        db.session.rollback()
        if (found := _existing_or_conflict(find_by_client_id(client_id), digest)) is not None:
            return found
        raise
    return dossier, True
