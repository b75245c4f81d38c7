"""A request to carry a dossier's result, its originals, or both through the public postal service.

QĐ 45/2016 lets the applicant choose each way on its own, so a request has one leg per way:
the result goes out from the centre to the applicant, the originals come in from the
applicant to the centre. Both legs follow the same steps; the request itself only holds
who and where, and whether the applicant cancelled it.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.lib.places import full_address  # pure lookups in the package's lists: no cycle
from app.lib.time import utcnow
from app.models.dossier import Dossier

DIRECTIONS = ("result", "originals", "both")
LEGS = ("result", "originals")  # result: centre -> applicant; originals: applicant -> centre
LEGS_OF = {"result": ("result",), "originals": ("originals",), "both": ("originals", "result")}
# registered -> handed_to_post -> delivered | failed; cancelled by the applicant before handover.
# For the originals leg "delivered" means received at the centre.
STATES = ("registered", "handed_to_post", "delivered", "failed", "cancelled")
ACTIVE_STATES = ("registered", "handed_to_post")


class PostalRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    # Idempotency-Key of the request: the outbox may send the same request twice.
    client_key: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))  # of the first payload, for replays
    direction: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(255), default="")
    street: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[int]
    ward_code: Mapped[int]
    note: Mapped[str] = mapped_column(String(500), default="")
    fee: Mapped[int]  # VND, from the postage table when registered or last changed
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    dossier: Mapped[Dossier] = relationship()
    legs: Mapped[list["PostalLeg"]] = relationship(back_populates="request", order_by="PostalLeg.id",
                                                   cascade="all, delete-orphan")

    def leg(self, kind: str) -> "PostalLeg | None":
        return next((leg for leg in self.legs if leg.kind == kind), None)

    @property
    def address(self) -> str:
        return full_address(self.street, self.ward_code, self.province_code)

    @property
    def is_active(self) -> bool:
        return any(leg.state in ACTIVE_STATES for leg in self.legs)

    @property
    def can_change(self) -> bool:
        """The applicant may change or cancel it until the post has taken anything."""
        return bool(self.legs) and all(leg.state == "registered" for leg in self.legs)

    @property
    def state(self) -> str:
        """One word for the whole request: the result leg's state, else the originals'."""
        main = self.leg("result") or self.leg("originals")
        return main.state if main else "cancelled"


class PostalLeg(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("postal_request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # one of LEGS
    state: Mapped[str] = mapped_column(String(16), default="registered")
    batch: Mapped[str] = mapped_column(String(32), default="")  # dispatch batch on the desk (results)
    waybill: Mapped[str] = mapped_column(String(32), default="")
    handed_on: Mapped[date | None]  # the post took it: from the centre, or from the applicant
    done_on: Mapped[date | None]  # delivered to the applicant, or received at the centre
    failed_at: Mapped[datetime | None]
    fail_reason: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The desk and the applicant may act on the same leg at once: the second writer loses.
    version: Mapped[int] = mapped_column(default=1)

    request: Mapped[PostalRequest] = relationship(back_populates="legs")

    __table_args__ = (UniqueConstraint("request_id", "kind"),
                      Index("ix_postal_leg_kind_state_batch", "kind", "state", "batch"))
    __mapper_args__ = {"version_id_col": version}

    @property
    def dossier(self) -> Dossier:
        return self.request.dossier


class PostalChange(db.Model):
    """A change or cancellation the applicant sent: its key makes an outbox replay harmless."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("postal_request.id"), index=True)
    client_key: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # change | cancel
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
