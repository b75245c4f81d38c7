"""The frozen IndexedDB steps (static/js/migrations.js) keep every record, field for field.

A v1 and a v2 database, shaped as that version's code wrote them (the seeds of
test_storage_upgrade.py and test_shared_phone.py), are opened by the app's store.js alone,
on an app page whose entry point (main.js) is left out: no sending, no sign-in claim. What comes out
is compared with what went in, record by record: only what each step says it changes has
changed (v2: `need`, a v1 sign-in pause becomes "attention"; v3: `owner`, an account's
draft or dossier under its owner's key, the ids in meta "legacy-owners"). File bytes are
compared by their SHA-256.
"""

import copy

import pytest

from tests.browser.test_shared_phone import MAKE_V2
from tests.browser.test_storage_upgrade import MAKE_V1

pytestmark = pytest.mark.browser

# Every record of every store, with each ArrayBuffer (anywhere in it) replaced by its SHA-256.
DUMP = """async () => {
    const db = await new Promise((ok, no) => {
        const r = indexedDB.open('motcua');
        r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const hex = async (b) => 'sha256:' + Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b)),
        (x) => x.toString(16).padStart(2, '0')).join('');
    const plain = async (v) => {
        if (v instanceof ArrayBuffer) return hex(v);
        if (Array.isArray(v)) return Promise.all(v.map(plain));
        if (v && typeof v === 'object') {
            const out = {};
            for (const [k, x] of Object.entries(v)) out[k] = await plain(x);
            return out;
        }
        return v;
    };
    const out = { version: db.version, stores: {} };
    for (const name of [...db.objectStoreNames].sort()) {
        const rows = await new Promise((ok) => {
            const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result); });
        out.stores[name] = await plain(rows);
    }
    db.close();
    return out;
}"""
# The app's own store.js opens (and so upgrades) the database; nothing else of the app runs.
PROCEDURE = "1.000001"  # only a name here: nothing is sent
OPEN = "(async () => { await (await import('/static/js/store.js')).open(); return true; })()"


def upgrade(page, make: str, arg: dict) -> tuple[dict, dict]:
    # An app page (its CSP lets it import the app's modules) without its entry point: nothing
    # of the app runs until the test imports store.js.
    page.route("**/static/js/main.js*", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body="// left out by the test"))
    page.goto("/offline")
    page.evaluate(make, arg)
    before = page.evaluate(DUMP)
    assert page.evaluate(OPEN)
    return before, page.evaluate(DUMP)


def by_key(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def test_a_v1_database_comes_out_of_v2_and_v3_with_every_record_as_it_was(page):
    from tests.factories import jpeg_bytes

    before, after = upgrade(page, MAKE_V1, {"procedure": PROCEDURE, "jpeg": list(jpeg_bytes(64, 48))})
    assert before["version"] == 1 and after["version"] == 3
    assert sorted(after["stores"]) == ["dossiers", "drafts", "meta", "outbox"]

    # What v2 decided for each item (frozen there), and v3's owner: nobody's, as at v1.
    need = {"waiting-1": None, "signin-1": "signin", "refused-1": "fix", "postal-1": "proof", "sent-1": None}
    expected = {}
    for id_, item in by_key(before["stores"]["outbox"], "id").items():
        item = copy.deepcopy(item)
        if item.pop("signin", False):
            item["state"] = "attention"
        expected[id_] = {**item, "need": need[id_], "owner": ""}
    assert by_key(after["stores"]["outbox"], "id") == expected
    assert by_key(after["stores"]["outbox"], "id")["waiting-1"]["blobs"][0]["bytes"].startswith("sha256:")
    for name, key in (("drafts", "key"), ("dossiers", "code")):
        assert by_key(after["stores"][name], key) == {
            k: {**r, "owner": ""} for k, r in by_key(before["stores"][name], key).items()}
    assert after["stores"]["meta"] == before["stores"]["meta"]  # untouched; no account to wait for


def test_a_v2_database_comes_out_of_v3_with_every_record_as_it_was(page):
    from tests.factories import jpeg_bytes, pdf_bytes, sha

    an = 7
    docs = [jpeg_bytes(color=(10, 20, 30)), pdf_bytes("giấy khai sinh")]
    files = [{"sha256": sha(d), "name": f"tep-{n}", "type": "image/jpeg", "size": len(d), "bytes": list(d)}
             for n, d in enumerate(docs)]
    body = {"procedure": PROCEDURE, "applicant": {"name": "Nguyễn Văn An", "phone": "0912345678"},
            "fields": {}, "documents": [{"requirement": 1, "sha256": f["sha256"], "name": f["name"]}
                                        for f in files]}
    mine, anonymous = "2f4f2a7e-0000-4000-8000-00000000000a", "2f4f2a7e-0000-4000-8000-00000000000b"
    before, after = upgrade(page, MAKE_V2, {"procedure": PROCEDURE, "an": an, "files": files,
                                            "mine": {"id": mine, "body": body},
                                            "anonymous": {"id": anonymous, "body": body}})
    assert before["version"] == 2 and after["version"] == 3
    theirs = f"?{an}"

    owners = {anonymous: "", mine: theirs, "an-fix": theirs, "an-sent": theirs}
    assert by_key(after["stores"]["outbox"], "id") == {
        id_: {**item, "owner": owners[id_]} for id_, item in by_key(before["stores"]["outbox"], "id").items()}
    # An's fixing draft and sent dossier move under An's (legacy) key; the rest stays nobody's.
    moved = {"item:an-fix": f"{theirs}/item:an-fix", "H40-AN-SENT": f"{theirs}/H40-AN-SENT"}
    for name, key in (("drafts", "key"), ("dossiers", "code")):
        expected = {}
        for k, record in by_key(before["stores"][name], key).items():
            new = moved.get(k, k)
            expected[new] = {**record, key: new, "owner": theirs if k in moved else ""}
        assert by_key(after["stores"][name], key) == expected, name
    assert after["stores"]["meta"] == [{"key": "legacy-owners", "accounts": [an], "asked": []}]
    assert {b["bytes"] for i in after["stores"]["outbox"] for b in i["blobs"]} == {
        "sha256:" + f["sha256"] for f in files}
