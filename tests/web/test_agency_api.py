"""The department API: tokens, scope, one dossier, documents, transitions, idempotency, import."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.lib.time import local_today
from app.models import Agency, Document, Dossier, Status, StatusEvent, SupplementRequest
from app.services.reporting import reports
from tests.agency_helpers import bearer, department, processing, token_for
from tests.factories import jpeg_bytes, manifest, pdf_bytes, sha
from tests.helpers import put_blob


@pytest.fixture
def world(ctx):
    """Two departments, one dossier in processing at the first, a token for each."""
    agency, proc = department()
    other, _other_proc = department("000.02.00.H40", "Sở Xây dựng", "1.009999")
    dossier = processing(proc)
    return {"agency": agency, "proc": proc, "dossier": dossier, "other": other,
            "token": token_for(agency), "other_token": token_for(other),
            "read_token": token_for(agency, "read")}


def act(client, world, body: dict, key: str = "k-1", token: str | None = None, code: str | None = None):
    return client.post(f"/api/v1/agency/dossiers/{code or world['dossier'].code}/transitions", json=body,
                       headers=bearer(token or world["token"]) | {"Idempotency-Key": key})


def reload(dossier) -> Dossier:
    db.session.expire_all()
    return db.session.get(Dossier, dossier.id)


def test_no_token_wrong_token_and_revoked_token_are_401_with_a_bearer_challenge(client, world):
    url = f"/api/v1/agency/dossiers/{world['dossier'].code}"
    missing = client.get(url)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.json["error"] == "invalid_token" and "Authorization" in missing.json["message"]
    wrong = client.get(url, headers=bearer("mc_" + "x" * 43))
    assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]
    assert client.get(url, headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get(url, headers=bearer(world["token"])).status_code == 200
    from app.models import ApiToken
    from app.services.integration import tokens
    token_id = db.session.execute(db.select(ApiToken.id).filter_by(hint=world["token"][:9])).scalar_one()
    tokens.revoke(token_id)
    revoked = client.get(url, headers=bearer(world["token"]))
    assert revoked.status_code == 401
    assert revoked.json["message"] == "Mã truy cập không đúng hoặc đã bị thu hồi."


def test_last_use_is_recorded_at_most_once_a_minute(client, world):
    from app.models import ApiToken
    url = f"/api/v1/agency/dossiers/{world['dossier'].code}"
    client.get(url, headers=bearer(world["token"]))
    token = db.session.execute(db.select(ApiToken).filter_by(hint=world["token"][:9])).scalar_one()
    first = token.last_used_at
    assert first is not None
    client.get(url, headers=bearer(world["token"]))
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == first
    db.session.get(ApiToken, token.id).last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    client.get(url, headers=bearer(world["token"]))
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at > first


def test_another_agencys_token_gets_404_exactly_like_an_unknown_code(client, world):
    code = world["dossier"].code
    doc_id = world["dossier"].documents[0].id
    theirs = bearer(world["other_token"])
    for url in (f"/api/v1/agency/dossiers/{code}", f"/api/v1/agency/dossiers/{code}/documents/{doc_id}"):
        hidden = client.get(url, headers=theirs)
        unknown = client.get(url.replace(code, code[:-1] + "9"), headers=theirs)
        assert hidden.status_code == unknown.status_code == 404
        assert hidden.json == unknown.json
    refused = act(client, world, {"action": "request_payment", "version": world["dossier"].version},
                  token=world["other_token"])
    assert refused.status_code == 404
    assert reload(world["dossier"]).status == Status.PROCESSING
    changes = client.get("/api/v1/agency/dossiers/changes", headers=theirs).json
    assert changes["items"] == []


def test_one_dossier_with_documents_and_a_download_under_the_same_token(client, world):
    dossier = world["dossier"]
    got = client.get(f"/api/v1/agency/dossiers/{dossier.code.lower()}", headers=bearer(world["token"])).json
    assert got["code"] == dossier.code and got["status"] == 4 and got["version"] == dossier.version
    assert got["applicant"]["id_number"] == dossier.applicant_id_number
    assert [t["status"] for t in got["timeline"]] == [1, 2, 4]
    first = got["documents"][0]
    download = client.get(first["url"], headers=bearer(world["token"]))
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Type"].startswith(first["media_type"])
    assert sha(download.data) == download.headers["ETag"].strip('"')
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(first["url"]).status_code == 401
    missing = client.get(first["url"].rsplit("/", 1)[0] + "/999999", headers=bearer(world["token"]))
    assert missing.status_code == 404


def test_a_read_token_cannot_act(client, world):
    refused = act(client, world, {"action": "request_payment", "version": world["dossier"].version},
                  token=world["read_token"])
    assert refused.status_code == 403 and refused.json["error"] == "insufficient_scope"
    assert 'scope="write"' in refused.headers["WWW-Authenticate"]
    assert reload(world["dossier"]).status == Status.PROCESSING


def test_a_transition_is_recorded_with_the_tokens_agency_and_name(client, world):
    dossier, version = world["dossier"], world["dossier"].version
    done = act(client, world, {"action": "request_payment", "version": version, "note": "Lệ phí 200.000đ"})
    assert done.status_code == 200, done.json
    assert done.json == {"code": dossier.code, "status": 6, "version": version + 1,
                         "status_label": "Yêu cầu thực hiện nghĩa vụ tài chính"}
    last = db.session.execute(db.select(StatusEvent).filter_by(dossier_id=dossier.id)
                              .order_by(StatusEvent.id.desc()).limit(1)).scalar_one()
    assert (last.actor_kind, last.actor_label, last.note) == (
        "api", "API STP: Phần mềm chuyên ngành", "Lệ phí 200.000đ")
    assert reload(dossier).status == Status.AWAITING_PAYMENT


def test_a_stale_version_is_412_with_the_current_one(client, world):
    dossier, version = world["dossier"], world["dossier"].version
    stale = act(client, world, {"action": "request_payment", "version": version - 1})
    assert stale.status_code == 412
    assert stale.json["error"] == "version_mismatch"
    assert stale.json["details"] == {"current_version": version, "status": 4}
    assert "phiên bản hiện tại" in stale.json["message"]
    assert reload(dossier).status == Status.PROCESSING


def test_an_action_the_rules_refuse_is_409_with_the_reason(client, world):
    dossier, version = world["dossier"], world["dossier"].version
    refused = act(client, world, {"action": "confirm_payment", "version": version})
    assert refused.status_code == 409 and refused.json["error"] == "wrong_status"
    assert refused.json["message"] == ("Hồ sơ đang ở trạng thái “Đang xử lý”, không thể “Xác nhận đã thực "
                                       "hiện nghĩa vụ tài chính”.")
    # A department's token is a department officer: accepting is the centre's counter's.
    role = act(client, world, {"action": "accept", "version": version}, key="k-2")
    assert role.status_code == 403 and role.json["error"] == "not_allowed"
    assert reload(dossier).version == version
    # Nothing was kept for those keys: the same key may be used again once the action can run.
    assert act(client, world, {"action": "request_payment", "version": version}).status_code == 200


def test_replay_answers_the_same_and_a_different_payload_is_a_conflict(client, world):
    dossier = world["dossier"]
    body = {"action": "request_payment", "version": dossier.version}
    first, again = act(client, world, body), act(client, world, body)
    assert first.status_code == again.status_code == 200
    assert first.json == again.json and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    events = db.session.execute(db.select(db.func.count()).select_from(StatusEvent)
                                .filter_by(dossier_id=dossier.id)).scalar_one()
    assert events == 4  # submitted, accepted, forwarded, payment requested: once
    conflict = act(client, world, body | {"note": "khác"})
    assert conflict.status_code == 409 and conflict.json["error"] == "idempotency_conflict"
    # Keys are per agency: another agency's same key is its own.
    assert act(client, world, body, token=world["other_token"]).status_code == 404


def test_missing_or_odd_idempotency_keys_are_400(client, world):
    url = f"/api/v1/agency/dossiers/{world['dossier'].code}/transitions"
    body = {"action": "request_payment", "version": world["dossier"].version}
    for headers in ({}, {"Idempotency-Key": ""}, {"Idempotency-Key": "a b"}, {"Idempotency-Key": "x" * 101}):
        r = client.post(url, json=body, headers=bearer(world["token"]) | headers)
        assert r.status_code == 400 and r.json["error"] == "idempotency_key_required"


@pytest.mark.parametrize("body", [
    {"action": "fly", "version": 1}, {"action": "request_payment"},
    {"action": "request_payment", "version": "x"},
    {"action": "request_payment", "version": 0}, {"action": ["request_payment"], "version": 1},
    {"action": "request_payment", "version": 3, "colour": "red"},
    {"action": "resolve", "version": 3, "results": {"sha256": "a"}},
    {"action": "request_supplement", "version": 3, "items": "Tờ khai", "deadline": "mai"},
    {"action": "request_payment", "version": 3, "note": "x" * 2001},
])
def test_bad_transition_bodies_are_422_and_change_nothing(client, world, body):
    r = act(client, world, body)
    assert r.status_code == 422 and r.json["error"] == "invalid" and r.json["details"]
    assert reload(world["dossier"]).status == Status.PROCESSING


@pytest.mark.parametrize("raw", ["[]", '"x"', '{"action": "request_payment", "version": 1e999}',
                                 '{"action": "request_payment", "version": 99999999999999999999999}', "{"])
def test_bodies_that_are_not_a_json_object_are_400(client, world, raw):
    headers = bearer(world["token"]) | {"Idempotency-Key": "k"}
    r = client.post(f"/api/v1/agency/dossiers/{world['dossier'].code}/transitions", data=raw,
                    content_type="application/json", headers=headers)
    assert r.status_code == 400 and r.json["error"] == "invalid_json"


def test_supplement_request_then_resolve_with_a_result_uploaded_first(client, world):
    dossier = world["dossier"]
    deadline = (local_today() + timedelta(days=7)).isoformat()
    asked = act(client, world, {"action": "request_supplement", "version": dossier.version,
                                "items": ["Bản sao sổ hộ khẩu", "Ảnh 4x6"], "deadline": deadline})
    assert asked.status_code == 200 and asked.json["status"] == 5
    request = db.session.execute(db.select(SupplementRequest).filter_by(dossier_id=dossier.id)).scalar_one()
    assert request.item_list == ["Bản sao sổ hộ khẩu", "Ảnh 4x6"] and request.requested_by_id is None
    # Back to processing (the centre receives the answer at the counter), then resolve.
    from app.services.dossiers import supplements
    from tests.agency_helpers import RECEPTION
    extra = jpeg_bytes(color=(1, 2, 3))
    put_blob(client, extra)
    supplements.answer(reload(dossier), {"documents": [{"sha256": sha(extra), "name": "a.jpg"}]},
                       "0b7a7b1e-0000-4000-8000-000000000001", RECEPTION)
    result = pdf_bytes("ket qua")
    resolve = {"action": "resolve", "return_method": "counter",
               "results": [{"sha256": sha(result), "name": "Phiếu lý lịch.pdf"}]}
    missing = act(client, world, resolve | {"version": reload(dossier).version}, key="k-2")
    assert missing.status_code == 409 and missing.json["details"] == {"missing": [sha(result)]}
    # Held for the agency only once it sent it with its token (services/files/claims.py).
    assert put_blob(client, result, headers=bearer(world["token"])).status_code == 201
    done = act(client, world, resolve | {"version": reload(dossier).version}, key="k-3")
    assert done.status_code == 200 and done.json["status"] == 9
    docs = db.session.execute(db.select(Document).filter_by(dossier_id=dossier.id, round="result")).scalars()
    [(name, digest)] = [(d.original_name, d.sha256) for d in docs]
    assert name == "Phiếu lý lịch.pdf" and digest != sha(result)  # a PDF result is kept signed (results/)


def _import_body(world, **kw) -> dict:
    """An import's body, its files sent first with the agency's token (held for it: files/claims.py)."""
    from flask import current_app

    from tests.helpers import fresh_client
    docs = [jpeg_bytes(color=(5, 5, 5)), pdf_bytes("nhap")]
    agency = fresh_client(current_app._get_current_object())
    for data in docs:
        assert put_blob(agency, data, headers=bearer(world["token"])).status_code in (200, 201)
    return manifest(world["proc"], [(0, docs[0]), (1, docs[1])]) | {"channel": "counter"} | kw


def test_an_imported_dossier_is_processing_at_the_department_and_counted_in_the_report(client, world):
    # The first second of today in Vietnam: never in the future (00:30 was, from 17:00 to 17:30 UTC).
    body = _import_body(world, received_at=f"{local_today().isoformat()}T00:00:00+07:00")
    headers = bearer(world["token"]) | {"Idempotency-Key": "HT-2026-000123"}
    made = client.post("/api/v1/agency/dossiers", json=body, headers=headers)
    assert made.status_code == 201, made.json
    assert made.json["status"] == 4
    dossier = db.session.execute(db.select(Dossier).filter_by(code=made.json["code"])).scalar_one()
    assert dossier.channel == 1 and dossier.agency_id == world["agency"].id
    assert dossier.accepted_at is not None
    labels = [e.actor_label for e in dossier.events]
    assert labels == ["API STP: Phần mềm chuyên ngành"] * 3
    report = reports.build(local_today(), local_today())
    row = next(r for r in report.rows if r.agency_id == world["agency"].id)
    assert row.counts["received"] == 2  # the centre's own dossier and the imported one
    assert row.counts["received_counter_post"] == 1 + (world["dossier"].channel != 2)
    again = client.post("/api/v1/agency/dossiers", json=body, headers=headers)
    assert again.status_code == 201 and again.json == made.json
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = client.post("/api/v1/agency/dossiers", json=body | {"channel": "post"}, headers=headers)
    assert changed.status_code == 409 and changed.json["error"] == "idempotency_conflict"
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 2


def test_import_refuses_another_agencys_procedure_a_missing_channel_and_a_future_time(client, world):
    headers = bearer(world["other_token"]) | {"Idempotency-Key": "X-1"}
    theirs = client.post("/api/v1/agency/dossiers", json=_import_body(world), headers=headers)
    assert theirs.status_code == 422 and "procedure" in theirs.json["details"]
    headers = bearer(world["token"]) | {"Idempotency-Key": "X-2"}
    body = _import_body(world)
    without = {k: v for k, v in body.items() if k != "channel"}
    no_channel = client.post("/api/v1/agency/dossiers", json=without, headers=headers)
    assert no_channel.status_code == 422 and "channel" in no_channel.json["details"]
    future = (date.today() + timedelta(days=3)).isoformat() + "T08:00:00+07:00"
    later = client.post("/api/v1/agency/dossiers", json=body | {"received_at": future}, headers=headers)
    assert later.status_code == 422 and "received_at" in later.json["details"]
    naive = client.post("/api/v1/agency/dossiers", json=body | {"received_at": "2026-01-01T08:00:00"},
                        headers=headers)
    assert naive.status_code == 422
    read_only = client.post("/api/v1/agency/dossiers", json=body,
                            headers=bearer(world["read_token"]) | {"Idempotency-Key": "X-3"})
    assert read_only.status_code == 403
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 1


def test_the_centres_token_acts_as_its_counter_on_every_dossier(client, world):
    centre = Agency(code="000.00.00.H40", name="Trung tâm Phục vụ hành chính công", is_centre=True)
    db.session.add(centre)
    db.session.commit()
    from tests.factories import make_dossier
    fresh = make_dossier(world["proc"])
    accepted = act(client, world, {"action": "accept", "version": fresh.version}, token=token_for(centre),
                   code=fresh.code)
    assert accepted.status_code == 200 and accepted.json["status"] == 2


def test_the_openapi_document_describes_the_department_api(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/agency/dossiers/changes", "/api/v1/agency/dossiers/{code}",
                 "/api/v1/agency/dossiers/{code}/documents/{document_id}",
                 "/api/v1/agency/dossiers/{code}/transitions", "/api/v1/agency/dossiers"):
        assert path in spec["paths"]
    assert spec["components"]["securitySchemes"]["agencyToken"]["scheme"] == "bearer"
    assert "action" in spec["components"]["schemas"]["AgencyTransition"]["properties"]


def test_twins_with_one_key_act_once_and_answer_alike(app, world, is_postgres):
    """The same request sent six times at once (a retrying client): one transition, one answer."""
    if not is_postgres:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite has one writer at a time")
    import threading
    dossier, token = world["dossier"], world["token"]
    body, answers = {"action": "request_payment", "version": dossier.version}, []
    barrier = threading.Barrier(6)

    def send():
        api = app.test_client()
        barrier.wait()
        r = api.post(f"/api/v1/agency/dossiers/{dossier.code}/transitions", json=body,
                     headers=bearer(token) | {"Idempotency-Key": "twin-1"})
        answers.append((r.status_code, r.json))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [s for s, _b in answers] == [200] * 6, answers
    assert len({str(b) for _s, b in answers}) == 1
    events = db.session.execute(db.select(db.func.count()).select_from(StatusEvent)
                                .filter_by(dossier_id=dossier.id, to_status=6)).scalar_one()
    assert events == 1 and reload(dossier).status == Status.AWAITING_PAYMENT


ENGLISH = ("Field", "field", "Not a valid", "Invalid", "Unknown", "Missing", "Length", "Must be")
ODD_VALUES = [None, [], {}, "", "x" * 5000, 2**63, -1, True, 1.5, ["a", 1]]


@pytest.mark.parametrize("field", ["action", "version", "note", "items", "deadline", "results",
                                   "return_method", "new_date"])
def test_odd_values_in_any_transition_field_answer_in_vietnamese_and_change_nothing(client, world, field):
    for value in ODD_VALUES:
        body = {"action": "request_payment", "version": world["dossier"].version} | {field: value}
        r = act(client, world, body, key=f"odd-{field}")
        assert r.status_code in (200, 403, 409, 412, 422) or r.json["error"] == "invalid_json", (field, value)
        if r.status_code == 422:
            messages = " ".join(m for msgs in r.json["details"].values() for m in msgs)
            assert not any(word in messages for word in ENGLISH), (field, value, messages)
        if r.status_code == 200:  # a harmless value (a note, an empty list): undo for the next one
            db.session.expire_all()
            return


@pytest.mark.parametrize("field", ["channel", "received_at", "procedure", "applicant", "documents", "fields"])
def test_odd_values_in_an_import_answer_in_vietnamese_and_make_nothing(client, world, field):
    body = _import_body(world)
    for n, value in enumerate(ODD_VALUES):
        r = client.post("/api/v1/agency/dossiers", json=body | {field: value},
                        headers=bearer(world["token"]) | {"Idempotency-Key": f"odd-{field}-{n}"})
        assert r.status_code in (201, 409, 422) or r.json["error"] == "invalid_json", (field, value, r.json)
        if r.status_code == 422:
            messages = " ".join(m for msgs in r.json["details"].values() for m in msgs)
            assert not any(word in messages for word in ENGLISH), (field, value, messages)
