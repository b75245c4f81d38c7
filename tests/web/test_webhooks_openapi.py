"""The OpenAPI document's `webhooks`: every event the code can send is described, as it is sent.

The events are found in the code itself (every `changed(dossier, "...")` call under app/), not
copied here, and real deliveries to a real receiver are checked against the document.
"""

import ast
import json
import re
from datetime import date
from pathlib import Path

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from standardwebhooks import Webhook

from app.extensions import db
from app.models import Document
from app.services import workflow
from app.services.errors import Invalid
from app.services.webhooks import delivery, subscriptions
from tests.agency_helpers import RECEPTION, department
from tests.factories import make_dossier
from tests.webhook_receiver import Receiver

APP = Path(__file__).resolve().parents[2] / "app"


def emitted_events() -> set[str]:
    """Every event name a service can say (the second argument of a `changed(...)` call)."""
    found = set()
    for source in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "changed":
                found |= {c.value for c in ast.walk(node.args[1])
                          if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def test_the_document_with_its_webhooks_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0" and document["webhooks"]
    validate(document)


def test_every_event_the_code_can_send_is_described(document):
    emitted = emitted_events()
    assert {"dossier.created", "dossier.status_changed"} <= emitted  # the scan finds the calls
    sendable = emitted & set(subscriptions.EVENTS)
    assert set(document["webhooks"]) == sendable
    assert set(subscriptions.EVENTS) <= emitted  # nothing is described that is never sent
    for never_sent in emitted - set(subscriptions.EVENTS):  # e.g. dossier.updated: the feed's only
        with pytest.raises(Invalid):
            subscriptions.parse_events(never_sent)  # no subscription can ask for it


def test_every_webhook_describes_its_headers_and_answers(document):
    for event, item in document["webhooks"].items():
        operation = item["post"]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= set(headers), event
        assert all(h["required"] for h in headers.values()), event
        assert {"2XX", "410", "default"} <= set(operation["responses"]), event
        assert "Retry-After" in operation["responses"]["default"]["headers"], event
        assert operation["requestBody"]["content"]["application/json"]["schema"]["allOf"][1] == {
            "properties": {"type": {"const": event}}}


def test_real_deliveries_fit_the_document(ctx, document, receiver):
    """Each event, sent by the worker to a real receiver: body, headers and signature as described."""
    agency, proc = department()
    added = subscriptions.add(agency.id, receiver.url, "")  # every event
    receiver.secrets.append(added.secret)
    dossier = make_dossier(proc)
    workflow.accept(dossier, RECEPTION, version=dossier.version)
    workflow.request_supplement(dossier, RECEPTION, "Tờ khai", date(2099, 1, 1))
    doc = db.session.execute(db.select(Document).filter_by(dossier_id=dossier.id)).scalars().first()
    workflow.answer_supplement(dossier, RECEPTION, [Document(
        original_name="bo-sung.pdf", media_type=doc.media_type, size=doc.size, sha256=doc.sha256)])
    while delivery.deliver_batch() != (0, 0):
        pass
    assert receiver.got and all(r.verified_with for r in receiver.got)
    seen = set()
    for got in receiver.got:
        payload = json.loads(got.body)
        operation = document["webhooks"][payload["type"]]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        validator = OAS31Validator(schema | {"components": document["components"]},
                                   format_checker=OAS31Validator.FORMAT_CHECKER)
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                    for e in validator.iter_errors(payload)]
        assert not problems, (payload, problems)
        for header in operation["parameters"]:
            assert re.fullmatch(header["schema"]["pattern"], got.headers[header["name"]]), header
        Webhook(added.secret).verify(got.body, got.headers)
        seen.add(payload["type"])
    assert seen == set(document["webhooks"])  # the journey sent every described event
