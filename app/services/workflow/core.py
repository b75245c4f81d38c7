"""The one way a transition is written: a timeline entry, the status, then a checked commit.

Two officers acting on the same dossier at once: the form carries the version it was drawn
from (`rules.check`), and the database's version column refuses the second writer even when
both read the same version; either way the loser gets `Stale` and nothing is written.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Document, Dossier, Status, StatusEvent
from app.models.time import to_local, utcnow
from app.services import notifications
from app.services.actors import Actor
from app.services.errors import Invalid
from app.services.workflow.rules import check, stale_error


def record(dossier: Dossier, actor: Actor, to: Status, note: str, at: datetime, *,
           commit: bool = True, reason: str | None = None) -> Dossier:
    """Append one timeline entry, move the dossier to `to` (may be where it is) and commit.

    `reason` is what the applicant's message quotes when the note says more than that.
    """
    # Added by foreign key rather than through `dossier.events`: loading that collection
    # would autoflush the dossier early and bump its version twice in one transition.
    db.session.add(StatusEvent(
        dossier_id=dossier.id, from_status=dossier.status, to_status=int(to), actor_kind=actor.kind,
        actor_id=actor.id, actor_label=actor.label, note=note[:2000], created_at=at,
    ))
    if int(to) != dossier.status:
        notifications.on_transition(dossier, Status(dossier.status), to,
                                    note if reason is None else reason)
    dossier.status = int(to)
    if commit:  # a caller batching several dossiers (a waybill import) commits them at once
        commit_or_stale(dossier.id)
    return dossier


def commit_or_stale(dossier_id: int) -> None:
    """Commit; if someone else's change landed between our read and our write, raise Stale."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise stale_error(dossier_id) from None


def attach(dossier: Dossier, documents: list[Document], round_: str) -> None:
    """Add documents to the dossier as one round (a supplement, the result)."""
    for doc in documents:
        doc.dossier_id, doc.round = dossier.id, round_
        db.session.add(doc)


def local_day(at: datetime) -> date:
    """Return the day in Vietnam at UTC time `at` (deadlines count local days)."""
    return to_local(at).date()


def required_note(note: str, message: str) -> str:
    """Return the trimmed note, or raise Invalid with `message` when it is blank."""
    note = (note or "").strip()
    if not note:
        raise Invalid(message, {"note": [_("Vui lòng nhập thông tin này.")]})
    return note


def simple(name: str, note_required: str | None = None):
    """Build a transition that needs at most a note."""
    def run(dossier: Dossier, actor: Actor, note: str = "", *, version: int | None = None,
            at: datetime | None = None) -> Dossier:
        t = check(dossier, actor, name, version)
        note = required_note(note, _(note_required)) if note_required else (note or "").strip()
        return record(dossier, actor, t.target, note or str(t.label), at or utcnow())
    run.__name__ = name
    run.__doc__ = f"Make the '{name}' transition."
    return run
