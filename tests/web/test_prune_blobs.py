"""`flask prune-blobs`: blobs no document names go after the grace period, row and file; a
device naming one at that moment uploads it again and nothing is lost."""

import threading
from datetime import timedelta

import pytest
from PIL import Image

from app.extensions import db
from app.lib.time import utcnow
from app.models import Blob, Dossier
from app.services.dossiers import submissions
from app.services.files import blobs
from app.services.files import prune as blob_prune
from tests.factories import jpeg_bytes, make_procedure, manifest, new_key, pdf_bytes, sha
from tests.helpers import post_dossier, put_blob

GPS_IFD = 0x8825


def age(data: bytes, days: int) -> None:
    """Make the blob of `data` look uploaded `days` ago."""
    db.session.execute(db.update(Blob).where(Blob.sha256 == sha(data))
                       .values(created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def stored(data: bytes) -> tuple[bool, bool]:
    """(row exists, file exists) for the blob of `data`."""
    db.session.expire_all()
    blob = db.session.get(Blob, sha(data))
    return blob is not None, blobs.store().has(blob.storage_key if blob else sha(data))


@pytest.fixture
def world(client, ctx):
    """A dossier naming two old blobs; an old blob nobody names; a recent one nobody names."""
    proc = make_procedure()
    named = [jpeg_bytes(color=(1, 2, 3)), jpeg_bytes(color=(4, 5, 6))]
    old, recent = jpeg_bytes(color=(7, 8, 9)), pdf_bytes("bo do")
    for data in [*named, old, recent]:
        assert put_blob(client, data).status_code == 201
    assert post_dossier(client, manifest(proc, [(0, named[0]), (1, named[1])]), new_key()).status_code == 201
    for data in [*named, old]:
        age(data, 40)
    age(recent, 5)
    return {"proc": proc, "named": named, "old": old, "recent": recent}


def test_dry_run_says_what_would_go_and_removes_nothing(runner, world):
    result = runner.invoke(args=["prune-blobs"])
    assert result.exit_code == 0, result.output
    assert "1 blobs (1 KB) named by no document, older than 30 days" in result.output
    assert "dry run: nothing removed" in result.output
    for data in [*world["named"], world["old"], world["recent"]]:
        assert stored(data) == (True, True)


def test_apply_removes_old_unnamed_blob_row_and_file_only(runner, world):
    result = runner.invoke(args=["prune-blobs", "--apply"])
    assert result.exit_code == 0, result.output
    assert "removed 1 blobs and 1 files; 0 named by a dossier meanwhile, kept" in result.output
    assert stored(world["old"]) == (False, False)
    assert stored(world["recent"]) == (True, True)  # within the grace period
    for data in world["named"]:
        assert stored(data) == (True, True)
    [dossier] = db.session.execute(db.select(Dossier)).scalars().all()
    assert all(blobs.store().has(blobs.get_blob(d.sha256).storage_key) for d in dossier.documents)

    again = runner.invoke(args=["prune-blobs", "--apply"])
    assert "0 blobs" in again.output and "removed 0 blobs" in again.output


def test_grace_period_from_config_or_option_never_under_a_day(runner, app, world):
    app.config["BLOB_GRACE_DAYS"] = 3
    assert "2 blobs" in runner.invoke(args=["prune-blobs"]).output  # the 5-day-old one too
    assert "1 blobs" in runner.invoke(args=["prune-blobs", "--days", "10"]).output
    refused = runner.invoke(args=["prune-blobs", "--apply", "--days", "0"])
    assert refused.exit_code == 2 and "at least 1 day" in refused.output
    assert stored(world["old"]) == (True, True) and stored(world["recent"]) == (True, True)


def test_a_device_naming_a_pruned_blob_uploads_it_again(client, runner, world):
    """Its files went up over a month ago, the manifest only now: it is asked for them again."""
    assert runner.invoke(args=["prune-blobs", "--apply"]).exit_code == 0
    body, key = manifest(world["proc"], [(0, world["old"]), (1, world["named"][0])]), new_key()
    refused = post_dossier(client, body, key)
    assert refused.status_code == 409 and refused.json["error"] == "blobs_missing"
    assert refused.json["details"]["missing"] == [sha(world["old"])]
    assert put_blob(client, world["old"]).status_code == 201
    created = post_dossier(client, body, key)
    assert created.status_code == 201
    assert stored(world["old"]) == (True, True)


def test_a_file_two_blobs_share_stays_while_one_of_them_is_named(client, runner, ctx):
    """A photo sent with its location and the same photo without: one stored file."""
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (10.0, 32.0, 10.0)})
    with_gps = jpeg_bytes(color=(9, 9, 9), exif=exif)
    assert put_blob(client, with_gps).status_code == 201
    key = blobs.get_blob(sha(with_gps)).storage_key
    without = blobs.store().read(key)  # what the server kept: the same photo, no location
    assert sha(without) == key != sha(with_gps)
    assert put_blob(client, without).status_code == 201
    proc = make_procedure()
    other = jpeg_bytes(color=(8, 8, 8))
    assert put_blob(client, other).status_code == 201
    assert post_dossier(client, manifest(proc, [(0, without), (1, other)]), new_key()).status_code == 201
    age(with_gps, 40)
    age(without, 40)
    result = runner.invoke(args=["prune-blobs", "--apply"])
    assert "removed 1 blobs and 0 files" in result.output
    assert db.session.get(Blob, sha(with_gps)) is None
    assert blobs.store().has(key)


def test_a_dossier_naming_it_after_the_listing_keeps_it(client, world, monkeypatch):
    remove = blob_prune._remove

    def named_meanwhile(sha256, key, cutoff, result):
        body = manifest(world["proc"], [(0, world["old"]), (1, world["named"][1])])
        assert post_dossier(client, body, new_key()).status_code == 201
        remove(sha256, key, cutoff, result)

    monkeypatch.setattr(blob_prune, "_remove", named_meanwhile)
    result = blob_prune.prune_blobs(30, apply=True)
    assert (result.rows, result.files, result.in_use) == (0, 0, 1)
    assert stored(world["old"]) == (True, True)


def test_a_dossier_racing_the_delete_is_asked_for_the_file_again(app, client, world, monkeypatch):
    """The manifest is checked while the prune holds the deleted row: 409, never a document
    without its file (both databases; the foreign key decides)."""
    checked, answers = threading.Event(), []
    check = submissions._check_blobs

    def check_then_signal(*args):
        found = check(*args)
        checked.set()
        return found

    body = manifest(world["proc"], [(0, world["old"]), (1, world["named"][0])])

    def submit():
        with app.test_client() as other:  # the uploader's browser: its own files (files/claims.py)
            other.set_cookie("session", client.get_cookie("session").value)
            answers.append(post_dossier(other, body, new_key()))

    class RacingStore:
        """The configured store, with a dossier sent while the row's delete is uncommitted."""

        def __init__(self, real):
            self.real = real

        def delete(self, key):
            racer.start()
            assert checked.wait(10), "the submission never got past its blob check"
            self.real.delete(key)

    racer = threading.Thread(target=submit)
    monkeypatch.setattr(submissions, "_check_blobs", check_then_signal)
    monkeypatch.setattr(blob_prune, "store", lambda: RacingStore(blobs.store()))
    result = blob_prune.prune_blobs(30, apply=True)
    racer.join(30)
    assert (result.rows, result.files) == (1, 1)
    [answer] = answers
    assert answer.status_code == 409 and answer.json["error"] == "blobs_missing", answer.json
    assert answer.json["details"]["missing"] == [sha(world["old"])]
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 1
