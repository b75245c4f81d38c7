"""Idempotent writes: one mechanism for every write a client may send twice under one key.

It owns, for each kind of write the outbox (or a double-clicked form) may repeat — a
dossier, a postal request, a change or cancellation of one, a supplement answer, a rating,
and next the department API:

- the canonical digest of a validated payload (`digest`);
- the replay rule: the key already used for the same payload answers with the row it made;
  used for anything else, the one 409 `idempotency_conflict`;
- what a replay may reveal: the row goes back only to a sender allowed to see it (`may_see`:
  the session or account that made it, the holder of the dossier's proof). Anybody else gets
  that same conflict, saying nothing about the row, whether their payload matched or not:
  a key is not a credential, and whoever knows a whole payload must still not get a link;
- the race: two requests with one new key both find nothing; the table's UNIQUE key refuses
  the second insert, which rolls back to its savepoint, reads the winner's row and answers
  as its replay would (the first one to commit wins, the number it took is given back).

The rows stay each feature's own (Dossier.client_id, PostalRequest.client_key, ...): a
`Scope` says how to find the row a key made and what that row remembers of its payload.
"""

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services.errors import IdempotencyConflict

T = TypeVar("T")
log = logging.getLogger(__name__)


def digest(clean: Any) -> str:
    """Return the SHA-256 of a validated payload in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(clean, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def finder(model: type[T], column: str) -> Callable[[str], T | None]:
    """Return a Scope's `find` for rows that keep their key in their own UNIQUE `column`."""
    def find(key: str) -> T | None:
        return db.session.execute(db.select(model).filter_by(**{column: key})).scalar_one_or_none()
    return find


@dataclass(frozen=True)
class Scope(Generic[T]):
    """One kind of idempotent write: where its key lives and what its rows remember."""

    name: str  # "dossier", "postal", ...: which kind of write, in the log line of a conflict
    find: Callable[[str], T | None]  # the row written under a key, if any
    fingerprint: Callable[[T], str]  # what that row remembers of the payload that made it
    message: Callable[[], str]  # the conflict's message, translated when it is raised
    # What the conflict may add for a sender who may see the row (a dossier's code, so the
    # device can offer to keep the server's copy); nothing is added for anyone else.
    details: Callable[[T], dict] | None = None


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """One write under one key: its scope, the payload's fingerprint and who is sending it."""

    scope: Scope[T]
    key: str
    fingerprint: str  # "" for a payload that no longer validates: it matches no row
    # Whether the sender may see a row (made it, or proved the dossier it belongs to).
    # None: nobody may. A caller that forgets to say gets a conflict, never someone's row.
    may_see: Callable[[T], bool] | None = None

    def replay(self) -> T | None:
        """Return the row this key made from this payload; None if the key is new.

        Raise IdempotencyConflict if the key made something else, or something this sender
        may not see: the same answer either way, so a stranger learns nothing from it.
        """
        row = self.scope.find(self.key)
        if row is None:
            return None
        visible = self.may_see is not None and self.may_see(row)
        if visible and self.scope.fingerprint(row) == self.fingerprint:
            return row
        details = self.scope.details(row) if visible and self.scope.details else None
        # Never the key itself in the log: whoever reads logs must not be able to replay it.
        log.info("idempotency conflict on a %s (sender %s)", self.scope.name,
                 "may see it" if visible else "is a stranger to it")
        raise IdempotencyConflict(self.scope.message(), details)

    @contextmanager
    def inserting(self, *, races: tuple[type[Exception], ...] = (),
                  recheck: Callable[[], None] | None = None) -> Iterator["Outcome[T]"]:
        """Run the block that adds the keyed row in a savepoint, then commit.

        The block sets `outcome.row`; it may commit itself (the workflow does). If the
        commit fails because a twin with the same key committed first — the UNIQUE key
        refuses ours, or the twin's change to the same dossier makes ours stale (`races`) —
        our savepoint is rolled back and the outcome is the twin's row as a replay would
        answer it (or the conflict). If no twin holds the key, `recheck` may raise the
        domain error that explains the failure (a file removed meanwhile, another row that
        may exist only once); otherwise the database's error is raised. Any other failure
        leaves nothing behind and is raised.
        """
        outcome: Outcome[T] = Outcome()
        savepoint = db.session.begin_nested()
        try:
            yield outcome
            db.session.commit()
        except (IntegrityError, *races):
            _undo(savepoint)
            twin = self.replay()
            if twin is None:
                if recheck is not None:
                    recheck()
                raise
            db.session.commit()  # nothing of ours to keep: end the transaction, free its locks
            outcome.row, outcome.created = twin, False
        except BaseException:
            _undo(savepoint)
            raise
        else:
            outcome.created = True


@dataclass
class Outcome(Generic[T]):
    """What an insert under a key ended with: the row, and whether this request made it."""

    row: T | None = None
    created: bool = False

    @property
    def answer(self) -> tuple[T, bool]:
        """(row, created), as the services return it."""
        assert self.row is not None, "the block under `inserting` must set outcome.row"
        return self.row, self.created


def _undo(savepoint) -> None:
    """Roll back to the savepoint, unless something already rolled everything back."""
    if db.session().get_nested_transaction() is savepoint:  # the scoped session does not proxy it
        savepoint.rollback()
