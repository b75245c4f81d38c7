"""Outbound HTTP messages: agencies' webhook subscriptions and what is queued for them.

One delivery table serves both outbound HTTP targets: a subscription's webhooks
(kind "webhook") and the national portal (kind "portal", no subscription). Each row is written
in the transaction that made the change (services/integration/changes.py `on_commit`), and the
notification worker's loop claims and sends them (services/webhooks/delivery.py).
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.lib.time import utcnow
from app.models.catalogue import Agency


class WebhookSubscription(db.Model):
    """An agency's endpoint: the events it wants and the secret its messages are signed with."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[str] = mapped_column(String(500))  # comma-separated event types
    # The HMAC key must be usable, so it is kept (not hashed); shown to the admin once.
    secret: Mapped[str] = mapped_column(String(100))
    # During a rotation the old key also signs, until previous_until (24 h).
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255), default="")

    agency: Mapped[Agency] = relationship()

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]


class WebhookDelivery(db.Model):
    """One message to send (a webhook event or a portal record), with its attempts."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="webhook")  # webhook | portal
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_subscription.id"))
    event_id: Mapped[str] = mapped_column(String(40), unique=True)  # "msg_…": the webhook-id header
    event_type: Mapped[str] = mapped_column(String(40))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    dossier_code: Mapped[str] = mapped_column(String(40), default="")
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]  # a worker's lease; a crashed worker's simply expires
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # given up after the last retry
    last_status: Mapped[int | None]  # the receiver's HTTP status
    last_error: Mapped[str] = mapped_column(Text, default="")

    subscription: Mapped[WebhookSubscription | None] = relationship()

    __table_args__ = (
        Index("ix_webhook_delivery_due", "delivered_at", "failed_at", "next_attempt_at"),
        # "is an earlier message for this dossier still pending?" (delivery in order)
        Index("ix_webhook_delivery_order", "subscription_id", "dossier_id", "id"),
    )
