"""A blob is held for a sender only if that sender uploaded it (services/files/claims.py).

Blobs are shared by content, so a second browser holding a copy of somebody's ID-card photo must
learn nothing about it: GET, PUT's status and a dossier's or supplement's `blobs_missing` answer
it exactly as for a hash nobody ever sent. The uploader still hears it holds its files; items
queued before claims existed go through once, after one `blobs_missing`; the department API
holds what its agency's token sent; pruning takes the claims with their blob.
"""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.lib.time import utcnow
from app.models import Blob, Document, Dossier
from app.models.blob import BlobClaim
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token
from app.services.files import blobs, claims, uploads
from app.services.files import prune as blob_prune
from app.services.files.blobs import FolderStore
from tests.agency_helpers import bearer, department, processing, token_for
from tests.factories import (
    jpeg_bytes,
    make_dossier,
    make_procedure,
    make_user,
    manifest,
    new_key,
    pdf_bytes,
    sha,
)
from tests.helpers import fresh_client, post_dossier, put_blob, sign_in

# Headers that differ between any two answers, whatever they say.
VARYING = {"date", "x-request-id"}


def same_answer(one, other, swap: dict[str, str] | None = None) -> None:
    """Assert two answers are the same: status, headers and body (hashes in `swap` read as their pair)."""
    text = one.get_data(as_text=True)
    for mine, theirs in (swap or {}).items():
        text = text.replace(mine, theirs)
    assert one.status_code == other.status_code
    assert json.loads(text) == other.json
    assert ({k: v for k, v in one.headers if k.lower() not in VARYING}
            == {k: v for k, v in other.headers if k.lower() not in VARYING})


def claim_count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(BlobClaim)).scalar_one()


def dossier_count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one()


@pytest.fixture
def browsers(app, ctx):
    """The browser that sent a photo, and another one that has a copy of it."""
    uploader, stranger = fresh_client(app), fresh_client(app)
    photo = jpeg_bytes(color=(12, 34, 56))
    assert put_blob(uploader, photo).status_code == 201
    # A browser that has been here before: its session named and settled (the first answers to a
    # browser write its cookie, whatever they say), so the answers below can be compared whole.
    stranger.get("/")
    put_blob(stranger, pdf_bytes("giay to cua nguoi la"))
    post_dossier(stranger, {}, new_key())
    return uploader, stranger, photo


def test_get_tells_a_second_browser_what_it_tells_for_a_hash_nobody_sent(browsers):
    uploader, stranger, photo = browsers
    assert uploader.get(f"/api/v1/blobs/{sha(photo)}").status_code == 200
    theirs = stranger.get(f"/api/v1/blobs/{sha(photo)}")
    never = stranger.get(f"/api/v1/blobs/{sha(b'nobody ever sent this')}")
    assert theirs.status_code == 404
    same_answer(theirs, never)
    newcomer = fresh_client(uploader.application)  # no session at all
    same_answer(newcomer.get(f"/api/v1/blobs/{sha(photo)}"), newcomer.get(f"/api/v1/blobs/{sha(b'never')}"))


def test_put_answers_a_second_browser_as_for_a_file_nobody_sent_and_does_the_same_work(
        app, browsers, monkeypatch):
    uploader, stranger, _photo = browsers
    sent, never = jpeg_bytes(color=(50, 60, 70)), jpeg_bytes(color=(99, 1, 1))
    first_ever = put_blob(uploader, sent)  # what anybody hears for a file nobody sent before
    work = {"inspect": 0, "write": 0}
    inspect = uploads.inspect

    def counted(*args, **kw):
        work["inspect"] += 1
        return inspect(*args, **kw)

    monkeypatch.setattr(blobs, "inspect", counted)
    if isinstance(blobs.store(), FolderStore):  # each file written in full: os.replace onto its name
        replace = blobs.os.replace
        monkeypatch.setattr(blobs.os, "replace", lambda *a: (work.__setitem__("write", work["write"] + 1),
                                                             replace(*a))[1])
    theirs = put_blob(stranger, sent)
    work_theirs = dict(work)
    nobody = put_blob(stranger, never)
    work_nobody = {k: work[k] - work_theirs[k] for k in work}
    assert theirs.status_code == first_ever.status_code == nobody.status_code == 201
    assert theirs.json == first_ever.json
    assert theirs.json == {"sha256": sha(sent), "size": len(sent), "media_type": "image/jpeg"}
    assert set(theirs.headers.keys()) == set(nobody.headers.keys())
    assert work_theirs == work_nobody and work_nobody["inspect"] == 1
    assert work_nobody["write"] == (1 if isinstance(blobs.store(), FolderStore) else 0)
    assert put_blob(stranger, sent).status_code == 200  # now it is the stranger's own upload too


def test_the_uploader_still_hears_it_holds_its_files(browsers):
    uploader, _stranger, photo = browsers
    again = put_blob(uploader, photo)
    assert again.status_code == 200
    assert again.json == {"sha256": sha(photo), "size": len(photo), "media_type": "image/jpeg"}
    assert uploader.get(f"/api/v1/blobs/{sha(photo)}").json["sha256"] == sha(photo)
    assert db.session.execute(db.select(db.func.count()).select_from(BlobClaim)
                              .filter_by(sha256=sha(photo))).scalar_one() == 1


def test_a_dossier_naming_anothers_files_is_told_what_a_never_sent_one_is(browsers):
    uploader, stranger, photo = browsers
    proc = make_procedure()
    form = pdf_bytes("to khai cua An")
    assert put_blob(uploader, form).status_code == 201
    theirs = post_dossier(stranger, manifest(proc, [(0, photo), (1, form)]), new_key())
    fake_photo, fake_form = jpeg_bytes(color=(1, 1, 1)), pdf_bytes("chua ai gui")
    never = post_dossier(stranger, manifest(proc, [(0, fake_photo), (1, fake_form)]), new_key())
    assert theirs.status_code == 409 and theirs.json["error"] == "blobs_missing"
    assert theirs.json["details"]["missing"] == sorted([sha(photo), sha(form)])
    # Sorted lists: swap so that each hash takes the place its stand-in has in the other list.
    pairs = dict(zip(sorted([sha(photo), sha(form)]), sorted([sha(fake_photo), sha(fake_form)]), strict=True))
    same_answer(theirs, never, pairs)
    assert dossier_count() == 0

    for data in (photo, form):  # a person with the files themselves files as anybody does
        assert put_blob(stranger, data).status_code == 201
    assert post_dossier(stranger, manifest(proc, [(0, photo), (1, form)]), new_key()).status_code == 201
    assert post_dossier(uploader, manifest(proc, [(0, photo), (1, form)]), new_key()).status_code == 201
    assert dossier_count() == 2


def test_a_supplement_naming_anothers_file_is_told_what_a_never_sent_one_is(app, browsers):
    uploader, stranger, photo = browsers
    officer = Actor.of(make_user("reception"))
    dossier = make_dossier(make_procedure())
    workflow.accept(dossier, officer)
    workflow.request_supplement(dossier, officer, "Ảnh chân dung", date(2099, 1, 1))
    code, token = dossier.code, access_token(dossier)

    def answer(client, data):
        return client.post(f"/api/v1/dossiers/{code}/supplements", headers={"Idempotency-Key": new_key()},
                           json={"token": token, "documents": [{"sha256": sha(data), "name": "anh.jpg"}]})

    theirs, fake = answer(stranger, photo), jpeg_bytes(color=(2, 2, 2))
    assert theirs.status_code == 409 and theirs.json["details"] == {"missing": [sha(photo)]}
    same_answer(theirs, answer(stranger, fake), {sha(photo): sha(fake)})
    assert answer(uploader, photo).status_code == 201


def test_an_account_holds_what_it_sent_from_any_of_its_browsers(app, ctx):
    an, binh = make_user("citizen", email="an@example.vn"), make_user("citizen", email="binh@example.vn")
    phone, laptop, other = fresh_client(app), fresh_client(app), fresh_client(app)
    for client, user in ((phone, an), (laptop, an), (other, binh)):
        sign_in(client, user)
    photo, form = jpeg_bytes(color=(7, 7, 7)), pdf_bytes("giay to cua An")
    for data in (photo, form):
        assert put_blob(phone, data).status_code == 201
    assert laptop.get(f"/api/v1/blobs/{sha(photo)}").status_code == 200
    assert put_blob(laptop, photo).status_code == 200  # An sent it before
    assert other.get(f"/api/v1/blobs/{sha(photo)}").status_code == 404
    body = manifest(make_procedure(), [(0, photo), (1, form)])
    assert post_dossier(other, body, new_key()).json["details"]["missing"] == sorted([sha(photo), sha(form)])
    assert post_dossier(laptop, body, new_key()).status_code == 201


def test_an_item_queued_before_claims_existed_goes_through_once(app, ctx):
    """Files uploaded before this change have no claim: the outbox is told they are missing once,
    sends them again from the device, then files the dossier; its replay is the same dossier."""
    phone = fresh_client(app)
    photo, form = jpeg_bytes(color=(3, 3, 3)), pdf_bytes("to khai cu")
    item = {"key": new_key(), "body": manifest(make_procedure(), [(0, photo), (1, form)]),
            "blobs": [{"bytes": photo, "sent": False}, {"bytes": form, "sent": False}]}
    for blob in item["blobs"]:
        assert put_blob(phone, blob["bytes"]).status_code == 201
        blob["sent"] = True
    db.session.execute(db.delete(BlobClaim))  # as the migration leaves them: rows and files, no claim
    db.session.commit()

    answers = send_like_the_outbox(phone, item)
    assert [a.status_code for a in answers] == [409, 201, 201, 201]  # missing, both files, filed
    assert answers[0].json["details"]["missing"] == sorted([sha(photo), sha(form)])
    replay = post_dossier(phone, item["body"], item["key"])  # the answer lost: sent again
    assert replay.status_code == 200 and replay.json["code"] == answers[-1].json["code"]
    assert dossier_count() == 1
    [dossier] = db.session.execute(db.select(Dossier)).scalars().all()
    assert sorted(d.sha256 for d in dossier.documents) == sorted([sha(photo), sha(form)])
    assert all(blobs.store().has(blobs.get_blob(d.sha256).storage_key) for d in dossier.documents)
    assert db.session.execute(db.select(db.func.count()).select_from(Blob)).scalar_one() == 2


def send_like_the_outbox(client, item) -> list:
    """What static/js/send.js does: files not yet sent, then the JSON; on blobs_missing, those
    files again (at most three rounds). Returns every answer."""
    answers = []
    for _round in range(3):
        for blob in (b for b in item["blobs"] if not b["sent"]):
            answers.append(put_blob(client, blob["bytes"]))
            assert answers[-1].status_code in (200, 201)
            blob["sent"] = True
        answers.append(post_dossier(client, item["body"], item["key"]))
        if answers[-1].status_code != 409 or answers[-1].json["error"] != "blobs_missing":
            return answers
        for blob in item["blobs"]:
            blob["sent"] = blob["sent"] and sha(blob["bytes"]) not in answers[-1].json["details"]["missing"]
    return answers


@pytest.fixture
def agencies(ctx):
    agency, proc = department()
    other, _proc = department("000.02.00.H40", "Sở Xây dựng", "1.009999")
    return {"dossier": processing(proc), "token": token_for(agency), "other": token_for(other),
            "read": token_for(agency, "read")}


def test_the_department_api_holds_what_its_agency_uploaded_with_its_token(app, agencies):
    client, result = fresh_client(app), pdf_bytes("ket qua")
    url = f"/api/v1/blobs/{sha(result)}"
    assert put_blob(client, result, headers=bearer(agencies["token"])).status_code == 201
    assert put_blob(client, result, headers=bearer(agencies["token"])).status_code == 200
    assert client.get(url, headers=bearer(agencies["read"])).status_code == 200  # any token of the agency
    never = client.get(f"/api/v1/blobs/{sha(b'x')}", headers=bearer(agencies["other"]))
    same_answer(client.get(url, headers=bearer(agencies["other"])), never)
    assert client.get(url).status_code == 404  # the browser is not the agency

    dossier = agencies["dossier"]
    resolve = {"action": "resolve", "return_method": "counter", "version": dossier.version,
               "results": [{"sha256": sha(result), "name": "ket-qua.pdf"}]}
    theirs = fresh_client(app).post(f"/api/v1/agency/dossiers/{dossier.code}/transitions", json=resolve,
                                    headers=bearer(agencies["other"]) | {"Idempotency-Key": "o-1"})
    assert theirs.status_code == 404  # another agency's dossier: as before
    browser_only = pdf_bytes("ket qua tu trinh duyet")
    assert put_blob(client, browser_only).status_code == 201  # this client's session, not the agency
    missing = client.post(f"/api/v1/agency/dossiers/{dossier.code}/transitions",
                          json=resolve | {"results": [{"sha256": sha(browser_only), "name": "b.pdf"}]},
                          headers=bearer(agencies["token"]) | {"Idempotency-Key": "k-1"})
    assert missing.status_code == 409 and missing.json["details"] == {"missing": [sha(browser_only)]}
    done = client.post(f"/api/v1/agency/dossiers/{dossier.code}/transitions", json=resolve,
                       headers=bearer(agencies["token"]) | {"Idempotency-Key": "k-2"})
    assert done.status_code == 200 and done.json["status"] == 9


def test_an_import_names_only_files_its_agency_sent(app, agencies):
    client, photo, form = fresh_client(app), jpeg_bytes(color=(5, 6, 7)), pdf_bytes("nhap")
    for data in (photo, form):
        assert put_blob(client, data).status_code == 201  # as a browser
    proc = db.session.get(Dossier, agencies["dossier"].id).procedure
    body = manifest(proc, [(0, photo), (1, form)]) | {"channel": "counter"}
    headers = bearer(agencies["token"]) | {"Idempotency-Key": "HT-1"}
    refused = client.post("/api/v1/agency/dossiers", json=body, headers=headers)
    assert refused.status_code == 409
    assert refused.json["details"]["missing"] == sorted([sha(photo), sha(form)])
    for data in (photo, form):
        assert put_blob(client, data, headers=bearer(agencies["token"])).status_code == 201
    assert client.post("/api/v1/agency/dossiers", json=body, headers=headers).status_code == 201


def test_a_wrong_or_read_only_token_uploads_nothing(app, agencies):
    client, data = fresh_client(app), pdf_bytes("khong duoc luu")
    wrong = put_blob(client, data, headers=bearer("mc_" + "x" * 43))
    assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]
    read_only = put_blob(client, data, headers=bearer(agencies["read"]))
    assert read_only.status_code == 403 and 'scope="write"' in read_only.headers["WWW-Authenticate"]
    assert client.get(f"/api/v1/blobs/{sha(data)}", headers={"Authorization": "Bearer"}).status_code == 401
    assert blobs.get_blob(sha(data)) is None and claim_count() == 0


def test_pruning_takes_the_claims_with_their_blob(runner, browsers):
    uploader, _stranger, photo = browsers
    form = pdf_bytes("trong ho so")
    assert put_blob(uploader, form).status_code == 201
    proc = make_procedure()
    assert put_blob(uploader, jpeg_bytes(color=(8, 8, 8))).status_code == 201
    named = manifest(proc, [(0, jpeg_bytes(color=(8, 8, 8))), (1, form)])
    assert post_dossier(uploader, named, new_key()).status_code == 201
    db.session.execute(db.update(Blob).values(created_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    result = runner.invoke(args=["prune-blobs", "--apply"])
    assert "removed 2 blobs" in result.output, result.output  # the photo, and the stranger's file
    assert blobs.get_blob(sha(photo)) is None
    left = db.session.execute(db.select(BlobClaim.sha256).order_by(BlobClaim.sha256)).scalars().all()
    assert left == sorted(d.sha256 for d in db.session.execute(db.select(Document)).scalars())
    assert uploader.get(f"/api/v1/blobs/{sha(photo)}").status_code == 404
    assert put_blob(uploader, photo).status_code == 201  # sent again: held again


def test_a_claim_written_while_a_prune_removes_the_blob_keeps_it(browsers, monkeypatch):
    """The prune deletes the claims it sees, then the row: a claim that came in between (another
    transaction's, unseen) holds the row through its foreign key, so the blob stays, file and all."""
    _uploader, _stranger, photo = browsers
    db.session.execute(db.update(Blob).values(created_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    execute = db.session.execute

    def claimed_just_after_the_claims_went(statement, *args, **kw):
        answer = execute(statement, *args, **kw)
        if statement.is_dml and statement.is_delete and statement.table.name == "blob_claim":
            claims.claim(sha(photo), "b" * 64)
        return answer

    monkeypatch.setattr(db.session, "execute", claimed_just_after_the_claims_went)
    result = blob_prune.prune_blobs(30, apply=True)
    monkeypatch.undo()
    assert result.in_use == 1 and result.rows == len(result.found) - 1  # the stranger's file went
    db.session.expire_all()
    kept = blobs.get_blob(sha(photo))
    assert kept is not None and blobs.store().has(kept.storage_key)


def test_a_file_removed_between_its_write_and_its_row_is_put_back(app, ctx, monkeypatch):
    """A prune may delete the file just written before the upload writes the row: the upload
    looks again inside its transaction and puts it back, so no row is ever left without its file."""
    real = blobs.store()

    class PrunedMeanwhile:
        def __getattr__(self, name):
            return getattr(real, name)

        def put(self, data, key=None, *, rewrite=False):
            key = real.put(data, key, rewrite=rewrite)
            if rewrite:
                real.delete(key)  # the prune's file delete, right after the write
            return key

    monkeypatch.setattr(blobs, "store", PrunedMeanwhile)
    data, client = jpeg_bytes(color=(4, 4, 4)), fresh_client(app)
    assert put_blob(client, data).status_code == 201
    monkeypatch.undo()
    assert blobs.store().has(blobs.get_blob(sha(data)).storage_key)


def test_a_blob_pruned_between_its_row_and_its_claim_is_written_again(app, ctx, monkeypatch):
    calls = []
    claim = claims.claim

    def fails_once(sha256, holder):
        calls.append(sha256)
        if len(calls) == 1:
            raise IntegrityError("INSERT INTO blob_claim", {}, Exception("FOREIGN KEY constraint failed"))
        return claim(sha256, holder)

    monkeypatch.setattr(claims, "claim", fails_once)
    data, client = pdf_bytes("lan hai"), fresh_client(app)
    assert put_blob(client, data).status_code == 201
    assert len(calls) == 2 and claim_count() == 1
