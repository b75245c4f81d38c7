"""A dossier, the documents in it and its append-only timeline."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.extensions import db
from app.i18n import keep, render
from app.lib.names import display_safe
from app.lib.text import fold  # a pure function: no cycle, no app needed
from app.lib.time import utcnow
from app.models.catalogue import Agency, Procedure
from app.models.status import Status


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
    applicant_kind: Mapped[str] = mapped_column(String(16), default="citizen")  # citizen | business
    # Filed for an organisation (by one of its active members): the applicant is the
    # organisation (name, tax code, address, copied when filed) and the person who filed it
    # is its contact. Only such dossiers are the organisation's; membership opens no other.
    tax_code: Mapped[str] = mapped_column(String(14), default="", index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # Digest of the name of the browser that sent it (citizen/sender.py): a replay of its key
    # is answered to that browser; "" from the counter, and for dossiers sent before.
    sent_from: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The language the applicant used to submit: what messages to them are written in
    # (services/notifications.py). A dossier taken at the counter is Vietnamese.
    language: Mapped[str] = mapped_column(String(8), default="vi", server_default="vi")

    channel: Mapped[int] = mapped_column(default=2)
    status: Mapped[int] = mapped_column(default=Status.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    due_date: Mapped[date | None]
    finished_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    return_method: Mapped[str] = mapped_column(String(16), default="counter")
    form_data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Declarations filled online, by requirement id (as text): their values as validated. Each
    # is also rendered into a PDF kept as that requirement's document; None: none was filled.
    declarations: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # The applicant's name folded (lower case, no diacritics): what staff search matches.
    search_name: Mapped[str] = mapped_column(String(255), default="")
    # The local day the processing clock stopped: at a supplement request (cleared when it
    # is answered) or when the result was ready. Overdue compares it with due_date.
    clock_stopped_on: Mapped[date | None]
    # How many supplement requests were made: more than one counts as overdue (national rule).
    supplement_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Bumped on every change: the second of two officers acting at once is refused.
    version: Mapped[int] = mapped_column(default=1)

    procedure: Mapped[Procedure] = relationship()
    agency: Mapped[Agency] = relationship()
    organisation: Mapped["Organisation | None"] = relationship()  # noqa: F821 (app.models)
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
        Index("ix_dossier_accepted_at", "accepted_at"),
        Index("ix_dossier_finished_at", "finished_at"),
        # The staff queue (see services/queue.py and bench/staff_queue.py): per-status counts
        # and the overdue test read only this index; "all statuses" walks due_date in order.
        Index("ix_dossier_queue", "status", "due_date", "clock_stopped_on", "supplement_count"),
        Index("ix_dossier_due", "due_date", "id"),
        Index("ix_dossier_procedure_status_due", "procedure_id", "status", "due_date"),
        Index("ix_dossier_channel_status_due", "channel", "status", "due_date"),
        Index("ix_dossier_search_name", "search_name", "status", "due_date", "id"),
    )

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @validates("applicant_name")
    def _fold_name(self, _key: str, value: str) -> str:
        # Kept in step here so that every way a dossier is made (form, API, counter) is found.
        self.search_name = fold(value or "")[:255]
        return value


class Document(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    requirement_id: Mapped[int | None] = mapped_column(ForeignKey("requirement.id"))
    # "initial", "supplement-1", "supplement-2", ..., "result"
    round: Mapped[str] = mapped_column(String(16), default="initial")
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    # Indexed: pruning a blob (blob_prune.py) asks whether any document names it.
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the applicant's phone found wrong with this photo when they kept it anyway
    # (schemas/photo_check.py: {"issues": [...], figures}); {"issues": []}: it passed;
    # None: not checked (a PDF, the counter, the plain form, an older phone).
    photo_check: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    dossier: Mapped[Dossier] = relationship(back_populates="documents")

    @validates("original_name")
    def _clean_name(self, _key: str, name: str) -> str:
        # Staff read these names: no bidi override or zero-width character may disguise one.
        return display_safe(name, fallback=(self.sha256 or "")[:12] or "tep")


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
    # A system message's key and parameters, read in the reader's language (app/i18n.py); the
    # text above is the same message in Vietnamese. None: typed text, or a row from before keys.
    note_key: Mapped[str | None] = mapped_column(String(1000))
    note_params: Mapped[dict | None] = mapped_column(JSON)
    actor_key: Mapped[str | None] = mapped_column(String(1000))
    actor_params: Mapped[dict | None] = mapped_column(JSON)

    dossier: Mapped[Dossier] = relationship(back_populates="events")

    @classmethod
    def of(cls, note, actor_label, **fields) -> "StatusEvent":
        """Build an entry; a message (note or label) is kept as its key too, typed text as typed."""
        note, note_key, note_params = keep(note, 2000)
        label, actor_key, actor_params = keep(actor_label, 255)
        return cls(note=note, note_key=note_key, note_params=note_params, actor_label=label,
                   actor_key=actor_key, actor_params=actor_params, **fields)

    @property
    def note_text(self) -> str:
        """The note in the current language (as stored, if typed or older than keys)."""
        return render(self.note_key, self.note_params, self.note)

    @property
    def actor_text(self) -> str:
        """Who acted, in the current language (as stored, if a person's name)."""
        return render(self.actor_key, self.actor_params, self.actor_label)
