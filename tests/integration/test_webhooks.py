"""Webhooks end to end: a change queues a signed message, the worker sends it to a real receiver."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook, WebhookVerificationError

from app.extensions import db
from app.lib.time import utcnow
from app.models import WebhookDelivery, WebhookSubscription
from app.services import workflow
from app.services.errors import Invalid
from app.services.webhooks import delivery, subscriptions
from tests.agency_helpers import RECEPTION, department
from tests.factories import make_dossier
from tests.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def subscribe(agency, receiver, events="") -> WebhookSubscription:
    added = subscriptions.add(agency.id, receiver.url, events)
    receiver.secrets.append(added.secret)
    return added.subscription


def drain() -> None:
    """Run the worker until nothing is due now (the real claim/send loop)."""
    for _ in range(50):
        if delivery.deliver_batch() == (0, 0):
            return


def rows() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars())


def test_transition_sends_one_signed_thin_message(ctx, receiver):
    agency, proc = department()
    subscribe(agency, receiver, "dossier.status_changed")
    dossier = make_dossier(proc)
    workflow.accept(dossier, RECEPTION, version=dossier.version)
    drain()
    [got] = receiver.verified()
    assert len(receiver.got) == 1
    assert got["type"] == "dossier.status_changed"
    assert got["data"]["code"] == dossier.code and got["data"]["status"] == 2
    assert got["data"]["version"] == dossier.version
    assert got["data"]["url"].endswith(f"/api/v1/agency/dossiers/{dossier.code}")
    assert receiver.got[0].headers["webhook-id"].startswith("msg_")
    [row] = rows()
    assert row.delivered_at is not None and row.attempts == 1 and row.last_status == 200


def test_tampered_body_fails_verification(ctx, receiver):
    agency, proc = department()
    subscribe(agency, receiver)
    make_dossier(proc)
    drain()
    [first] = receiver.got
    assert first.verified_with
    tampered = first.body.replace('"status":1', '"status":9')
    assert tampered != first.body
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver.secrets[0]).verify(tampered, first.headers)


def test_rotation_sends_two_signatures_both_valid(ctx, receiver):
    agency, proc = department()
    sub = subscribe(agency, receiver)
    old = receiver.secrets[0]
    new = subscriptions.rotate(sub.id).secret
    receiver.secrets.append(new)
    make_dossier(proc)
    drain()
    [got] = receiver.got
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert got.verified_with == [old, new]
    for secret in (old, new):  # each alone verifies: a receiver with either key accepts it
        Webhook(secret).verify(got.body, got.headers)
    sub.previous_until = utcnow() - timedelta(seconds=1)  # the 24 h are over
    db.session.commit()
    workflow.accept(db.session.merge(got_dossier(got)), RECEPTION)
    drain()
    assert receiver.got[-1].verified_with == [new]


def got_dossier(got):
    import json

    from app.models import Dossier
    code = json.loads(got.body)["data"]["code"]
    return db.session.execute(select(Dossier).filter_by(code=code)).scalar_one()


def test_503_then_200_retried_and_delivered_once(ctx, receiver):
    agency, proc = department()
    subscribe(agency, receiver)
    receiver.answers.append((503, {}))
    make_dossier(proc)
    drain()
    [row] = rows()
    assert row.delivered_at is None and row.attempts == 1 and row.last_status == 503
    assert timedelta(seconds=4) < row.next_attempt_at - utcnow() < timedelta(seconds=6)  # 5 s ± jitter
    row.next_attempt_at = utcnow()  # time passes
    db.session.commit()
    drain()
    [row] = rows()
    assert row.delivered_at is not None and row.attempts == 2
    first, second = receiver.got
    assert first.headers["webhook-id"] == second.headers["webhook-id"]  # the same message, once accepted
    drain()
    assert len(receiver.got) == 2


def test_gone_disables_the_subscription(ctx, receiver):
    agency, proc = department()
    sub = subscribe(agency, receiver)
    receiver.answers.append((410, {}))
    make_dossier(proc)
    drain()
    db.session.refresh(sub)
    assert not sub.active and "410" in sub.disabled_reason
    [row] = rows()
    assert row.failed_at is not None and row.last_status == 410
    workflow.accept(got_dossier(receiver.got[0]), RECEPTION)  # nothing queued for a disabled one
    drain()
    assert len(rows()) == 1 and len(receiver.got) == 1


def test_retry_after_is_honoured(ctx, receiver):
    agency, proc = department()
    subscribe(agency, receiver)
    receiver.answers.append((429, {"Retry-After": "120"}))
    make_dossier(proc)
    drain()
    [row] = rows()
    assert timedelta(seconds=118) < row.next_attempt_at - utcnow() <= timedelta(seconds=120)
    drain()
    assert len(receiver.got) == 1  # not before its time


def test_gives_up_after_the_schedule(ctx, receiver):
    agency, proc = department()
    subscribe(agency, receiver)
    receiver.answers.extend([(500, {})] * 10)
    make_dossier(proc)
    for _ in range(10):
        drain()
        db.session.execute(WebhookDelivery.__table__.update().values(next_attempt_at=utcnow()))
        db.session.commit()
    [row] = rows()
    assert row.attempts == 10 and row.failed_at is not None and row.delivered_at is None


def test_in_order_per_dossier(ctx, receiver):
    agency, proc = department()
    subscribe(agency, receiver)
    receiver.answers.append((503, {}))  # the first event fails: the later ones must wait for it
    dossier = make_dossier(proc)
    workflow.accept(dossier, RECEPTION, version=dossier.version)
    workflow.forward(dossier, RECEPTION, version=dossier.version)
    drain()
    assert len(receiver.got) == 1  # only the created event was tried
    db.session.execute(WebhookDelivery.__table__.update().values(next_attempt_at=utcnow()))
    db.session.commit()
    drain()
    kinds = [(p["type"], p["data"]["status"]) for p in receiver.verified()]
    assert kinds == [("dossier.created", 1), ("dossier.created", 1),
                     ("dossier.status_changed", 2), ("dossier.status_changed", 4)]


def test_private_url_refused_without_the_flag(ctx, app):
    agency, _proc = department()
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    for url in ("http://127.0.0.1:9/hook", "http://10.1.2.3/", "http://169.254.169.254/latest",
                "http://[::1]/", "ftp://example.org/", "http://localhost/"):
        with pytest.raises(Invalid):
            subscriptions.add(agency.id, url, "")
    assert db.session.execute(select(WebhookSubscription)).first() is None


def test_private_url_refused_at_delivery_time(ctx, app, receiver):
    agency, proc = department()
    subscribe(agency, receiver)
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False  # the name now resolves inside: refused on sending
    make_dossier(proc)
    drain()
    assert receiver.got == []
    [row] = rows()
    assert row.attempts == 1 and row.delivered_at is None and "nội bộ" in row.last_error


def test_two_workers_deliver_each_event_once(app, receiver, is_postgres):
    if not is_postgres:
        pytest.skip("row locks between connections: PostgreSQL")
    with app.app_context():
        agency, proc = department()
        subscribe(agency, receiver)
        for _ in range(8):
            dossier = make_dossier(proc)
            workflow.accept(dossier, RECEPTION, version=dossier.version)
        expected = len(rows())

    def work():
        with app.app_context():
            for _ in range(40):
                delivery.deliver_batch(5)
            db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [r.headers["webhook-id"] for r in receiver.got]
    assert len(ids) == expected == 16 and len(set(ids)) == expected
    with app.app_context():
        assert all(r.delivered_at and r.attempts == 1 for r in rows())


def test_cli_add_list_rotate_disable(ctx, runner, receiver):
    agency, _proc = department()
    added = runner.invoke(args=["webhook", "add", "--agency", agency.code, "--url", receiver.url,
                                "--events", "dossier.created,dossier.status_changed"])
    assert added.exit_code == 0, added.output
    secret = added.stdout.strip().splitlines()[-1]
    assert secret.startswith("whsec_")
    sub = db.session.execute(select(WebhookSubscription)).scalar_one()
    assert sub.secret == secret and sub.event_list == ["dossier.created", "dossier.status_changed"]
    assert str(sub.id) in runner.invoke(args=["webhook", "list"]).output
    rotated = runner.invoke(args=["webhook", "rotate", str(sub.id)])
    new = rotated.stdout.strip().splitlines()[-1]
    db.session.refresh(sub)
    assert new.startswith("whsec_") and new != secret and subscriptions.keys(sub) == [new, secret]
    assert runner.invoke(args=["webhook", "disable", str(sub.id)]).exit_code == 0
    db.session.refresh(sub)
    assert not sub.active
    bad = runner.invoke(args=["webhook", "add", "--agency", agency.code, "--url", receiver.url,
                              "--events", "dossier.exploded"])
    assert bad.exit_code != 0 and db.session.execute(select(WebhookSubscription)).scalars().all() == [sub]
