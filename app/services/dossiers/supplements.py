"""Answering a supplement request with uploaded blobs, exactly once per Idempotency-Key.

The same path serves the citizen's plain form, the PWA outbox (POST /api/v1/dossiers/<code>/
supplements) and reception recording papers brought to the counter.
"""

from collections.abc import Collection

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.lib.time import local_today, to_local
from app.models import Document, Dossier, SupplementRequest
from app.schemas import flatten_errors
from app.schemas.supplement import SupplementAnswerSchema
from app.services import idempotency, workflow
from app.services.actors import Actor
from app.services.errors import Invalid, TooLarge, WrongStatus
from app.services.files import claims
from app.services.files.uploads import human_size

# The request an answer with this Idempotency-Key went to, if any.
by_key = idempotency.finder(SupplementRequest, "answer_key")


ANSWER = idempotency.Scope(
    "supplement", find=by_key, fingerprint=lambda request: request.answer_hash,
    message=lambda: _("Mã gửi này đã được dùng cho một lần bổ sung khác. "
                      "Lần bổ sung này chưa được gửi; vui lòng kiểm tra lại."))


def _documents(dossier: Dossier, clean: dict, holders: Collection[str] | None) -> list[Document]:
    # Missing unless this sender uploaded it (files/claims.py): nobody learns what others sent.
    hashes = sorted({d["sha256"] for d in clean["documents"]})
    found = claims.require(hashes, holders)
    total, limit = sum(found[h].size for h in hashes), current_app.config["MAX_DOSSIER_BYTES"]
    if total > limit:
        raise TooLarge(_("Tổng dung lượng các tệp bổ sung (%(size)s) vượt quá %(max)s.",
                         size=human_size(total), max=human_size(limit)))
    valid = {r.id for r in dossier.procedure.requirements}
    return [Document(requirement_id=ref["requirement"] if ref["requirement"] in valid else None,
                     original_name=ref["name"] or ref["sha256"][:12],
                     media_type=found[ref["sha256"]].media_type, size=found[ref["sha256"]].size,
                     sha256=ref["sha256"], photo_check=ref.get("check")) for ref in clean["documents"]]


def expired(request: SupplementRequest) -> bool:
    """Say whether the applicant's deadline for this open request has passed (its day still counts).

    Only said, never a refusal: an answer is still taken while the round is open (_still_open).
    """
    return request.is_open and request.deadline < local_today()


def late(request: SupplementRequest) -> bool:
    """Say whether this round was answered after its deadline (the day the server recorded it)."""
    return request.answered_at is not None and to_local(request.answered_at).date() > request.deadline


def _still_open(dossier: Dossier, clean: dict) -> None:
    """Refuse a new answer to a round that is closed (answered already), or to no round at all.

    Past the deadline the answer is still taken, from the applicant too: refusing it would send
    them to the desk, and one made offline in time may only reach us after the day. Staff see it
    came late (late()). A round answered meanwhile (the counter, another device) is closed, so a
    stale answer from the outbox never lands in a later round.
    """
    request = workflow.open_supplement(dossier)
    wanted = clean.get("supplement")
    if request is None or (wanted is not None and wanted != request.number):
        raise WrongStatus(_("Yêu cầu bổ sung này đã được trả lời hoặc không còn hiệu lực, nên phần "
                            "bổ sung không được lưu. Vui lòng xem tình trạng hồ sơ."))


def _content(clean: dict) -> dict:
    """What the answer is, for its digest: without the phone's photo checks (advice, not content),
    so an item queued before checks were sent replays as the same answer."""
    if not any("check" in d for d in clean["documents"]):
        return clean
    return {**clean, "documents": [{k: v for k, v in d.items() if k != "check"} for d in clean["documents"]]}


def answer(dossier: Dossier, payload: dict, key: str, actor: Actor,
           holders: Collection[str] | None = None) -> tuple[SupplementRequest, bool]:
    """Answer the open request; the same key and payload again returns the first answer.

    `holders` are who sent the files by PUT (files/claims.py): a file none sent is missing.
    None for files the server received itself, in the form that answers.
    """
    key = key.lower()
    try:
        clean = SupplementAnswerSchema().load(payload if isinstance(payload, dict) else {})
    except ValidationError as exc:
        raise Invalid(_("Phần bổ sung còn thông tin chưa hợp lệ."), flatten_errors(exc.messages)) from exc
    clean["documents"].sort(key=lambda d: (d["sha256"], d["name"]))
    if clean["supplement"] is None:  # so an answer without it digests as it always did
        del clean["supplement"]
    digest = idempotency.digest(_content(clean))
    # The sender proved this dossier: a key used on another one is a conflict naming nothing.
    attempt = idempotency.Attempt(ANSWER, key, digest, lambda found: found.dossier_id == dossier.id)
    if (existing := attempt.replay()) is not None:
        return existing, False
    _still_open(dossier, clean)
    documents = _documents(dossier, clean, holders)
    # A twin of this request (same key) may win the race: its dossier change makes ours stale.
    # A file removed meanwhile (blob_prune.py) fails the commit too: it is asked for again.
    def recheck():
        return _documents(dossier, clean, holders)

    with attempt.inserting(races=(workflow.Stale,), recheck=recheck) as outcome:
        outcome.row = workflow.answer_supplement(dossier, actor, documents, clean["note"],
                                                 key=key, digest=digest)
    return outcome.answer
