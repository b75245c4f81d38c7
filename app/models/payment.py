"""Fee payments by bank transfer: each agency's receiving account, the bank statements staff
import, each credit line in them, and each dossier's fee with what has been paid towards it."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.lib.time import utcnow
from app.models.catalogue import Agency
from app.models.dossier import Dossier


class BankAccount(db.Model):
    """Where an agency's fees are paid: one account per agency, set by the administrator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), unique=True)
    bank_bin: Mapped[str] = mapped_column(String(6))  # NAPAS bank identification number
    account_number: Mapped[str] = mapped_column(String(19))
    account_name: Mapped[str] = mapped_column(String(100))
    # The headers of this bank's statement export, by meaning ("id", "date", "amount", "content"):
    # only those that differ from the usual names (services/payments/statement.py).
    columns: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(255), default="")

    agency: Mapped[Agency] = relationship()


class StatementImport(db.Model):
    """One statement file an officer imported, with what it added."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    credits: Mapped[int] = mapped_column(default=0)  # credit lines in the file
    added: Mapped[int] = mapped_column(default=0)  # of which new (the rest were imported before)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(255), default="")


class BankCredit(db.Model):
    """A credit on an agency's account, as its statement says; kept once per bank transaction id."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    transaction_id: Mapped[str] = mapped_column(String(64))
    booked_at: Mapped[datetime]  # as the statement gives it (the bank's local time)
    amount: Mapped[int] = mapped_column(BigInteger)  # VND
    content: Mapped[str] = mapped_column(String(500), default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("statement_import.id"))
    # The dossier it pays for: found by the code in its content, or chosen by an officer.
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    matched_by: Mapped[str] = mapped_column(String(8), default="")  # "" | "code" | "staff"
    # Set aside by an officer (not a fee: refunded, another purpose), with why.
    dismissed: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    decided_by: Mapped[str] = mapped_column(String(255), default="")
    decided_at: Mapped[datetime | None]

    dossier: Mapped[Dossier | None] = relationship()

    __table_args__ = (
        UniqueConstraint("agency_id", "transaction_id", name="uq_bank_credit_transaction"),
        Index("ix_bank_credit_open", "agency_id", "dossier_id", "dismissed"),
    )


class Payment(db.Model):
    """A dossier's fee and what its credits add up to; made when the first credit reaches it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    amount_due: Mapped[int] = mapped_column(BigInteger)  # the procedure's fee when the first credit came
    amount_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_at: Mapped[datetime | None]  # when the credits first covered the fee (or an officer said so)
    # An officer's decision on a partial or excess payment (accepted, refunded, ...).
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str] = mapped_column(String(255), default="")
    resolution: Mapped[str] = mapped_column(String(500), default="")

    dossier: Mapped[Dossier] = relationship()

    @property
    def state(self) -> str:
        """"paid", "excess" (more than due), "partial" (less, not accepted) or "due"."""
        if self.amount_paid > self.amount_due:
            return "excess"
        if self.paid_at is not None:
            return "paid"
        return "partial" if self.amount_paid else "due"
