"""The change feed: every change once, in commit order, per agency; cursors and limits checked."""

import base64
import threading
import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.lib.time import local_today
from app.models import Dossier, DossierChange, Procedure, Status
from app.schemas.agency import DossierItemSchema
from app.services import workflow
from app.services.dossiers import supplements
from tests.agency_helpers import RECEPTION, bearer, department, officer_of, processing, token_for
from tests.factories import jpeg_bytes, make_dossier, sha
from tests.helpers import put_blob

FEED = "/api/v1/agency/dossiers/changes"



def follow(client, token: str, after: str | None = None, limit: int = 2) -> tuple[list[dict], str]:
    """Read the feed page by page until it has nothing more; return the items and the last cursor."""
    items = []
    while True:
        query = {"limit": limit} | ({"after": after} if after else {})
        page = client.get(FEED, query_string=query, headers=bearer(token))
        assert page.status_code == 200, page.json
        items += page.json["items"]
        assert page.json["next_cursor"]
        after = page.json["next_cursor"]
        if not page.json["has_more"]:
            return items, after


def test_following_the_feed_sees_each_dossier_of_the_agency_once_in_order(client, ctx):
    agency, proc = department()
    _other, other_proc = department("000.02.00.H40", "Sở Xây dựng", "1.009999")
    mine = [make_dossier(proc).code for _ in range(5)]
    make_dossier(other_proc)
    token = token_for(agency, "read")
    items, cursor = follow(client, token)
    assert [i["code"] for i in items] == mine
    seqs = [i["change_seq"] for i in items]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    # Nothing new: the same cursor comes back, and an empty page.
    again = client.get(FEED, query_string={"after": cursor}, headers=bearer(token)).json
    assert again == {"items": [], "next_cursor": cursor, "has_more": False}


def test_a_change_brings_the_dossier_back_after_the_cursor_with_its_new_version(client, ctx):
    agency, proc = department()
    token = token_for(agency, "read")
    first, second = processing(proc), processing(proc)
    _items, cursor = follow(client, token)
    workflow.request_payment(first, officer_of(agency), version=first.version)
    items, cursor = follow(client, token, cursor)
    assert [(i["code"], i["status"], i["version"]) for i in items] == [(first.code, 6, 4)]
    # A supplement answered (documents added, status back) is a change too.
    workflow.request_supplement(second, officer_of(agency), "Tờ khai", local_today() + timedelta(days=5),
                                version=second.version)
    extra = jpeg_bytes(color=(7, 7, 7))
    put_blob(client, extra)
    answer = {"documents": [{"sha256": sha(extra), "name": "b.jpg"}]}
    supplements.answer(db.session.get(Dossier, second.id), answer, "0b7a7b1e-0000-4000-8000-000000000002",
                       RECEPTION)
    items, _cursor = follow(client, token, cursor)
    assert [(i["code"], i["status"]) for i in items] == [(second.code, 4)]
    assert [d["round"] for d in items[0]["documents"]][-1] == "supplement-1"


def test_items_carry_what_the_schema_describes(client, ctx):
    agency, proc = department()
    processing(proc)
    item = follow(client, token_for(agency, "read"))[0][0]
    described = {f.data_key or name for name, f in DossierItemSchema().fields.items()} - {"timeline"}
    assert set(item) == described
    assert set(item["applicant"]) == {"kind", "name", "id_number", "phone", "address"}
    assert item["channel"] == "online" and item["procedure"]["code"] == proc.code
    assert item["documents"][0]["url"].endswith(f"/documents/{item['documents'][0]['id']}")
    assert DossierItemSchema().validate(item | {"fields": {}}) == {}


def test_dossiers_changed_in_one_commit_get_consecutive_numbers(ctx):
    _agency, proc = department()
    a, b = make_dossier(proc), make_dossier(proc)
    officer = RECEPTION
    workflow.postal_step(a, officer, "Đã gửi", commit=False)
    workflow.postal_step(b, officer, "Đã gửi", commit=False)
    db.session.commit()
    seqs = dict(db.session.execute(db.select(DossierChange.dossier_id, DossierChange.seq)).all())
    assert seqs[b.id] == seqs[a.id] + 1 and seqs[a.id] == max(seqs.values()) - 1


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("after", ["abc", "!!!", "é", "A" * 100, _b64("c1.-1"), _b64("c1.01"), _b64("c2.5"),
                                   _b64("c1.99999999999999999999"), _b64("c1.9223372036854775808"), "%00"])
def test_a_malformed_cursor_is_400_in_vietnamese(client, ctx, after):
    agency, _proc = department()
    r = client.get(FEED, query_string={"after": after}, headers=bearer(token_for(agency, "read")))
    assert r.status_code == 400 and r.json["error"] == "invalid_cursor"
    assert "next_cursor" in r.json["message"] and r.json["message"].startswith("Con trỏ")


@pytest.mark.parametrize("limit", ["0", "501", "x", "-1", "99999999999999999999999", "1.5"])
def test_a_limit_out_of_bounds_is_400(client, ctx, limit):
    agency, _proc = department()
    r = client.get(FEED, query_string={"limit": limit}, headers=bearer(token_for(agency, "read")))
    assert r.status_code == 400 and r.json["error"] == "invalid_parameter" and "limit" in r.json["details"]


def test_the_feed_needs_a_read_token(client, ctx):
    agency, _proc = department()
    assert client.get(FEED).status_code == 401
    assert client.get(FEED, headers=bearer(token_for(agency, "write"))).status_code == 403


def test_feed_exactly_once_while_others_write(app, is_postgres):
    """Writers move dossiers and file new ones while a reader follows the feed.

    Each time the reader has caught up, it must hold at least every version that was committed
    before it started catching up (a change numbered below its cursor but committed after it
    passed would be missed for good); at the end its view equals the database.
    """
    if not is_postgres:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite has one writer at a time")
    with app.app_context():
        agency, proc = department()
        ids = [processing(proc).id for _ in range(24)]
        token, officer, agency_id, proc_id = token_for(agency, "read"), officer_of(agency), agency.id, proc.id
        db.session.remove()
    done, errors, behind = threading.Event(), [], []

    def versions() -> dict[str, int]:
        with app.app_context():
            try:
                return dict(db.session.execute(db.select(Dossier.code, Dossier.version)
                                               .filter_by(agency_id=agency_id)).all())
            finally:
                db.session.remove()

    def writer(mine: list[int]) -> None:
        with app.app_context():
            try:
                for round_ in range(6):
                    for dossier_id in mine:
                        dossier = db.session.get(Dossier, dossier_id)
                        step = workflow.request_payment if dossier.status == Status.PROCESSING \
                            else workflow.confirm_payment
                        step(dossier, officer, f"vòng {round_}", version=dossier.version)
                        db.session.expire_all()
                    make_dossier(db.session.get(Procedure, proc_id))
            except Exception as exc:  # noqa: BLE001  (reported below, not swallowed)
                errors.append(exc)
            finally:
                db.session.remove()

    seen: list[tuple[str, int, int]] = []
    last: dict[str, int] = {}

    def reader() -> None:
        api, after = app.test_client(), None
        while True:
            finished = done.is_set()  # read before catching up: the last round sees everything
            committed = versions()
            while True:
                page = api.get(FEED, query_string={"limit": 50} | ({"after": after} if after else {}),
                               headers=bearer(token)).json
                for item in page["items"]:
                    seen.append((item["code"], item["version"], item["change_seq"]))
                    last[item["code"]] = item["version"]
                after = page["next_cursor"]
                if not page["has_more"]:
                    break
            behind.extend((code, v, last.get(code)) for code, v in committed.items() if last.get(code, 0) < v)
            if finished:
                return
            time.sleep(0.002)  # leave the writers the CPU (two cores in CI)

    threads = [threading.Thread(target=writer, args=(ids[i::4],)) for i in range(4)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    done.set()
    watcher.join(timeout=300)
    assert not errors, errors
    assert not behind, f"changes committed before the reader caught up but never seen: {behind[:5]}"
    seqs = [s for _c, _v, s in seen]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), "out of order or twice in one pass"
    assert len({(c, v) for c, v, _s in seen}) == len(seen), "a version seen twice"
    truth = versions()
    assert last == truth
    assert len(truth) == 24 + 4 * 6 and len(seen) > len(truth)


def test_a_savepoint_rolled_back_leaves_no_change_behind(ctx):
    """A race lost inside a savepoint (services/idempotency.py) must not number what it undid."""
    _agency, proc = department()
    kept, undone = make_dossier(proc), make_dossier(proc)
    before = dict(db.session.execute(db.select(DossierChange.dossier_id, DossierChange.seq)).all())
    savepoint = db.session.begin_nested()
    workflow.postal_step(undone, RECEPTION, "Đã gửi", commit=False)
    db.session.flush()
    savepoint.rollback()
    workflow.postal_step(kept, RECEPTION, "Đã gửi", commit=False)
    db.session.commit()
    after = dict(db.session.execute(db.select(DossierChange.dossier_id, DossierChange.seq)).all())
    assert after[undone.id] == before[undone.id]
    assert after[kept.id] == max(after.values()) > before[kept.id]


def test_a_new_dossier_undone_by_its_savepoint_is_not_numbered(ctx):
    from app.services.integration.changes import changed
    _agency, proc = department()
    first = make_dossier(proc)
    savepoint = db.session.begin_nested()
    ghost = Dossier(client_id="00000000-0000-4000-8000-00000000abcd", payload_hash="x", code="GHOST-1",
                    procedure_id=proc.id, agency_id=proc.agency_id, applicant_name="A",
                    applicant_id_number="1", applicant_phone="1", applicant_address="x")
    db.session.add(ghost)
    db.session.flush()
    changed(ghost, "dossier.created")
    savepoint.rollback()
    workflow.postal_step(first, RECEPTION, "Đã gửi", commit=False)
    db.session.commit()  # would fail on the foreign key if the ghost were numbered
    assert db.session.execute(db.select(db.func.count()).select_from(DossierChange)).scalar_one() == 1
