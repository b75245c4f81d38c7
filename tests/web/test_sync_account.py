"""A dossier queued while signed in lands in that account, or waits for the person to sign in."""

from app.extensions import db
from app.models import Dossier
from tests.factories import jpeg_bytes, make_procedure, make_user, manifest, new_key, pdf_bytes
from tests.helpers import fresh_client, post_dossier, put_blob, sign_in


def _queued_body(client, account_id):
    proc = make_procedure()
    a, b = jpeg_bytes(color=(10, 20, 30)), pdf_bytes("giấy khai sinh")
    put_blob(client, a)
    put_blob(client, b)
    return manifest(proc, [(0, a), (1, b)]) | {"account": account_id}


def test_replay_after_the_session_ended_asks_to_sign_in_and_changes_nothing(app, ctx):
    user = make_user(role="citizen", email="an@example.vn")
    client = fresh_client(app)
    body, key = _queued_body(client, user.id), new_key()

    refused = post_dossier(client, body, key)  # nobody signed in any more
    assert refused.status_code == 401 and refused.json["error"] == "signin_required"
    assert "đăng nhập lại" in refused.json["message"]
    assert db.session.execute(db.select(Dossier)).first() is None

    other = make_user(role="citizen", email="binh@example.vn")
    sign_in(client, other)  # someone else on the same phone: still not theirs to file
    assert post_dossier(client, body, key).status_code == 401
    assert db.session.execute(db.select(Dossier)).first() is None


def test_signed_in_again_the_same_key_files_it_once_in_that_account(app, ctx):
    user = make_user(role="citizen", email="an@example.vn")
    client = fresh_client(app)
    body, key = _queued_body(client, user.id), new_key()
    assert post_dossier(client, body, key).status_code == 401

    sign_in(client, user)  # a fresh session: the outbox is told to send the files again, and does
    missing = post_dossier(client, body, key)
    assert missing.status_code == 409 and missing.json["error"] == "blobs_missing"
    for data in (jpeg_bytes(color=(10, 20, 30)), pdf_bytes("giấy khai sinh")):
        assert put_blob(client, data).status_code == 201
    created = post_dossier(client, body, key)
    replay = post_dossier(client, body, key)
    assert (created.status_code, replay.status_code) == (201, 200)
    assert created.json["code"] == replay.json["code"]
    [owner] = db.session.execute(db.select(Dossier.owner_id)).scalars().all()
    assert owner == user.id


def test_a_dossier_queued_without_an_account_needs_none(app, ctx):
    client = fresh_client(app)
    body = _queued_body(client, None)
    body.pop("account")
    response = post_dossier(client, body, new_key())
    assert response.status_code == 201
    assert db.session.execute(db.select(Dossier.owner_id)).scalar_one() is None
