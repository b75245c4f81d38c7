"""Accounts: citizens and staff, with one role each."""

from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Agency


class Role(StrEnum):
    CITIZEN = "citizen"
    BUSINESS = "business"
    RECEPTION = "reception"
    DEPARTMENT = "department"
    LEADER = "leader"
    ADMIN = "admin"


STAFF_ROLES = {Role.RECEPTION, Role.DEPARTMENT, Role.LEADER, Role.ADMIN}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(255), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES
