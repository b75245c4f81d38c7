"""The worker's part for outbound messages: claim due ones in order per dossier, send, retry.

The claim is the notification worker's (services/delivery.py): one `UPDATE ... WHERE
claimed_until is free ... RETURNING`, which on PostgreSQL re-checks the lease on the row it
waited for, so two workers never take the same message. A message is only due when no
earlier message for the same dossier and endpoint is still pending, so a receiver gets a
dossier's events in the order they happened. Each result is committed on its own.
"""

import json
import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import aliased

from app.extensions import db
from app.i18n import stored
from app.lib.time import utcnow
from app.models import WebhookDelivery, WebhookSubscription
from app.services.errors import DomainError, NotFound
from app.services.webhooks import outbound, signing, subscriptions

LEASE = timedelta(minutes=2)  # longer than one request's timeout
# After the 1st, 2nd, ... failed attempt (the first is immediate), as Standard Webhooks suggests.
SCHEDULE = [timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)]
MAX_RETRY_AFTER = timedelta(hours=24)
OUTAGE = (502, 503, 504)  # the answers of a receiver that is down (a proxy before it), not of one message


def backoff(attempts: int) -> timedelta | None:
    """The wait after `attempts` failed attempts, with ±10 % jitter; None: give up."""
    if attempts > len(SCHEDULE):
        return None
    return SCHEDULE[attempts - 1] * random.uniform(0.9, 1.1)


def retry_after(value: str | None) -> timedelta | None:
    """A Retry-After header (seconds or an HTTP date) as a wait, at most 24 h; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        wait = timedelta(seconds=int(value[:9]))
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:  # "-0000": UTC
            moment = moment.replace(tzinfo=UTC)
        wait = moment - datetime.now(UTC)
    return max(timedelta(0), min(wait, MAX_RETRY_AFTER))


def _due(now):
    earlier = aliased(WebhookDelivery)
    pending_before = (
        select(earlier.id).where(
            earlier.kind == WebhookDelivery.kind, earlier.dossier_id == WebhookDelivery.dossier_id,
            func.coalesce(earlier.subscription_id, 0) == func.coalesce(WebhookDelivery.subscription_id, 0),
            earlier.id < WebhookDelivery.id, earlier.delivered_at.is_(None), earlier.failed_at.is_(None))
        .exists())
    active = select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))
    kinds = [and_(WebhookDelivery.kind == "webhook", WebhookDelivery.subscription_id.in_(active))]
    if current_app.config.get("NATIONAL_PORTAL_URL"):
        kinds.append(WebhookDelivery.kind == "portal")
    return (select(WebhookDelivery.id)
            .where(WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None),
                   WebhookDelivery.next_attempt_at <= now, or_(*kinds), ~pending_before,
                   or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now))
            .order_by(WebhookDelivery.id))


def claim(limit: int) -> list[WebhookDelivery]:
    """Take up to `limit` due messages for this worker, atomically."""
    now = utcnow()
    stmt = (update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(_due(now).limit(limit).scalar_subquery()),
                   or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now))
            .values(claimed_until=now + LEASE).returning(WebhookDelivery.id))
    ids = list(db.session.execute(stmt).scalars())
    db.session.commit()
    if not ids:
        return []
    return list(db.session.execute(select(WebhookDelivery).where(WebhookDelivery.id.in_(ids))
                                   .order_by(WebhookDelivery.id)).scalars())


def body(row: WebhookDelivery) -> str:
    """The exact text sent (and signed): compact JSON, UTF-8."""
    if row.kind == "portal":
        return json.dumps({"service": row.event_type, "data": [row.payload]}, ensure_ascii=False,
                          separators=(",", ":"))
    return json.dumps(row.payload, ensure_ascii=False, separators=(",", ":"))


def _request(row: WebhookDelivery) -> tuple[str, dict[str, str]] | None:
    """(url, headers) for this message; None when its endpoint is off now."""
    text = body(row)
    base = {"content-type": "application/json; charset=utf-8", "user-agent": "MotCua-Webhooks/1"}
    if row.kind == "portal":
        url = current_app.config.get("NATIONAL_PORTAL_URL")
        if not url:
            return None
        token = current_app.config.get("NATIONAL_PORTAL_TOKEN")
        auth = {"authorization": f"Bearer {token}"} if token else {}
        return url, base | auth | {"x-message-id": row.event_id}
    sub = row.subscription
    if sub is None or not sub.active:
        return None
    return sub.url, base | signing.headers(row.event_id, text, subscriptions.keys(sub))


def _refused_by_portal(row: WebhookDelivery, text: str) -> str | None:
    """The portal answers 200 with {"error_code": "...", "message": ...}; anything but 0 is a refusal."""
    if row.kind != "portal":
        return None
    try:
        answer = json.loads(text)
    except ValueError:
        return None
    if isinstance(answer, dict) and str(answer.get("error_code", "0")) not in ("0", ""):
        return f"error_code {answer.get('error_code')}: {answer.get('message', '')}"
    return None


def _failed(row: WebhookDelivery, error: str, wait: timedelta | None = None) -> None:
    row.last_error, row.claimed_until = error[:2000], None
    pause = backoff(row.attempts)
    if pause is None:
        row.failed_at = utcnow()
    else:  # WEBHOOK_RETRY_SCALE is 1 but in benchmarks, which compress a day of the schedule
        pause *= current_app.config["WEBHOOK_RETRY_SCALE"]
        row.next_attempt_at = utcnow() + (wait if wait is not None else pause)


def _endpoint_back(row: WebhookDelivery) -> None:
    """The endpoint took a message: its messages waiting out an outage (no answer, 502, 503, 504)
    are due now rather than at their next step, up to 20 h away: after a day down, the last one
    came ~10 h after the receiver was back (bench/webhooks.py). Any other answer (a 500 that one
    message may keep causing, a 429) keeps its wait, so it does not spend its attempts early."""
    now = utcnow()
    db.session.execute(
        update(WebhookDelivery).where(
            WebhookDelivery.subscription_id == row.subscription_id, WebhookDelivery.id != row.id,
            WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None),
            WebhookDelivery.next_attempt_at > now,
            or_(WebhookDelivery.last_status.is_(None), WebhookDelivery.last_status.in_(OUTAGE)),
            or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now))
        .values(next_attempt_at=now), execution_options={"synchronize_session": False})


def send(row: WebhookDelivery) -> bool | None:
    """Attempt one message and record the outcome (not committed): accepted, not, or None (not tried)."""
    request = _request(row)
    if request is None:  # switched off since the claim: leave it queued
        row.claimed_until = None
        return None
    url, headers = request
    row.attempts += 1
    try:
        answer = outbound.post(url, body(row).encode(), headers)
    except outbound.Refused as exc:
        row.last_status = None
        _failed(row, str(exc))
        return False
    except OSError as exc:
        row.last_status = None
        _failed(row, f"{type(exc).__name__}: {exc}")
        return False
    row.last_status = answer.status
    if 200 <= answer.status < 300 and (refusal := _refused_by_portal(row, answer.text)) is None:
        row.delivered_at, row.claimed_until, row.last_error = utcnow(), None, ""
        if row.kind == "webhook":
            _endpoint_back(row)
        return True
    if 200 <= answer.status < 300:
        _failed(row, refusal)
    elif answer.status == 410 and row.kind == "webhook":
        row.failed_at, row.claimed_until, row.last_error = utcnow(), None, "HTTP 410 Gone"
        row.subscription.active = False
        row.subscription.disabled_reason = stored(_l("Máy nhận trả lời 410 Gone: đã tự tắt."))
    else:
        wait = retry_after(answer.headers.get("retry-after"))
        _failed(row, f"HTTP {answer.status}: {answer.text[:500]}", wait)
    return False


def deliver_batch(limit: int = 50) -> tuple[int, int]:
    """Send one batch of outbound messages; return (delivered, not delivered)."""
    sent = failed = 0
    for row in claim(limit):
        outcome = send(row)
        sent += outcome is True
        failed += outcome is False
        db.session.commit()  # one message at a time: a crash repeats at most the one in flight
    return sent, failed


def resend(delivery_id: int) -> WebhookDelivery:
    """Send a message again ("Gửi lại"): due now, with a fresh retry schedule, same webhook-id."""
    row = db.session.get(WebhookDelivery, delivery_id)
    if row is None:
        raise NotFound(_("Không tìm thấy lần gửi này."))
    if row.claimed_until is not None and row.claimed_until > utcnow():
        raise DomainError(_("Tin này đang được gửi; thử lại sau ít phút."))
    row.delivered_at = row.failed_at = row.claimed_until = None
    row.attempts, row.next_attempt_at = 0, utcnow()
    db.session.commit()
    return row


def undelivered_portal(limit: int = 100) -> list[WebhookDelivery]:
    """Portal messages not accepted yet (pending or given up), oldest first."""
    return list(db.session.execute(
        select(WebhookDelivery)
        .where(WebhookDelivery.kind == "portal", WebhookDelivery.delivered_at.is_(None))
        .order_by(WebhookDelivery.id).limit(limit)).scalars())
