"""The department API's records: tokens, the change feed's order, and answered requests."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.lib.time import utcnow
from app.models.catalogue import Agency

SCOPES = ("read", "write")


class ApiToken(db.Model):
    """A bearer token of one agency. Only the token's SHA-256 is kept, never the token."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[str] = mapped_column(String(32))  # "read", "write" or "read,write"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token ("mc_Ab12Cd"), so an admin can tell tokens apart.
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255), default="")
    # Written at most once a minute (services/integration/tokens.py), not on every request.
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)


class ChangeCounter(db.Model):
    """The last number given to a change; one row, bumped last in every changing commit."""

    __tablename__ = "change_counter"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class DossierChange(db.Model):
    """Where a dossier stands in the change feed: the number of the last commit that changed it.

    A row of its own rather than a column on `dossier`: writing it must not bump the
    dossier's version, and it is only ever written while the counter row is locked, so two
    writers never wait on each other for it (no deadlock with the dossier rows they hold).
    """

    __tablename__ = "dossier_change"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))  # copied: the feed filters by it
    seq: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_dossier_change_seq", "seq"),
        Index("ix_dossier_change_agency_seq", "agency_id", "seq"),
    )


class AgencyRequest(db.Model):
    """A write of the department API, kept by its Idempotency-Key, so a replay gets its answer."""

    __tablename__ = "agency_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    key: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64))  # of the operation and its payload
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    status_code: Mapped[int | None]
    response: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("agency_id", "key", name="uq_agency_request_key"),)
