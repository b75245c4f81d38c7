"""An agency's webhook endpoints: added (secret shown once), listed, rotated, disabled."""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.i18n import stored
from app.lib.time import utcnow
from app.models import Agency, WebhookDelivery, WebhookSubscription
from app.services.errors import Invalid, NotFound
from app.services.integration.agency_form import checked, chosen_agency
from app.services.webhooks import signing
from app.services.webhooks.outbound import check_url

EVENTS = ("dossier.created", "dossier.status_changed", "dossier.supplement_answered",
          "dossier.document_added")
ROTATION = timedelta(hours=24)  # the old secret still signs this long after a rotation


@dataclass(frozen=True)
class Added:
    subscription: WebhookSubscription
    secret: str  # shown once


def parse_events(value) -> list[str]:
    """Read "a,b" (or a list; empty: every event) into known event types; Invalid otherwise."""
    given = value.split(",") if isinstance(value, str) else list(value or [])
    given = {str(e).strip() for e in given if str(e).strip()}
    if given - set(EVENTS):
        raise Invalid(_("Sự kiện không hợp lệ."),
                      {"events": [_("Chọn trong: %(events)s.", events=", ".join(EVENTS))]})
    return [e for e in EVENTS if e in given] or list(EVENTS)


def add(agency_id, url: str, events, created_by: str = "") -> Added:
    """Subscribe an agency's endpoint; the URL is checked (scheme, public address) first."""
    errors: dict[str, list[str]] = {}
    agency = chosen_agency(agency_id, errors)
    url = checked(check_url, url, errors)
    event_list = checked(parse_events, events, errors)
    if errors:
        raise Invalid(_("Chưa thêm được địa chỉ nhận sự kiện."), errors)
    secret = signing.new_secret()
    sub = WebhookSubscription(agency_id=agency.id, url=url, events=",".join(event_list), secret=secret,
                              created_by=(created_by or "")[:255], created_at=utcnow())
    db.session.add(sub)
    db.session.commit()
    return Added(sub, secret)


def get(subscription_id: int) -> WebhookSubscription:
    sub = db.session.get(WebhookSubscription, subscription_id)
    if sub is None:
        raise NotFound(_("Không tìm thấy địa chỉ nhận sự kiện."))
    return sub


def rotate(subscription_id: int) -> Added:
    """A new secret; the previous one keeps signing for 24 h, so the receiver can switch."""
    sub = get(subscription_id)
    sub.previous_secret, sub.previous_until = sub.secret, utcnow() + ROTATION
    sub.secret = signing.new_secret()
    db.session.commit()
    return Added(sub, sub.secret)


def disable(subscription_id: int, reason: str = "") -> WebhookSubscription:
    """Stop sending to this endpoint; queued messages wait (and are sent if it is enabled again)."""
    sub = get(subscription_id)
    sub.active, sub.disabled_reason = False, (reason or stored(_l("Quản trị viên đã tắt.")))[:255]
    db.session.commit()
    return sub


def enable(subscription_id: int) -> WebhookSubscription:
    """Send to this endpoint again (after a 410 or an admin's pause)."""
    sub = get(subscription_id)
    sub.active, sub.disabled_reason = True, ""
    db.session.commit()
    return sub


def keys(sub: WebhookSubscription) -> list[str]:
    """The secrets that sign now: the current one, and the previous during its 24 h."""
    if sub.previous_secret and sub.previous_until and sub.previous_until > utcnow():
        return [sub.secret, sub.previous_secret]
    return [sub.secret]


def by_agency() -> list[tuple[Agency, list[WebhookSubscription]]]:
    """Every agency that has subscriptions, with them (newest first)."""
    rows = db.session.execute(select(WebhookSubscription).options(joinedload(WebhookSubscription.agency))
                              .order_by(WebhookSubscription.id.desc())).scalars().all()
    groups: dict[int, tuple[Agency, list]] = {}
    for sub in rows:
        groups.setdefault(sub.agency_id, (sub.agency, []))[1].append(sub)
    return sorted(groups.values(), key=lambda g: (not g[0].is_centre, g[0].name))


def log(subscription_id: int, limit: int = 100) -> list[WebhookDelivery]:
    """The latest deliveries of one subscription, newest first."""
    return list(db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)).scalars())
