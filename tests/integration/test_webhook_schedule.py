"""The retry schedule's scale (WEBHOOK_RETRY_SCALE): 1 in production; a benchmark compresses a day."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.lib.time import utcnow
from app.models import WebhookDelivery
from app.services.webhooks import delivery, subscriptions
from tests.agency_helpers import department
from tests.factories import make_dossier
from tests.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def first_wait(receiver, answer) -> timedelta:
    agency, proc = department()
    receiver.secrets.append(subscriptions.add(agency.id, receiver.url, "dossier.created").secret)
    receiver.answers.append(answer)
    make_dossier(proc)
    delivery.deliver_batch()
    row = db.session.execute(db.select(WebhookDelivery)).scalar_one()
    assert row.delivered_at is None and row.attempts == 1
    return row.next_attempt_at - utcnow()


def test_the_schedule_is_the_specifications_by_default(ctx, app, receiver):
    assert app.config["WEBHOOK_RETRY_SCALE"] == 1
    assert timedelta(seconds=4) < first_wait(receiver, (503, {})) <= timedelta(seconds=5.5)


def test_a_scaled_schedule_waits_that_much_less(ctx, app, receiver):
    app.config["WEBHOOK_RETRY_SCALE"] = 1 / 1440  # a day in a minute
    assert first_wait(receiver, (503, {})) <= timedelta(seconds=5.5 / 1440)


def test_retry_after_is_the_receivers_own_and_never_scaled(ctx, app, receiver):
    app.config["WEBHOOK_RETRY_SCALE"] = 1 / 1440
    assert timedelta(seconds=58) < first_wait(receiver, (429, {"Retry-After": "60"})) <= timedelta(seconds=60)


def test_an_idle_worker_looks_again_within_a_second(app):
    """Webhooks leave within 2 s of the commit (p95, bench/webhooks.py): an idle worker's nap is
    most of that; at 5 s the p95 was 5.7 s."""
    interval = next(p for p in app.cli.commands["worker"].params if p.name == "interval")
    assert interval.default <= 1


def test_a_delivery_brings_the_endpoints_outage_retries_forward(ctx, receiver):
    """The receiver is back (it took a message): what waited out its 503 is due now, not at its next
    step; a 500 (maybe this one message's fault) and a 429 keep their wait."""
    agency, proc = department()
    receiver.secrets.append(subscriptions.add(agency.id, receiver.url, "dossier.created").secret)
    receiver.answers.extend([(503, {}), (500, {}), (429, {}), (200, {})])
    for _ in range(4):
        make_dossier(proc)
    delivery.deliver_batch()  # one pass, in order: 503, 500, 429, then 200
    db.session.expire_all()
    rows = db.session.execute(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars().all()
    assert [r.last_status for r in rows] == [503, 500, 429, 200]
    now = utcnow()
    assert rows[0].next_attempt_at <= now < rows[1].next_attempt_at and now < rows[2].next_attempt_at
    delivery.deliver_batch()
    db.session.expire_all()
    assert [r.delivered_at is not None for r in rows] == [True, False, False, True]
    assert len(receiver.got) == 5 and rows[0].attempts == 2 and rows[1].attempts == 1
