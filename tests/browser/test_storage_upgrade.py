"""The device's database moves from schema v1 on (v2, v3) without losing a draft or a queued item.

The v1 database is built here, by the test, with v1's stores and records shaped as v1 wrote
them (file bytes as ArrayBuffer), before any page of the app opens it. (From v2 to v3, whose
records are whose on a shared phone: tests/browser/test_shared_phone.py.)
"""

import pytest

from tests.browser.support import DRAFTS, open_form, wait_until, write_old_database

pytestmark = pytest.mark.browser

# static/js/store.js at v1, and what v1 had stored: a draft with a photo, a waiting dossier
# with its file, one paused for a sign-in (v1's shape), one refused (422), a postal request
# whose signed link was refused, a sent one; a remembered dossier and a pending lookup.
MAKE_V1 = """async ({ procedure, jpeg }) => {
    const bytes = new Uint8Array(jpeg).buffer;
    const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
    const sha = hex(await crypto.subtle.digest('SHA-256', bytes));
    const file = { sha256: sha, name: 'giay-to.jpg', type: 'image/jpeg', size: bytes.byteLength, bytes };
    const dossier = (id, extra) => ({ id, kind: 'dossier', title: 'Hồ sơ ' + id, created_at: 1, updated_at: 1,
        attempts: 0, next_at: 0, blobs: [{ ...file, sent: false }],
        request: { url: '/api/v1/dossiers', body: { procedure, applicant: {}, fields: {}, documents: [] } },
        form: { procedure, path: '/thu-tuc/' + procedure + '/nop', values: {}, files: {} },
        context: { procedure }, error: null, result: null, ...extra });
    const records = {
        drafts: [{ key: 'apply:' + procedure, client_id: 'draft-1', procedure, updated_at: 1,
                   values: { 'applicant.name': 'Trần Thị Bình', 'fields.purpose': 'Xin việc' },
                   files: { 1: [{ ...file, original_size: 5000000 }] } }],
        outbox: [
            dossier('waiting-1', { state: 'waiting' }),
            dossier('signin-1', { state: 'waiting', signin: true, attempts: 1, next_at: 9e12,
                error: { status: 401, error: 'unauthorized', message: 'Hết phiên', details: null } }),
            dossier('refused-1', { state: 'attention', attempts: 1,
                error: { status: 422, error: 'invalid', message: 'Sai số định danh', details: null } }),
            { ...dossier('postal-1', { state: 'attention', attempts: 1, kind: 'postal', blobs: [],
                error: { status: 404, error: 'not_found', message: 'Không tìm thấy', details: null } }),
              request: { url: '/api/v1/dossiers/X/postal-requests', body: { token: 'old' } } },
            dossier('sent-1', { state: 'sent', blobs: [{ sha256: sha, size: 1, sent: true }],
                result: { code: 'H40.01-251127-0001' }, sent_at: Date.now() }),
        ],
        dossiers: [{ code: 'H40.01-251127-0001', status: 1, secret: '0912345678', checked_at: 1 }],
        meta: [{ key: 'pending-track', code: 'H40.01-251127-0002', secret: '0912345678', at: Date.now() }],
    };
""" + write_old_database(1) + """    return sha;
}"""

# Everything as stored now, file bytes replaced by the SHA-256 of what is really there.
READ = """async () => {
    const db = await new Promise((ok) => {
        const r = indexedDB.open('motcua'); r.onsuccess = () => ok(r.result); });
    const hex = async (b) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b)),
        (x) => x.toString(16).padStart(2, '0')).join('');
    const out = { version: db.version, stores: [...db.objectStoreNames].sort(),
                  indexes: [...db.transaction('outbox').objectStore('outbox').indexNames] };
    for (const name of out.stores) {
        const rows = await new Promise((ok) => {
            const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result); });
        for (const row of rows) for (const b of row.blobs || []) if (b.bytes) b.bytes = await hex(b.bytes);
        out[name] = rows;
    }
    db.close();
    return out;
}"""


def test_v1_database_is_migrated_to_v2_and_nothing_is_lost(page, procedure):
    from tests.factories import jpeg_bytes

    # Interception holds every API write: this test is about what is stored, not what is sent.
    page.route("**/api/v1/**", lambda route: route.fulfill(
        status=401, json={"error": "unauthorized", "message": "Hết phiên"}))
    page.goto("/healthz")  # same origin, and no script of the app runs here
    sha = page.evaluate(MAKE_V1, {"procedure": procedure["code"], "jpeg": list(jpeg_bytes(64, 48))})

    page.goto("/hop-thu-di")  # the app opens the database: v1 -> v2 -> v3
    wait_until(page, "document.querySelectorAll('.outbox-item').length === 5")
    # Sent again at load (the sign-in may have happened): refused again, nothing is moving.
    wait_until(page, "!document.querySelector("
                     "'.outbox-item[data-state=waiting], .outbox-item[data-state=sending]')")
    db = page.evaluate(READ)
    assert db["version"] == 3 and db["stores"] == ["dossiers", "drafts", "meta", "outbox"]
    assert db["indexes"] == ["state"]

    items = {i["id"]: i for i in db["outbox"]}
    assert set(items) == {"waiting-1", "signin-1", "refused-1", "postal-1", "sent-1"}
    assert all("need" in i and "signin" not in i for i in items.values())
    for key in ("waiting-1", "signin-1", "refused-1"):  # every file still there, byte for byte
        assert [b["bytes"] for b in items[key]["blobs"]] == [sha]
    assert (items["signin-1"]["state"], items["signin-1"]["need"]) == ("attention", "signin")
    assert (items["refused-1"]["state"], items["refused-1"]["need"]) == ("attention", "fix")
    assert (items["refused-1"]["error"]["message"], items["refused-1"]["attempts"]) == ("Sai số định danh", 1)
    assert (items["postal-1"]["state"], items["postal-1"]["need"]) == ("attention", "proof")
    assert (items["sent-1"]["state"], items["sent-1"]["need"]) == ("sent", None)
    assert items["sent-1"]["result"] == {"code": "H40.01-251127-0001"}
    assert [d["code"] for d in db["dossiers"]] == ["H40.01-251127-0001"]
    assert [m["code"] for m in db["meta"]] == ["H40.01-251127-0002"]  # its lookup was refused: kept

    [draft] = page.evaluate(DRAFTS)
    assert draft["values"]["applicant.name"] == "Trần Thị Bình"
    assert [(f["sha256"], f["actual"]) for f in draft["files"]] == [(sha, sha)]
    open_form(page, procedure)  # and the form still opens from it
    assert page.locator("#applicant-name").input_value() == "Trần Thị Bình"
