"""The admin's webhook page: add (secret shown once), rotate, disable, a delivery log with "Gửi lại"."""

import re

import pytest

from app.extensions import db
from app.lib.time import utcnow
from app.models import WebhookDelivery, WebhookSubscription
from app.services import workflow
from app.services.webhooks import delivery
from tests.agency_helpers import RECEPTION, department
from tests.factories import make_dossier, make_user
from tests.helpers import form_post as post
from tests.helpers import sign_in
from tests.webhook_receiver import Receiver

PAGE = "/staff/quan-tri/webhook"



@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def test_add_rotate_log_resend_disable(client, admin, receiver):
    agency, proc = department()
    assert "Chưa có địa chỉ nhận nào." in client.get(PAGE).get_data(as_text=True)
    added = post(client, PAGE, {"agency_id": str(agency.id), "url": receiver.url,
                                "events": ["dossier.created", "dossier.status_changed"]}, page=PAGE)
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and "chỉ hiện một lần" in html
    secret = re.search(r"<code>(whsec_[A-Za-z0-9+/=]+)</code>", html).group(1)
    sub = db.session.execute(db.select(WebhookSubscription)).scalar_one()
    assert sub.secret == secret and sub.created_by == admin.email
    assert secret not in client.get(PAGE).get_data(as_text=True)  # shown once
    receiver.secrets.append(secret)
    receiver.answers.append((500, {}))
    dossier = make_dossier(proc)
    workflow.accept(dossier, RECEPTION, version=dossier.version)
    delivery.deliver_batch()
    log = client.get(f"{PAGE}/{sub.id}").get_data(as_text=True)
    assert "HTTP 500" in log and "Đang chờ gửi" in log and "Gửi lại" in log
    first = db.session.execute(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars().first()
    assert post(client, f"{PAGE}/lan-gui/{first.id}/gui-lai", page=f"{PAGE}/{sub.id}").status_code == 303
    db.session.refresh(first)
    assert first.attempts == 0 and first.next_attempt_at <= utcnow()
    delivery.deliver_batch()
    delivery.deliver_batch()
    assert [p["type"] for p in receiver.verified()] == ["dossier.created", "dossier.created",
                                                        "dossier.status_changed"]
    assert "Đã nhận lúc" in client.get(f"{PAGE}/{sub.id}").get_data(as_text=True)
    rotated = post(client, f"{PAGE}/{sub.id}/doi-khoa", page=PAGE).get_data(as_text=True)
    new = re.search(r"<code>(whsec_[A-Za-z0-9+/=]+)</code>", rotated).group(1)
    db.session.refresh(sub)
    assert new == sub.secret and sub.previous_secret == secret and "24 giờ" in rotated
    assert post(client, f"{PAGE}/{sub.id}/tat", page=PAGE).status_code == 303
    db.session.refresh(sub)
    assert not sub.active and "Đã tắt" in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"agency_id": ""}, "agency_id", "Vui lòng chọn cơ quan."),
    ({"agency_id": "99999999999999999999999"}, "agency_id", "Vui lòng chọn cơ quan."),
    ({"url": "ftp://x.example/"}, "url", "http:// hoặc https://"),
    ({"url": ""}, "url", "Nhập địa chỉ http(s)"),
    ({"events": ["dossier.exploded"]}, "events", "Chọn trong"),
])
def test_bad_input_is_told_and_adds_nothing(client, admin, receiver, form, field, message):
    agency, _proc = department()
    values = {"agency_id": str(agency.id), "url": receiver.url, "events": ["dossier.created"]} | form
    answer = post(client, PAGE, values, page=PAGE)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert db.session.execute(db.select(WebhookSubscription)).first() is None


def test_private_address_refused_on_the_page(client, admin, app):
    agency, _proc = department()
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    answer = post(client, PAGE, {"agency_id": str(agency.id), "url": "http://192.168.1.10/hook"}, page=PAGE)
    assert answer.status_code == 422 and "nội bộ" in answer.get_data(as_text=True)
    assert db.session.execute(db.select(WebhookSubscription)).first() is None


def test_only_admins(client, ctx):
    sign_in(client, make_user("reception"))
    assert client.get(PAGE).status_code in (403, 404)
    assert client.get("/staff/quan-tri/webhook/1").status_code in (403, 404)
