"""A request for missing documents, and the citizen's answer to it."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.lib.time import utcnow
from app.models.dossier import Dossier


class SupplementRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    number: Mapped[int]  # 1 for the first request on this dossier, 2 for the second...
    items: Mapped[str] = mapped_column(String(4000))  # what is missing, one item a line
    deadline: Mapped[date]  # by when the applicant should answer
    # The status to go back to when answered (the clock resumes where it stopped).
    from_status: Mapped[int]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_by_label: Mapped[str] = mapped_column(String(255), default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)

    answered_at: Mapped[datetime | None]
    # Idempotency-Key of the answer: the outbox may send the same answer twice.
    answer_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    answer_hash: Mapped[str] = mapped_column(String(64), default="")
    answer_note: Mapped[str] = mapped_column(String(2000), default="")
    paused_days: Mapped[int] = mapped_column(default=0)  # working days added to the due date

    dossier: Mapped[Dossier] = relationship()

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def item_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.items.splitlines() if line.strip(" -•\t")]
