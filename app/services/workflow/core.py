"""The one way a transition is written: a timeline entry, the status, then a checked commit.

Two officers acting on the same dossier at once: the form carries the version it was drawn
from (`rules.check`), and the database's version column refuses the second writer even when
both read the same version; either way the loser gets `Stale` and nothing is written.
"""

from contextlib import contextmanager
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.lib.time import to_local, utcnow
from app.models import Document, Dossier, Status, StatusEvent
from app.services.actors import Actor
from app.services.errors import Invalid
from app.services.integration.changes import changed
from app.services.messaging import notifications
from app.services.workflow.rules import check, stale_error


def record(dossier: Dossier, actor: Actor, to: Status, note, at: datetime, *,
           commit: bool = True, notice: str | None = None, **context) -> Dossier:
    """Append one timeline entry, move the dossier to `to` (may be where it is) and commit.

    `note` (a lazy_gettext message, or what a person typed) and the actor's label are
    stored in Vietnamese whoever acts, and a message also as its key and parameters, read
    in each reader's language (app/i18n.py). `notice` names the message the
    applicant gets for this event, with `context` what it needs: each action says its own,
    so one event is one message (answering a supplement is not a second "accepted").
    """
    # Added by foreign key rather than through `dossier.events`: loading that collection
    # would autoflush the dossier early and bump its version twice in one transition.
    db.session.add(StatusEvent.of(
        note, actor.said, dossier_id=dossier.id, from_status=dossier.status, to_status=int(to),
        actor_kind=actor.kind, actor_id=actor.id, created_at=at,
    ))
    if notice is not None:  # keyed by the version: a replay of this transition queues nothing more
        with stale_guard(dossier.id):  # its queries autoflush the dossier's changes
            notifications.notify(dossier, notice, str(dossier.version), **context)
    # For the change feed and webhooks, numbered in the commit (services/integration/changes.py).
    changed(dossier, "dossier.status_changed" if int(to) != dossier.status else "dossier.updated",
            from_status=dossier.status, to_status=int(to), actor_kind=actor.kind)
    dossier.status = int(to)
    if commit:  # a caller batching several dossiers (a waybill import) commits them at once
        commit_or_stale(dossier.id)
    return dossier


def commit_or_stale(dossier_id: int) -> None:
    """Commit; if someone else's change landed between our read and our write, raise Stale."""
    with stale_guard(dossier_id):
        db.session.commit()


@contextmanager
def stale_guard(dossier_id: int):
    """Turn a version clash found by any flush (a commit, or a query's autoflush) into Stale."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise stale_error(dossier_id) from None


def attach(dossier: Dossier, documents: list[Document], round_: str) -> None:
    """Add documents to the dossier as one round (a supplement, the result)."""
    for doc in documents:
        doc.dossier_id, doc.round = dossier.id, round_
        db.session.add(doc)
    if documents:
        changed(dossier, "dossier.document_added", round=round_, documents=len(documents))


def local_day(at: datetime) -> date:
    """Return the day in Vietnam at UTC time `at` (deadlines count local days)."""
    return to_local(at).date()


def typed(note) -> object:
    """Trim a note a person typed; a message (lazy_gettext) is left for `record` to store."""
    return (note or "").strip() if isinstance(note, str | None) else note


def required_note(note: str, message: str) -> str:
    """Return the trimmed note, or raise Invalid with `message` when it is blank."""
    note = (note or "").strip()
    if not note:
        raise Invalid(message, {"note": [_("Vui lòng nhập thông tin này.")]})
    return note


def simple(name: str, note_required: str | None = None, notice: str | None = None):
    """Build a transition that needs at most a note; `notice` quotes the note as its reason."""
    def run(dossier: Dossier, actor: Actor, note: str = "", *, version: int | None = None,
            at: datetime | None = None) -> Dossier:
        t = check(dossier, actor, name, version)
        note = required_note(note, _(note_required)) if note_required else typed(note)
        return record(dossier, actor, t.target, note or t.label, at or utcnow(), notice=notice,
                      **({"reason": note} if notice else {}))
    run.__name__ = name
    run.__doc__ = f"Make the '{name}' transition."
    return run
