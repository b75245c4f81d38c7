"""A request to send a dossier's result (or its originals) through the public postal service."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.dossier import Dossier
from app.models.time import utcnow

DIRECTIONS = ("result", "originals", "both")
# registered -> handed_to_post -> delivered | failed
STATES = ("registered", "handed_to_post", "delivered", "failed")
ACTIVE_STATES = ("registered", "handed_to_post")


class PostalRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    # Idempotency-Key of the request: the outbox may send the same request twice.
    client_key: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(255), default="")
    street: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[int]
    ward_code: Mapped[int]
    note: Mapped[str] = mapped_column(String(500), default="")
    fee: Mapped[int]  # VND, from the postage table when registered
    state: Mapped[str] = mapped_column(String(16), default="registered")
    batch: Mapped[str] = mapped_column(String(32), default="")  # dispatch batch on the desk
    waybill: Mapped[str] = mapped_column(String(32), default="")
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    handed_on: Mapped[date | None]
    delivered_on: Mapped[date | None]
    failed_at: Mapped[datetime | None]
    fail_reason: Mapped[str] = mapped_column(String(500), default="")

    dossier: Mapped[Dossier] = relationship()

    __table_args__ = (Index("ix_postal_request_state_batch", "state", "batch"),)

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES
