"""What the browser tests share: waiting without eval (CSP), reading IndexedDB, the database."""

import time

from app.extensions import db
from app.models import Dossier
from bench.photos.generate import one
from tests.factories import VALID_ID, VALID_PHONE

SUBMIT = "#apply-form [type=submit]"
QUEUED = ".outbox-notice.queued h2"


def _store(name: str) -> str:
    return f"""(async () => {{
    const db = await new Promise((ok, no) => {{
        const r = indexedDB.open('motcua'); r.onsuccess = () => ok(r.result); r.onerror = no; }});
    const rows = await new Promise((ok) => {{
        const r = db.transaction('{name}').objectStore('{name}').getAll();
        r.onsuccess = () => ok(r.result); }});
    db.close();
    return rows;
}})()"""


# The outbox as the browser holds it (file bytes left out).
OUTBOX = f"""async () => ({_store('outbox')}).then((items) => items.map((i) => ({{
    id: i.id, state: i.state, need: i.need, error: i.error, result: i.result, attempts: i.attempts,
    blobs: i.blobs.map((b) => ({{ sha256: b.sha256, size: b.size }})) }})))"""

# Drafts, with the SHA-256 of the bytes actually stored next to the one recorded.
DRAFTS = f"""async () => {{
    const out = [];
    for (const d of await {_store('drafts')}) {{
        const files = [];
        for (const list of Object.values(d.files)) for (const f of list) {{
            const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', f.bytes));
            files.push({{ name: f.name, sha256: f.sha256, size: f.bytes.byteLength,
                actual: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') }});
        }}
        out.push({{ key: d.key, values: d.values, files }});
    }}
    return out;
}}"""

MY_DOSSIERS = f"async () => {_store('dossiers')}"

# The outbox once every item is back to waiting (a send tried offline has failed), else false.
SETTLED_WAITING = (
    "((items) => items.length && items.every((i) => i.state === 'waiting') && items)"
    "(await (" + OUTBOX + ")())"
)


def wait_until(page, script: str, timeout: float = 15.0, arg=None):
    """Poll `script` (a JS function body's expression) until it is truthy; return its value.

    Playwright's wait_for_function evaluates strings, which the app's CSP forbids.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(f"async (arg) => {script}", arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.1)


def wait_for_worker(page, warmed: bool = True) -> None:
    """Wait until the service worker controls the page and, if asked, has the catalogue."""
    wait_until(page, "navigator.serviceWorker.controller !== null")
    if warmed:
        wait_until(page, "!!(await caches.match('/__motcua/warmed'))", timeout=30)


def dossiers(app) -> list[dict]:
    """Every dossier in the database, with its documents."""
    with app.app_context():
        rows = db.session.execute(db.select(Dossier).order_by(Dossier.id)).scalars().all()
        out = [{"code": d.code, "client_id": d.client_id, "name": d.applicant_name,
                "id_number": d.applicant_id_number,
                "documents": [{"sha256": x.sha256, "size": x.size, "requirement": x.requirement_id}
                              for x in d.documents]} for d in rows]
        db.session.remove()
        return out


def fill_apply_form(page, procedure: dict, files: list | None = None, id_number: str = VALID_ID) -> None:
    """Type the applicant and procedure fields, and attach `files` to the documents in order."""
    page.fill("#applicant-name", "Nguyễn Văn An")
    page.fill("#applicant-id_number", id_number)
    page.fill("#applicant-phone", VALID_PHONE)
    page.fill("#applicant-address", "12 Lê Lợi, phường Long An, tỉnh Tây Ninh")
    page.fill("#fields-purpose", "Xin việc")
    page.fill("#fields-copies", "2")
    for req, path in zip(procedure["requirements"], files or [], strict=False):
        page.set_input_files(f"#documents-{req}", str(path))
        wait_until(page, f"document.querySelector('[data-requirement=\"{req}\"] .file-name')", timeout=30)


# The apply form is enhanced and listens for picked files: data-enhanced is set first, the
# file inputs are bound after the draft loads (files.js draws each field's ul.files then), and
# a file set before that would go unnoticed on a busy machine.
FORM_READY = ("document.querySelector('#apply-form[data-enhanced]') && (!document.querySelector("
              "'#apply-form [data-requirement]') || document.querySelector('#apply-form ul.files'))")


def open_form(page, procedure: dict) -> None:
    page.goto(f"/thu-tuc/{procedure['code']}/nop")
    wait_until(page, FORM_READY)


def sent_code(page) -> str:
    """Wait until the outbox holds one item and it is sent; return its dossier code."""
    wait_until(page, f"(async (items) => items.length && items.every((i) => i.state === 'sent'))"
                     f"(await ({OUTBOX})())", timeout=60)
    [item] = page.evaluate(OUTBOX)
    return item["result"]["code"]



def queue_offline(page, context, submit: str, notice: str) -> dict:
    """Send a form with no signal: its notice shows at once, and the one item (no files)
    settles back to waiting after the send tried offline. Returns the item."""
    context.set_offline(True)
    page.click(submit)
    wait_until(page, f"document.querySelector('{notice}:not([hidden])')")
    [item] = wait_until(page, SETTLED_WAITING)
    assert item["state"] == "waiting" and item["blobs"] == []
    return item


def back_online(page, context, timeout: float = 15.0) -> None:
    """Give the signal back (the `online` event flushes the outbox); wait until all is sent."""
    context.set_offline(False)
    wait_until(page, f"(await ({OUTBOX})()).every((i) => i.state === 'sent')", timeout=timeout)

def ratings(app) -> list[tuple[str, int]]:
    """The ratings the server holds, as (client key, level)."""
    from app.models import Rating

    with app.app_context():
        rows = [(r.client_key, r.level) for r in db.session.execute(db.select(Rating)).scalars()]
        db.session.remove()
        return rows



def draw_photos(folder, labels) -> dict:
    """One JPEG of each kind in `labels` (ok, blurry, dark…), drawn by the benchmark's generator."""
    paths = {}
    for label in labels:
        paths[label] = folder / f"{label}.jpg"
        paths[label].write_bytes(one(label, seed=3))
    return paths


def pick_photo(page, req: int, path) -> None:
    """Choose one file for a requirement and wait until the page has checked and named it."""
    page.set_input_files(f"#documents-{req}", str(path))
    wait_until(page, f"!document.querySelector('[data-requirement=\"{req}\"][data-busy]') && "
                     f"document.querySelector('[data-requirement=\"{req}\"] .file-name')", timeout=30)


def fill_with_a_blurred_photo(page, procedure: dict, shots: dict) -> tuple[int, int]:
    """Open and fill the form: a sharp photo for the first document, a blurred one for the
    second (the advice now on screen). Returns the two requirements."""
    open_form(page, procedure)
    fill_apply_form(page, procedure)
    form, photo = procedure["requirements"][:2]
    pick_photo(page, form, shots["ok"])
    pick_photo(page, photo, shots["blurry"])
    return form, photo


def write_old_database(version: int) -> str:
    """JS lines that create the device's database at an old `version` (v1 and v2 had the same
    four stores), put every row of `records` (store name → rows) and close it. For tests that
    build what an older release left on a phone before any page of the app opens it."""
    return f"""
    const db = await new Promise((ok, no) => {{
        const r = indexedDB.open('motcua', {version});
        r.onupgradeneeded = () => {{
            r.result.createObjectStore('drafts', {{ keyPath: 'key' }});
            r.result.createObjectStore('outbox', {{ keyPath: 'id' }}).createIndex('state', 'state');
            r.result.createObjectStore('dossiers', {{ keyPath: 'code' }});
            r.result.createObjectStore('meta', {{ keyPath: 'key' }});
        }};
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
    }});
    const tx = db.transaction(Object.keys(records), 'readwrite');
    for (const [name, rows] of Object.entries(records)) for (const row of rows) tx.objectStore(name).put(row);
    await new Promise((ok) => {{ tx.oncomplete = ok; }});
    db.close();
"""
