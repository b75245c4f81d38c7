"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret."""

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh signing secret: "whsec_" and 32 random bytes in base64, as the specification shows."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def headers(event_id: str, body: str, keys: list[str], moment: datetime | None = None) -> dict[str, str]:
    """The three webhook-* headers for `body`, signed with every key (space-separated, as in a rotation)."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    signatures = " ".join(Webhook(key).sign(event_id, moment, body) for key in keys)
    stamp = str(int(moment.replace(tzinfo=UTC).timestamp()))
    return {"webhook-id": event_id, "webhook-timestamp": stamp, "webhook-signature": signatures}
