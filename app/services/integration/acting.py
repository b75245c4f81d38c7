"""Transitions made through the department API: the staff rules, through services/workflow.

The token acts as a staff member of its agency (tokens.actor_for), so `workflow` decides
exactly as it does for an officer: who may, from which status, what each action needs, and
the timeline records the token's agency and name. A stale `version` is 412 with the current
one; a refusal keeps the workflow's answer (409 wrong status, 403 not this role, 422 missing).
"""

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.extensions import db
from app.models import ApiToken, Document, Dossier
from app.models.status import status_labels
from app.schemas import flatten_errors
from app.schemas.agency import TransitionSchema
from app.services import workflow
from app.services.dossiers.apology import apologise
from app.services.errors import Invalid, TooLarge, VersionMismatch
from app.services.files import claims
from app.services.files.uploads import human_size
from app.services.integration import feed, requests
from app.services.integration.tokens import actor_for


def _simple(run):
    return lambda d, actor, c: run(d, actor, c["note"], version=c["version"])


def _supplement(d, actor, c):
    workflow.request_supplement(d, actor, "\n".join(i.strip() for i in c["items"]), c["deadline"],
                                version=c["version"])


def _resolve(d, actor, c):
    workflow.check(d, actor, "resolve", c["version"])  # refuse before looking at any file
    results = _results(c["results"], [claims.agency(actor.agency_id)])  # uploaded with its token
    workflow.resolve(d, actor, results, c["return_method"], c["note"], version=c["version"])


def _results(refs: list[dict], holders: list[str]) -> list[Document]:
    """The result documents named by blob hash (uploaded first with PUT /api/v1/blobs/<sha256>,
    with the agency's token: a file the agency did not send is missing, files/claims.py)."""
    found = claims.require((r["sha256"] for r in refs), holders)
    total, limit = sum(b.size for b in found.values()), current_app.config["MAX_DOSSIER_BYTES"]
    if total > limit:
        raise TooLarge(_("Tổng dung lượng các tệp kết quả (%(size)s) vượt quá %(max)s.",
                         size=human_size(total), max=human_size(limit)))
    return [Document(original_name=r["name"] or r["sha256"][:12], media_type=found[r["sha256"]].media_type,
                     size=found[r["sha256"]].size, sha256=r["sha256"]) for r in refs]


RUNNERS = {
    "accept": _simple(workflow.accept), "refuse": _simple(workflow.refuse),
    "forward": _simple(workflow.forward),
    "request_supplement": _supplement, "request_payment": _simple(workflow.request_payment),
    "confirm_payment": _simple(workflow.confirm_payment), "resolve": _resolve,
    "return_counter": lambda d, actor, c: workflow.return_result(d, actor, "counter", c["note"],
                                                                 version=c["version"]),
    "request_withdrawal": _simple(workflow.request_withdrawal),
    "apologise": lambda d, actor, c: apologise(d, actor, c["new_date"], c["note"], version=c["version"]),
    "stop": _simple(workflow.stop), "decline_withdrawal": _simple(workflow.decline_withdrawal),
}


def summary(dossier: Dossier) -> dict:
    """What a write answers: where the dossier stands now."""
    return {"code": dossier.code, "status": dossier.status, "status_label": status_labels()[dossier.status],
            "version": dossier.version}


def act(token: ApiToken, code: str, payload: dict, key: str | None) -> tuple[int, dict, bool]:
    """Make one transition on a dossier of the token's agency, once per Idempotency-Key."""
    key = requests.check_key(key)
    actor = actor_for(token)
    try:
        clean = TransitionSchema().load(payload)
    except ValidationError as exc:
        raise Invalid(_("Yêu cầu thao tác chưa hợp lệ."), flatten_errors(exc.messages)) from exc
    dossier = feed.find(actor, code)

    def work(claim) -> requests.Answer:
        claim.dossier_id = dossier.id
        RUNNERS[clean["action"]](dossier, actor, clean)
        return 200, summary(dossier)

    def resume(claim) -> requests.Answer:  # done, but its answer was never stored: where it is now
        return 200, summary(db.session.get(Dossier, claim.dossier_id))

    try:
        return requests.run_once(token.agency_id, key, f"transition:{dossier.id}", clean, work, resume)
    except workflow.Stale:
        db.session.rollback()
        current = db.session.get(Dossier, dossier.id)
        raise VersionMismatch(_("Hồ sơ đã được thay đổi (phiên bản hiện tại: %(v)s). Hãy đọc lại hồ sơ rồi "
                                "gửi lại thao tác với phiên bản mới.", v=current.version),
                              {"current_version": current.version, "status": current.status}) from None
