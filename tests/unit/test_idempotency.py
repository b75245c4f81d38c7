"""The one idempotency mechanism (services/idempotency.py), on a plain table with a UNIQUE key.

An Agency stands in for any keyed row: its code is the key, its name what the row remembers
of the payload. The race is played for real: another connection commits the same key between
our lookup and our insert (and, on PostgreSQL, threads released together by a barrier).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Agency
from app.services import idempotency
from app.services.errors import DomainError, IdempotencyConflict

SCOPE = idempotency.Scope(
    "agency", find=lambda key: db.session.execute(db.select(Agency).filter_by(code=key)).scalar_one_or_none(),
    fingerprint=lambda agency: agency.name, message=lambda: "Mã gửi này đã được dùng.",
    details=lambda agency: {"id": agency.id})
MINE = lambda _agency: True  # noqa: E731  (the sender may see every row)


def agencies() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(a.code, a.name) for a in db.session.execute(db.select(Agency).order_by(Agency.id)).scalars()]


def insert(attempt: idempotency.Attempt, name: str | None = None) -> tuple[Agency, bool]:
    with attempt.inserting() as outcome:
        outcome.row = Agency(code=attempt.key, name=name or attempt.fingerprint)
        db.session.add(outcome.row)
    return outcome.answer


def _raise(error: Exception):
    raise error


def commit_elsewhere(code: str, name: str) -> None:
    """Another request's connection commits the key meanwhile."""
    with Session(db.engine) as other:
        other.add(Agency(code=code, name=name))
        other.commit()


def test_the_digest_is_canonical():
    assert idempotency.digest({"b": 1, "a": "Hà Nội"}) == idempotency.digest({"a": "Hà Nội", "b": 1})
    assert idempotency.digest({"a": 1}) != idempotency.digest({"a": 2})
    assert idempotency.digest({"d": date(2026, 1, 2)}) == idempotency.digest({"d": "2026-01-02"})
    assert len(idempotency.digest([])) == 64


def test_a_new_key_inserts_and_the_same_payload_replays(ctx):
    attempt = idempotency.Attempt(SCOPE, "k-1", "Sở A", MINE)
    assert attempt.replay() is None
    row, created = insert(attempt)
    assert created and agencies() == [("k-1", "Sở A")]
    again = idempotency.Attempt(SCOPE, "k-1", "Sở A", MINE).replay()
    assert again is not None and again.id == row.id


def test_another_payload_is_the_one_conflict_and_tells_the_sender_what_it_made(ctx):
    row, _created = insert(idempotency.Attempt(SCOPE, "k-1", "Sở A", MINE))
    with pytest.raises(IdempotencyConflict) as caught:
        idempotency.Attempt(SCOPE, "k-1", "Sở B", MINE).replay()
    assert (caught.value.code, caught.value.status) == ("idempotency_conflict", 409)
    assert caught.value.details == {"id": row.id}


@pytest.mark.parametrize("may_see", [None, lambda _agency: False])
def test_a_stranger_gets_the_same_conflict_whatever_the_payload_and_nothing_about_the_row(ctx, may_see):
    insert(idempotency.Attempt(SCOPE, "k-1", "Sở A", MINE))
    answers = []
    for fingerprint in ("Sở A", "Sở B"):  # the very payload, and another one
        with pytest.raises(IdempotencyConflict) as caught:
            idempotency.Attempt(SCOPE, "k-1", fingerprint, may_see).replay()
        answers.append((caught.value.code, caught.value.message, caught.value.details))
    assert answers[0] == answers[1] == ("idempotency_conflict", "Mã gửi này đã được dùng.", None)


def test_losing_the_race_rolls_back_to_the_savepoint_and_replays_the_winner(ctx):
    attempt = idempotency.Attempt(SCOPE, "k-1", "Sở A", MINE)
    assert attempt.replay() is None
    commit_elsewhere("k-1", "Sở A")  # the twin wins between our lookup and our insert
    db.session.add(Agency(code="outer", name="kept"))  # the caller's own work, before the savepoint
    row, created = insert(attempt)
    assert not created and (row.code, row.name) == ("k-1", "Sở A")
    assert sorted(agencies()) == [("k-1", "Sở A"), ("outer", "kept")]  # ours not written, the caller's kept


def test_losing_the_race_to_another_payload_is_the_conflict(ctx):
    attempt = idempotency.Attempt(SCOPE, "k-1", "Sở A", MINE)
    assert attempt.replay() is None
    commit_elsewhere("k-1", "Sở B")
    with pytest.raises(IdempotencyConflict):
        insert(attempt)
    assert agencies() == [("k-1", "Sở B")]


def test_a_failure_that_is_not_the_key_is_raised_and_leaves_nothing(ctx):
    commit_elsewhere("taken", "Sở C")
    attempt = idempotency.Attempt(SCOPE, "k-1", "Sở A", MINE)
    with pytest.raises(IntegrityError):
        with attempt.inserting() as outcome:
            outcome.row = Agency(code="k-1", name="Sở A")
            db.session.add_all([outcome.row, Agency(code="taken", name="again")])
    assert db.session.execute(db.select(Agency.code)).scalars().all() == ["taken"]  # session usable
    with pytest.raises(DomainError, match="đã có"):  # what explains it, when the caller knows
        with attempt.inserting(recheck=lambda: _raise(DomainError("Cơ quan này đã có."))) as outcome:
            outcome.row = Agency(code="k-1", name="Sở A")
            db.session.add_all([outcome.row, Agency(code="taken", name="again")])
    with pytest.raises(ValueError):
        with attempt.inserting() as outcome:
            db.session.add(Agency(code="k-1", name="Sở A"))
            raise ValueError("a domain check failed half-way")
    db.session.commit()
    assert agencies() == [("taken", "Sở C")]


def test_a_write_that_commits_itself_is_fine(ctx):
    attempt = idempotency.Attempt(SCOPE, "k-1", "Sở A", MINE)
    with attempt.inserting() as outcome:
        outcome.row = Agency(code="k-1", name="Sở A")
        db.session.add(outcome.row)
        db.session.commit()  # as the workflow's checked commit does
    assert outcome.answer[1] and agencies() == [("k-1", "Sở A")]


@pytest.mark.parametrize("same", [True, False], ids=["same payload", "other payloads"])
def test_threads_racing_with_one_key_make_one_row(app, same):
    """Twelve requests with one key pass the lookup together; the database lets one insert.

    On PostgreSQL they really overlap inside the database; SQLite's write lock queues them.
    """
    barrier = threading.Barrier(12)

    def request(i: int) -> str:
        with app.app_context():
            try:
                attempt = idempotency.Attempt(SCOPE, "k-1", "Sở A" if same else f"Sở {i}", MINE)
                assert attempt.replay() is None
                barrier.wait()  # everyone has looked and found nothing
                _row, created = insert(attempt)
                return "created" if created else "replayed"
            except IdempotencyConflict:
                return "conflict"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(12) as pool:
        outcomes = sorted(pool.map(request, range(12)))
    assert outcomes == sorted(["created"] + ["replayed" if same else "conflict"] * 11)
    with app.app_context():
        assert len(agencies()) == 1
