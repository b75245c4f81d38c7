"""The catalogue: agencies, their procedures and the documents each procedure needs."""

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Agency(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    is_centre: Mapped[bool] = mapped_column(default=False)
    # An inactive agency takes no new dossiers; its old ones carry on in the staff workspace.
    active: Mapped[bool] = mapped_column(default=True)

    procedures: Mapped[list["Procedure"]] = relationship(back_populates="agency")


class Procedure(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(255), index=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    processing_time: Mapped[int]
    # "working_day", "day" (calendar days) or "hour" (working hours)
    time_unit: Mapped[str] = mapped_column(String(16), default="working_day")
    cutoff_hour: Mapped[int | None]
    fee: Mapped[int] = mapped_column(default=0)  # VND
    # The fee is paid by transfer when the dossier is filed, not when the department asks for
    # it (status 6): the receipt and the first message already carry the VietQR (payments/fees.py).
    fee_at_submission: Mapped[bool] = mapped_column(default=False, server_default="0")
    online_level: Mapped[str] = mapped_column(String(16), default="full")  # full | partial
    postal_allowed: Mapped[bool] = mapped_column(default=True)
    form_fields: Mapped[list] = mapped_column(JSON, default=list)
    # Lower-case, diacritics removed: what catalogue search matches against.
    search_text: Mapped[str] = mapped_column(String(3000), default="")
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship(back_populates="procedures")
    requirements: Mapped[list["Requirement"]] = relationship(
        back_populates="procedure", order_by="Requirement.position", cascade="all, delete-orphan"
    )

    @property
    def active_requirements(self) -> list["Requirement"]:
        """The documents a new dossier is asked for (old dossiers may name retired ones too)."""
        return [r for r in self.requirements if r.active]


class Requirement(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(500))
    mandatory: Mapped[bool] = mapped_column(default=True)
    accepted_types: Mapped[str] = mapped_column(String(64), default="pdf,jpeg,png")
    # Retired: no longer asked for on new dossiers, kept for the documents already sent under it.
    active: Mapped[bool] = mapped_column(default=True)
    # A declaration the applicant may fill online instead of uploading it (services/declarations.py):
    # {"title", "form" (its official number), "fields": [{name, label, type, required, max_length}]}.
    declaration: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # Where the official blank form is (an https address, or a file in app/data/forms/); without
    # one, a declaration's blank form is drawn from its fields.
    blank_form: Mapped[str] = mapped_column(String(500), default="", server_default="")

    procedure: Mapped[Procedure] = relationship(back_populates="requirements")
