"""The API's contract: /api/v1/openapi.json validates, names every route, and real answers fit it.

The document is generated from the marshmallow schemas (app/api/openapi.py); these tests keep
it honest from inside the suite. tests/contract/run_schemathesis.py checks it from outside,
against a live server.
"""

from datetime import date

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from app.api.openapi import openapi_path
from app.extensions import db
from app.models import Dossier
from app.services import workflow
from app.services.actors import Actor
from tests.factories import VALID_PHONE, make_procedure, make_user, manifest, new_key, pdf_bytes, sha
from tests.helpers import fresh_client, post_dossier, put_blob
from tests.postal_helpers import postal_body

METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def conforms(document, path: str, method: str, answer) -> dict:
    """Validate `answer` against what the document says `method path` answers with its status."""
    responses = document["paths"][path][method]["responses"]
    described = responses.get(str(answer.status_code))
    assert described is not None, (path, method, answer.status_code, answer.get_data(as_text=True)[:300])
    schema = described["content"]["application/json"]["schema"]
    validator = OAS31Validator(schema | {"components": document["components"]},
                               format_checker=OAS31Validator.FORMAT_CHECKER)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(answer.json)]
    assert not problems, (path, method, answer.status_code, problems)
    for name, header in described.get("headers", {}).items():
        header = document["components"]["headers"][header["$ref"].rsplit("/", 1)[-1]]
        assert not header.get("required") or name in answer.headers, (path, method, name)
    return answer.json


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises with the first problem; `default: ""` with `format: email` was one


def test_an_empty_email_is_described_as_allowed(document):
    email = document["components"]["schemas"]["Applicant"]["properties"]["email"]
    assert email["default"] == "" and {"const": ""} in email["anyOf"] and "format" not in email


def test_every_api_route_is_described_with_its_shared_answers(app, document):
    """A route added under /api/v1 without its description fails here."""
    described = {(path, method) for path, method, _ in operations(document)}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            path = openapi_path(rule.rule)
            assert (path, method.lower()) in described, f"{method} {rule.rule} is not in the OpenAPI document"
            operation = document["paths"][path][method.lower()]
            assert operation["operationId"] == rule.endpoint.rsplit(".", 1)[-1]
            named = {p["name"] for p in document["paths"][path].get("parameters", []) + operation.get(
                "parameters", []) if p["in"] == "path"}
            assert named == set(rule.arguments), (path, method)
            responses = operation["responses"]
            assert any(status.startswith("2") for status in responses), (path, method)
            if rule.arguments:
                assert "404" in responses, (path, method)
            if method == "POST":
                assert operation["requestBody"]["required"] is True
                assert {"400", "413", "415"} <= set(responses), (path, method)
    assert len(described) == len({(openapi_path(r.rule), m.lower()) for r in app.url_map.iter_rules()
                                  if r.rule.startswith("/api/v1/") for m in r.methods - {"HEAD", "OPTIONS"}})


def test_every_error_has_the_one_shape_and_every_429_says_when(document):
    statuses = set()
    for path, method, operation in operations(document):
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")):
                statuses.add(status)
                assert answer["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"}, (path, method, status)
            if status == "429":
                assert "Retry-After" in answer["headers"], (path, method)
    assert {"400", "401", "403", "404", "409", "412", "413", "415", "422", "429"} <= statuses
    assert set(document["components"]["schemas"]["Error"]["required"]) == {"error", "message", "details"}
    assert "Allow" in document["components"]["responses"]["MethodNotAllowed"]["headers"]


def test_links_name_real_operations_and_their_parameters(document):
    by_id = {op["operationId"]: (path, op) for path, _, op in operations(document)}
    chains = set()
    for path, _, operation in operations(document):
        for answer in operation["responses"].values():
            for link in answer.get("links", {}).values():
                target_path, target = by_id[link["operationId"]]
                chains.add((operation["operationId"], link["operationId"]))
                params = {p["name"] for p in document["paths"][target_path].get("parameters", [])
                          + target.get("parameters", [])}
                assert set(link.get("parameters", {})) <= params, (path, link)
    assert {("put_blob", "create_dossier"), ("create_dossier", "track"), ("track", "rate"),
            ("create_dossier", "rate"), ("create_postal_request", "cancel_postal_request")} <= chains


def test_real_answers_fit_the_document(app, ctx, document):
    """The outbox's whole journey, each answer validated against the document."""
    client = fresh_client(app)
    proc = make_procedure()
    conforms(document, "/api/v1/procedures", "get", client.get("/api/v1/procedures"))
    data = pdf_bytes()
    conforms(document, "/api/v1/blobs/{sha256}", "put", put_blob(client, data))
    conforms(document, "/api/v1/blobs/{sha256}", "put", put_blob(client, data))
    conforms(document, "/api/v1/blobs/{sha256}", "get", client.get(f"/api/v1/blobs/{sha(data)}"))
    body = manifest(proc, [(0, data), (1, data)])
    filed = conforms(document, "/api/v1/dossiers", "post", post_dossier(client, body, key := new_key()))
    again = conforms(document, "/api/v1/dossiers", "post", post_dossier(client, body, key))
    assert again["code"] == filed["code"]
    code, proof = filed["code"], {"secret": VALID_PHONE}
    tracked = conforms(document, "/api/v1/track", "post",
                       client.post("/api/v1/track", json={"code": code} | proof))
    assert tracked["timeline"] and tracked["code"] == code

    def write(path: str, payload: dict):
        """POST a citizen write under `path` (a template) and check its answer."""
        url = "/api/v1" + path.format(code=code, request_id=request_id)
        answer = client.post(url, json=payload | proof, headers={"Idempotency-Key": new_key()})
        return conforms(document, "/api/v1" + path, "post", answer)

    request_id = 0
    request_id = write("/dossiers/{code}/postal-requests", postal_body())["request_id"]
    write("/dossiers/{code}/postal-requests/{request_id}/change", postal_body(recipient_name="Trần Thị Bình"))
    assert write("/dossiers/{code}/postal-requests/{request_id}/cancel", {"reason": "Tự đến nhận"})[
        "postal_state"] == "cancelled"
    dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()
    workflow.accept(dossier, Actor.of(make_user("reception")))
    workflow.request_supplement(dossier, Actor.of(make_user("reception", email="r2@example.vn")),
                                "Giấy khai sinh", date(2099, 1, 1))
    more = pdf_bytes("khai sinh")
    put_blob(client, more)
    write("/dossiers/{code}/supplements", {"documents": [{"sha256": sha(more), "name": "khai-sinh.pdf"}]})
    code = post_dossier(client, body | {"local_ref": "2"}, new_key()).json["code"]  # one to refuse
    workflow.refuse(db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one(),
                    Actor.of(make_user("reception", email="r3@example.vn")), "Không thuộc thẩm quyền")
    rated = write("/dossiers/{code}/rating", {"level": 3, "comment": "Nhanh"})
    assert rated.get("level") == 3, rated
    owners = client.post("/api/v1/device/owners", json={"accounts": [1]})
    conforms(document, "/api/v1/device/owners", "post", owners)


def test_refusals_fit_the_document(client, document):
    refusals = [client.post("/api/v1/track", json={"code": "X", "secret": "1"}),
                client.post("/api/v1/track", json={"code": "X"}),
                client.post("/api/v1/track", data="{", content_type="application/json"),
                client.post("/api/v1/track", data="code=X")]
    for refused in refusals:
        conforms(document, "/api/v1/track", "post", refused)
    assert [r.status_code for r in refusals] == [404, 422, 400, 415]
    conforms(document, "/api/v1/dossiers", "post", client.post("/api/v1/dossiers", json={}))
    conforms(document, "/api/v1/blobs/{sha256}", "get", client.get("/api/v1/blobs/" + "0" * 64))
    refused = client.delete("/api/v1/openapi.json")
    assert refused.status_code == 405 and "GET" in refused.headers["Allow"]
    assert set(refused.json) == {"error", "message", "details"}


def test_an_integral_number_is_an_integer_for_every_field(app, ctx, document):
    """JSON has one number type: 12.0 is 12, as the document (JSON Schema) says; a fuzzer found
    `{"accounts": [1491.0]}` refused as "not an integer" although the document allowed it."""
    client = fresh_client(app)
    owners = client.post("/api/v1/device/owners", json={"accounts": [1491.0, 7]})
    assert owners.status_code == 200, owners.json
    proc = make_procedure()
    data = pdf_bytes()
    put_blob(client, data)
    body = manifest(proc, [(0, data), (1, data)], fields={"purpose": "Xin việc", "copies": 2.0})
    filed = post_dossier(client, body | {"organisation": None}, new_key())
    assert filed.status_code == 201, filed.json
    dossier = db.session.execute(db.select(Dossier).filter_by(code=filed.json["code"])).scalar_one()
    assert dossier.form_data["copies"] == 2 and isinstance(dossier.form_data["copies"], int)
    assert client.post("/api/v1/device/owners", json={"accounts": [1.5]}).status_code == 422


def test_integers_past_64_bits_are_refused_anywhere_as_the_document_says(client, document):
    assert document["components"]["schemas"]["Manifest"]["additionalProperties"] == {
        "$ref": "#/components/schemas/JsonValue"}
    answer = client.post("/api/v1/track", json={"code": "X", "secret": "1", "extra": 2**64})
    assert answer.status_code == 400 and answer.json["error"] == "invalid_json"
