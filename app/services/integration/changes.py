"""The change feed's order: every commit that changes dossiers gives them the next numbers.

Every write path ends in a commit, so the numbering lives in the commit itself (a session
hook), and no path can forget it: a flush notes each dossier it wrote (the dossier row, a
document or a timeline entry added to it), `changed()` lets a service say what happened (the
events a webhook sends), and just before the commit one statement bumps the counter row
(`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`) and the changed dossiers get its numbers.

The bump is the last thing before the commit, for the reason services/codes.py takes the
day's number last: its row lock queues every other changing commit behind this one until
it commits (on SQLite the database's write lock does the same), so numbers become visible
in commit order. A reader that has seen number n never later finds a committed change
below n, which is what lets a client follow the feed by "after n" and miss nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ChangeCounter, Document, Dossier, DossierChange, StatusEvent
from app.services.sql import insert

COUNTER = "dossier"
_PENDING, _TOUCHED = "integration.changes", "integration.touched"
_LISTENERS: list[Callable[[list["Change"]], None]] = []


@dataclass(frozen=True)
class Change:
    """What a service said happened to a dossier in this transaction."""

    dossier: Dossier
    event: str  # "dossier.created", "dossier.status_changed", "dossier.supplement_answered", ...
    data: dict = field(default_factory=dict)


def _innermost(session: Session):
    """The transaction a note belongs to: the open savepoint, if any, else the transaction."""
    return session.get_nested_transaction() or session.get_transaction()


def changed(dossier: Dossier, event_name: str, **data) -> None:
    """Say that `dossier` changed in the current transaction, and how; it is numbered at commit."""
    session = db.session()
    session.info.setdefault(_PENDING, []).append((_innermost(session), Change(dossier, event_name, data)))


def on_commit(listener: Callable[[list[Change]], None]) -> Callable[[list[Change]], None]:
    """Register `listener(changes)`: called inside each committing transaction that has changes.

    It runs before the numbering, so whatever it adds to the session (a webhook delivery, a
    message for the national portal) is committed with the change or not at all.
    """
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


@event.listens_for(Session, "after_flush")
def _note_written(session: Session, _context) -> None:
    """Note every dossier this flush wrote: its row, or a document or timeline entry of it."""
    tx, notes = _innermost(session), session.info.setdefault(_TOUCHED, [])  # (tx, dossier id, agency id)
    for obj in session.new:
        if isinstance(obj, Dossier):
            notes.append((tx, obj.id, obj.agency_id))
        elif isinstance(obj, Document | StatusEvent) and obj.dossier_id is not None:
            notes.append((tx, obj.dossier_id, None))
    for obj in session.dirty:
        if isinstance(obj, Dossier) and session.is_modified(obj, include_collections=False):
            notes.append((tx, obj.id, obj.agency_id))


@event.listens_for(Session, "after_soft_rollback")
def _forget_savepoint(session: Session, previous) -> None:
    """A savepoint rolled back (a twin's race lost, say): what was noted inside it never happened."""
    if not previous.nested:
        return  # the whole transaction: _forget below drops everything

    def inside(tx) -> bool:
        while tx is not None:
            if tx is previous:
                return True
            tx = tx.parent
        return False

    for key in (_PENDING, _TOUCHED):
        if key in session.info:
            session.info[key] = [note for note in session.info[key] if not inside(note[0])]


@event.listens_for(Session, "before_commit")
def _number(session: Session) -> None:
    """Let listeners queue their work, then number the changed dossiers: the last statements."""
    if session.in_nested_transaction():  # a savepoint: the outer commit numbers
        return
    session.flush()
    changes = [change for _tx, change in session.info.pop(_PENDING, [])]
    if changes and _LISTENERS:
        for listener in _LISTENERS:
            listener(changes)
        session.flush()
    touched: dict[int, int | None] = {}  # dossier id -> agency id (None: not known here)
    for _tx, dossier_id, agency_id in session.info.pop(_TOUCHED, []):
        if touched.get(dossier_id) is None:
            touched[dossier_id] = agency_id
    for change in changes:
        if change.dossier.id is not None and touched.get(change.dossier.id) is None:
            touched[change.dossier.id] = change.dossier.agency_id
    if touched:
        _assign(session, touched)


def _assign(session: Session, touched: dict[int, int | None]) -> None:
    conn = session.connection()
    unknown = [i for i, agency in touched.items() if agency is None]
    if unknown:
        found = conn.execute(select(Dossier.id, Dossier.agency_id).where(Dossier.id.in_(unknown)))
        touched.update(found.all())
    n = len(touched)
    bump = insert(ChangeCounter).values(name=COUNTER, value=n)
    bump = bump.on_conflict_do_update(index_elements=[ChangeCounter.name],
                                      set_={"value": ChangeCounter.value + n}).returning(ChangeCounter.value)
    last = conn.execute(bump).scalar_one()
    rows = [{"dossier_id": dossier_id, "agency_id": touched[dossier_id], "seq": last - n + 1 + i}
            for i, dossier_id in enumerate(sorted(touched))]
    upsert = insert(DossierChange)
    upsert = upsert.on_conflict_do_update(
        index_elements=[DossierChange.dossier_id],
        set_={"seq": upsert.excluded.seq, "agency_id": upsert.excluded.agency_id})
    conn.execute(upsert, rows)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """A rollback (or an empty commit) leaves nothing behind for the next transaction."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_TOUCHED, None)
