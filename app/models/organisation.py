"""Businesses: an organisation (tax code), its members and its saved postal addresses.

A membership starts as an invitation to a login (e-mail or mobile number), whether or not
an account has it yet; it becomes active only when the person signs in and accepts. It
never opens the person's own dossiers: a dossier is the organisation's only when it was
filed for it (`Dossier.organisation_id`).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.lib.time import utcnow
from app.models.user import User

PENDING, ACTIVE = "pending", "active"


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(500), default="")
    # Businesses mostly want results posted back: new dossiers default to it.
    default_return_post: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["Membership"]] = relationship(back_populates="organisation",
                                                       order_by="Membership.id")
    addresses: Mapped[list["SavedAddress"]] = relationship(order_by="SavedAddress.id")

    @property
    def active_members(self) -> list["Membership"]:
        return [m for m in self.members if m.status == ACTIVE]

    @property
    def invitations(self) -> list["Membership"]:
        return [m for m in self.members if m.status == PENDING]

    @property
    def default_address(self) -> "SavedAddress | None":
        """The address results go to unless the person picks another: the first one saved."""
        return self.addresses[0] if self.addresses else None


class Membership(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # Empty until the invitation is accepted: an invitation names a login, not an account,
    # so inviting says nothing about whether that login has one.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    login: Mapped[str] = mapped_column(String(255), index=True)  # e-mail or 0XXXXXXXXX
    role: Mapped[str] = mapped_column(String(8), default="member")  # owner | member
    status: Mapped[str] = mapped_column(String(8), default=PENDING)  # pending | active
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),
                      UniqueConstraint("organisation_id", "login"))

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


class SavedAddress(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    recipient_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[int]
    ward_code: Mapped[int]
