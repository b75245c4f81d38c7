"""The dossier state machine: the only code that changes `Dossier.status`.

`rules` says who may make each transition and from which statuses (`TRANSITIONS`) and
raises when they may not; `core.record` writes every transition the same way (timeline
entry, notifications, status, a commit that refuses a concurrent writer); `actions` and
`supplement` are the transitions themselves, checking what each needs (a reason, the
missing items, a result document). Callers use this package as one module:
`from app.services import workflow; workflow.accept(...)`.
"""

from app.services.workflow.actions import (
    accept,
    confirm_payment,
    decline_withdrawal,
    forward,
    postal_step,
    refuse,
    request_payment,
    request_withdrawal,
    resolve,
    return_result,
    status_before_withdrawal,
    stop,
)
from app.services.workflow.core import record
from app.services.workflow.rules import (
    APOLOGY_ALLOWED,
    BEFORE_RESULT,
    RETURN_METHODS,
    TRANSITIONS,
    NotAllowed,
    Stale,
    Transition,
    WrongStatus,
    actions_for,
    can,
    check,
    in_scope,
    stale_error,
)
from app.services.workflow.supplement import answer_supplement, open_supplement, request_supplement

__all__ = [
    "BEFORE_RESULT", "RETURN_METHODS", "APOLOGY_ALLOWED", "TRANSITIONS", "NotAllowed", "Stale",
    "Transition", "WrongStatus", "accept", "actions_for", "answer_supplement", "can", "check",
    "confirm_payment", "decline_withdrawal", "forward", "in_scope", "open_supplement",
    "postal_step", "record", "refuse", "request_payment", "request_supplement",
    "request_withdrawal", "resolve", "return_result", "stale_error", "status_before_withdrawal",
    "stop",
]
