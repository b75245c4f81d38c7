"""A dossier, the documents in it and its append-only timeline."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Agency, Procedure
from app.models.status import Status
from app.models.time import utcnow


class Dossier(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The UUID the device made when the person started; UNIQUE is what makes sync exactly-once.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    # Copied from the procedure so that queues and reports filter without a join.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))

    applicant_name: Mapped[str] = mapped_column(String(255))
    applicant_id_number: Mapped[str] = mapped_column(String(12), index=True)
    applicant_phone: Mapped[str] = mapped_column(String(20), index=True)
    applicant_email: Mapped[str] = mapped_column(String(255), default="")
    applicant_address: Mapped[str] = mapped_column(String(500))
    applicant_kind: Mapped[str] = mapped_column(String(16), default="citizen")
    tax_code: Mapped[str] = mapped_column(String(14), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    channel: Mapped[int] = mapped_column(default=2)
    status: Mapped[int] = mapped_column(default=Status.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    due_date: Mapped[date | None]
    finished_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    return_method: Mapped[str] = mapped_column(String(16), default="counter")
    form_data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Bumped on every change: the second of two officers acting at once is refused.
    version: Mapped[int] = mapped_column(default=1)

    procedure: Mapped[Procedure] = relationship()
    agency: Mapped[Agency] = relationship()
    documents: Mapped[list["Document"]] = relationship(
        back_populates="dossier", order_by="Document.id"
    )
    events: Mapped[list["StatusEvent"]] = relationship(
        back_populates="dossier", order_by="StatusEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_dossier_agency_status_due", "agency_id", "status", "due_date"),
        Index("ix_dossier_submitted_at", "submitted_at"),
    )

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class Document(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    requirement_id: Mapped[int | None] = mapped_column(ForeignKey("requirement.id"))
    # "initial", "supplement-1", "supplement-2", ..., "result"
    round: Mapped[str] = mapped_column(String(16), default="initial")
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="documents")


class StatusEvent(db.Model):
    """One line of the timeline. Rows are only ever inserted: it is the audit trail."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    from_status: Mapped[int | None]
    to_status: Mapped[int]
    actor_kind: Mapped[str] = mapped_column(String(16))  # user | citizen | api | system
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="events")
