"""Messages to deliver (email, SMS), written in the same transaction as what caused them."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.lib.time import utcnow

if TYPE_CHECKING:
    from app.models.dossier import Dossier


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # One message per (event, channel): enqueuing the same event twice is a no-op.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worker holds a message until this time; a crashed worker's claim simply expires.
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # given up after MAX_ATTEMPTS
    last_error: Mapped[str] = mapped_column(String(500), default="")

    # Set through the relationship, so a message can be queued with a dossier not yet flushed
    # (the acknowledgement of a new dossier, in the same commit as the dossier).
    dossier: Mapped["Dossier | None"] = relationship()

    __table_args__ = (Index("ix_notification_due", "sent_at", "failed_at", "next_attempt_at"),)
