"""Businesses: an organisation (tax code), its members and its saved postal addresses."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.time import utcnow
from app.models.user import User


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(500), default="")
    # Businesses mostly want results posted back: new dossiers default to it.
    default_return_post: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["Membership"]] = relationship(back_populates="organisation")
    addresses: Mapped[list["SavedAddress"]] = relationship(order_by="SavedAddress.id")


class Membership(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(8), default="member")  # owner | member

    organisation: Mapped[Organisation] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)


class SavedAddress(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    recipient_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[int]
    ward_code: Mapped[int]
