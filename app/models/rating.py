"""A citizen's satisfaction rating: one per dossier."""

from datetime import datetime
from enum import IntEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.lib.time import utcnow
from app.models.dossier import Dossier


class Level(IntEnum):
    DISSATISFIED = 1
    SATISFIED = 2
    VERY_SATISFIED = 3

    @property
    def label(self):
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.VERY_SATISFIED: _l("Rất hài lòng"),
    Level.SATISFIED: _l("Hài lòng"),
    Level.DISSATISFIED: _l("Không hài lòng"),
}


class Rating(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    # The outbox's Idempotency-Key: the same rating sent twice is recognised, not refused.
    client_key: Mapped[str] = mapped_column(String(36), unique=True)
    level: Mapped[int]
    comment: Mapped[str] = mapped_column(String(1000), default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    dossier: Mapped[Dossier] = relationship()
