"""The department API's writes, kept by (agency, Idempotency-Key), through services/idempotency.py.

Each write leaves an AgencyRequest row in the transaction of the work itself (a workflow
action, a submission): if the work fails, the row goes with it and a retry runs again; if it
commits, the row commits with it, and the answer is stored on it just after. Same key and
payload: the stored answer. Same key, another payload: 409 idempotency_conflict. A twin
racing with the same key is refused by the UNIQUE key, or finds the dossier already changed
(Stale): either way it answers as the replay would. A row whose answer was never stored (the
process died between the two commits) is answered by the caller's `resume`.
"""

import re
from collections.abc import Callable

from flask_babel import gettext as _

from app.extensions import db
from app.lib.time import utcnow
from app.models import AgencyRequest
from app.services import idempotency, workflow
from app.services.errors import KeyRequired

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}$")
Answer = tuple[int, dict]


def check_key(key: str | None) -> str:
    """Return the Idempotency-Key as given; KeyRequired when missing or not 1-100 plain characters."""
    key = (key or "").strip()
    if not KEY.match(key):
        raise KeyRequired(_("Thiếu hoặc sai tiêu đề Idempotency-Key: 1 đến 100 ký tự chữ, số hoặc . _ : -"))
    return key


def _scope(agency_id: int) -> idempotency.Scope[AgencyRequest]:
    """The agency's own keys: another agency's same key is another request."""
    return idempotency.Scope(
        "agency request",
        find=lambda key: db.session.execute(
            db.select(AgencyRequest).filter_by(agency_id=agency_id, key=key)).scalar_one_or_none(),
        fingerprint=lambda row: row.digest,
        message=lambda: _("Idempotency-Key này đã được dùng cho một yêu cầu khác với nội dung khác; "
                          "yêu cầu này chưa được thực hiện."))


def run_once(agency_id: int, key: str, operation: str, payload: dict, work: Callable[[AgencyRequest], Answer],
             resume: Callable[[AgencyRequest], Answer]) -> tuple[int, dict, bool]:
    """Run `work(row)` once for this agency and key; return (status, body, replayed).

    `work` commits (a workflow action or a submission does); `operation` and `payload` are
    what a replay must match.
    """
    fingerprint = idempotency.digest({"op": operation, "body": payload})
    # may_see: the scope finds only the agency's own rows, and they are its to see.
    attempt = idempotency.Attempt(_scope(agency_id), key, fingerprint, may_see=lambda _row: True)
    if (row := attempt.replay()) is not None:
        return (*_answer(row, resume), True)
    answer: Answer | None = None
    with attempt.inserting(races=(workflow.Stale,)) as outcome:
        row = AgencyRequest(agency_id=agency_id, key=key, digest=attempt.fingerprint, created_at=utcnow())
        db.session.add(row)
        db.session.flush()  # take the key now: a twin with it waits here, then is refused
        answer = work(row)
        outcome.row = row
    row, created = outcome.answer
    if not created:  # a twin made it first
        return (*_answer(row, resume), True)
    row.status_code, row.response = answer
    db.session.commit()
    return (*answer, False)


def _answer(row: AgencyRequest, resume: Callable[[AgencyRequest], Answer]) -> Answer:
    if row.response is None:
        return resume(row)
    return row.status_code or 200, row.response
