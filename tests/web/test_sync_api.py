"""The sync API: blobs by hash, dossiers exactly once, JSON errors."""

import re

from app.extensions import db
from app.models import Blob, Document, Dossier, Status, StatusEvent
from tests.factories import jpeg_bytes, make_procedure, manifest, new_key, pdf_bytes, png_bytes, sha
from tests.helpers import post_dossier, put_blob


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_put_blob_is_idempotent_and_verified(client, ctx):
    data = jpeg_bytes()
    first = put_blob(client, data)
    assert first.status_code == 201
    assert first.json == {"sha256": sha(data), "size": len(data), "media_type": "image/jpeg"}
    again = put_blob(client, data)
    assert again.status_code == 200
    assert count(Blob) == 1


def test_tampered_hash_is_refused_and_nothing_is_stored(client, ctx):
    data = pdf_bytes()
    response = put_blob(client, data, digest=sha(b"something else"))
    assert response.status_code == 422
    assert response.json["error"] == "hash_mismatch"
    assert "SHA-256" in response.json["message"]
    assert count(Blob) == 0


def test_renamed_executable_is_refused_by_content(client, ctx):
    fake = b"MZ\x90\x00" + b"\x00" * 200  # a Windows executable, whatever it is called
    response = put_blob(client, fake)
    assert response.status_code == 415
    assert "PDF, JPEG hoặc PNG" in response.json["message"]
    assert count(Blob) == 0


def test_oversize_blob_is_refused_with_413(client, ctx, app):
    app.config["MAX_FILE_BYTES"] = 10_000
    data = jpeg_bytes(400, 400, color=(1, 2, 3)) + b"\x00" * 20_000
    response = put_blob(client, data)
    assert response.status_code == 413
    assert response.json["error"] == "too_large"
    assert count(Blob) == 0


def test_malformed_hash_in_url(client):
    response = client.put("/api/v1/blobs/not-a-hash", data=b"x",
                          content_type="application/octet-stream")
    assert response.status_code == 422
    assert response.json["error"] == "invalid_hash"


def test_create_dossier_then_replay_returns_same_code(client, ctx):
    proc = make_procedure()
    a, b = jpeg_bytes(), png_bytes()
    put_blob(client, a)
    put_blob(client, b)
    body, key = manifest(proc, [(0, a), (1, b)]), new_key()

    created = post_dossier(client, body, key)
    assert created.status_code == 201, created.json
    code = created.json["code"]
    assert code.startswith("000.00.00.H40-") and code.endswith("-0001")
    assert created.json["status"] == Status.SUBMITTED
    assert created.json["status_label"] == "Mới đăng ký"

    replay = post_dossier(client, body, key)
    assert replay.status_code == 200
    assert replay.json["code"] == code
    assert count(Dossier) == 1
    dossier = db.session.execute(db.select(Dossier)).scalar_one()
    assert dossier.client_id == key
    assert sorted(d.sha256 for d in dossier.documents) == sorted([sha(a), sha(b)])
    assert count(StatusEvent) == 1


def test_same_key_different_payload_is_a_conflict(client, ctx):
    proc = make_procedure()
    a, b = jpeg_bytes(), png_bytes()
    put_blob(client, a)
    put_blob(client, b)
    key = new_key()
    assert post_dossier(client, manifest(proc, [(0, a), (1, b)]), key).status_code == 201
    other = manifest(proc, [(0, a), (1, b)], fields={"purpose": "Đi du học", "copies": 2})
    response = post_dossier(client, other, key)
    assert response.status_code == 409
    assert response.json["error"] == "idempotency_conflict"
    assert count(Dossier) == 1
    assert db.session.execute(db.select(Dossier)).scalar_one().form_data["purpose"] == "Xin việc"


def test_missing_blobs_are_listed(client, ctx):
    proc = make_procedure()
    a, b = jpeg_bytes(), png_bytes()
    put_blob(client, a)
    response = post_dossier(client, manifest(proc, [(0, a), (1, b)]), new_key())
    assert response.status_code == 409
    assert response.json["error"] == "blobs_missing"
    assert response.json["details"]["missing"] == [sha(b)]
    assert count(Dossier) == 0
    # Uploading the missing one and retrying with the same key succeeds.
    put_blob(client, b)
    key = new_key()
    assert post_dossier(client, manifest(proc, [(0, a), (1, b)]), key).status_code == 201


def test_invalid_fields_answer_422_per_field(client, ctx):
    proc = make_procedure()
    a = jpeg_bytes()
    put_blob(client, a)
    body = manifest(proc, [(0, a)])
    body["applicant"] = body["applicant"] | {"id_number": "12345", "phone": "0123", "name": ""}
    body["fields"] = {"copies": 99}
    response = post_dossier(client, body, new_key())
    assert response.status_code == 422
    details = response.json["details"]
    assert details["applicant.id_number"] == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]
    assert "03, 05, 07, 08 hoặc 09" in details["applicant.phone"][0]
    assert details["applicant.name"] == ["Vui lòng nhập thông tin này."]
    assert count(Dossier) == 0


def test_procedure_fields_and_documents_are_checked(client, ctx):
    proc = make_procedure()
    a = jpeg_bytes()
    put_blob(client, a)
    body = manifest(proc, [(0, a)], fields={"copies": 99})
    response = post_dossier(client, body, new_key())
    assert response.status_code == 422
    details = response.json["details"]
    assert details["fields.purpose"] == ["Vui lòng nhập thông tin này."]
    assert details["fields.copies"] == ["Giá trị lớn nhất là 10."]
    assert details[f"documents.{proc.requirements[1].id}"] == ["Vui lòng đính kèm giấy tờ này."]
    assert count(Dossier) == 0


def test_idempotency_key_is_required(client, ctx):
    proc = make_procedure()
    response = client.post("/api/v1/dossiers", json=manifest(proc, []))
    assert response.status_code == 400
    assert response.json["error"] == "idempotency_key_required"


def test_form_encoded_posts_are_refused(client):
    """A cross-site HTML form cannot reach the API: it can only send form encodings."""
    response = client.post("/api/v1/dossiers", data={"procedure": "x"},
                           headers={"Idempotency-Key": new_key()})
    assert response.status_code == 415
    assert response.json["error"] == "unsupported_media_type"


def test_documents_are_recorded_with_sizes(client, ctx):
    proc = make_procedure()
    a, b = jpeg_bytes(), pdf_bytes()
    put_blob(client, a)
    put_blob(client, b)
    post_dossier(client, manifest(proc, [(0, a), (1, b)]), new_key())
    docs = db.session.execute(db.select(Document).order_by(Document.id)).scalars().all()
    assert [(d.media_type, d.size) for d in docs] == [
        ("image/jpeg", len(a)), ("application/pdf", len(b))]


def test_openapi_describes_the_sync_api(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/blobs/{sha256}", "/api/v1/dossiers", "/api/v1/track"} <= set(spec["paths"])
    assert "applicant" in spec["components"]["schemas"]["Manifest"]["properties"]


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops
                 if method in ("get", "put", "post", "delete", "patch")}
    assert len(routes) >= 11 and routes == described
    for path, ops in spec["paths"].items():
        named = set(re.findall(r"{(\w+)}", path))
        for method, op in ops.items():
            if method not in ("get", "put", "post"):
                continue
            params = ops.get("parameters", []) + op.get("parameters", [])
            assert named == {p["name"] for p in params if p["in"] == "path"}, (path, method)
            assert op["summary"] and op["responses"], (path, method)
    schemas = spec["components"]["schemas"]
    assert {"PostalRequest", "SupplementAnswer", "Rating", "Proof", "Error"} <= set(schemas)
    cancel = spec["paths"]["/api/v1/dossiers/{code}/postal-requests/{request_id}/cancel"]["post"]
    assert {"200", "404", "409", "422"} <= set(cancel["responses"])
