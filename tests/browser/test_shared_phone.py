"""A shared phone (issue 9, item 5), at 360 px: what one person keeps on the device is theirs.

An account's drafts, queued items and remembered dossiers (with their receipt links) vanish
from the screen at sign-out and come back, untouched, when that account signs in again; the
account's items are sent only under its own session. What someone keeps while nobody is
signed in stays theirs: shown only while nobody is signed in, and never sent into the account
of whoever signs in next. An IndexedDB v2 database upgrades to v3 without losing anything.
"""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Dossier, Procedure
from app.services.dossiers.device import owner_tag
from tests.browser.support import QUEUED, SUBMIT, fill_apply_form, open_form, wait_until, write_old_database
from tests.factories import (
    STAFF_PASSWORD,
    VALID_PHONE,
    jpeg_bytes,
    make_dossier,
    make_user,
    manifest,
    pdf_bytes,
    sha,
)

pytestmark = pytest.mark.browser

# The device's records as stored, whoever they belong to (file bytes: their length).
RAW = """async () => {
    const db = await new Promise((ok, no) => {
        const r = indexedDB.open('motcua'); r.onsuccess = () => ok(r.result); r.onerror = no; });
    const out = { version: db.version };
    for (const name of ['drafts', 'outbox', 'dossiers', 'meta']) {
        out[name] = await new Promise((ok) => {
            const r = db.transaction(name).objectStore(name).getAll();
            r.onsuccess = () => ok(r.result.map((x) => ({ key: x.key || x.id || x.code, owner: x.owner,
                state: x.state, need: x.need, values: x.values, accounts: x.accounts, asked: x.asked,
                result: x.result || null, sizes: (x.blobs || []).map((b) => b.bytes ? b.bytes.byteLength : 0),
                files: Object.values(x.files || {}).flat().map((f) => f.bytes.byteLength) })));
        });
    }
    db.close();
    return out;
}"""
# One sending round, awaited (sync.js): whatever the outbox would send now, it has tried.
FLUSH = "(async () => { await (await import('/static/js/sync.js')).flush({ force: true }); return true; })()"
WRITES = ("**/api/v1/blobs/**", "**/api/v1/dossiers")
NAME = "#applicant-name"


@pytest.fixture
def people(app):
    with app.app_context():
        an = make_user(role="citizen", email="an@example.vn", name="Nguyễn Văn An")
        binh = make_user(role="citizen", email="binh@example.vn", name="Trần Thị Bình")
        out = {"an": (an.email, an.id, owner_tag(an.id)), "binh": (binh.email, binh.id, owner_tag(binh.id))}
        db.session.remove()
        return out


@pytest.fixture
def known_dossier(app, procedure):
    """A dossier filed at the counter, which a person looks up on the phone by code and phone."""
    with app.app_context():
        proc = db.session.execute(db.select(Procedure).filter_by(code=procedure["code"])).scalar_one()
        code = make_dossier(proc).code
        db.session.remove()
        return code


class Writes:
    """Every file upload and dossier POST the browser makes; `hold()` makes the server unreachable."""

    def __init__(self, context):
        self.context = context
        self.posts: list[int] = []
        self.puts = 0
        context.on("response", self._seen)

    def _seen(self, response):
        if response.request.method == "POST" and response.url.endswith("/api/v1/dossiers"):
            self.posts.append(response.status)
        if response.request.method == "PUT" and "/api/v1/blobs/" in response.url:
            self.puts += 1

    def hold(self):
        for pattern in WRITES:
            self.context.route(pattern, lambda route: route.abort("internetdisconnected"))

    def release(self):
        for pattern in WRITES:
            self.context.unroute(pattern)


def sign_in(page, email: str) -> None:
    page.goto("/dang-nhap")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("form[action='/dang-nhap'] button[type=submit]")
    page.wait_for_selector("body[data-account]", state="attached")


def sign_out(page) -> None:
    page.goto("/tai-khoan")
    page.click("form[action='/dang-xuat'] button")
    page.wait_for_url("**/dang-nhap")
    expect(page.locator(".notice")).to_have_text("Bạn đã đăng xuất.")


def queue_offline(page, context, procedure, files, writes) -> str:
    """Fill the form, submit with no signal; the signal comes back, the server does not answer."""
    open_form(page, procedure)
    fill_apply_form(page, procedure, files)
    context.set_offline(True)
    page.click(SUBMIT)
    expect(page.locator(QUEUED)).to_have_text("Đã lưu, sẽ gửi khi có mạng")
    writes.hold()
    context.set_offline(False)
    [item] = wait_until(page, "(await (" + RAW + ")()).outbox.filter((i) => i.state === 'waiting')"
                              ".map((i) => i.key)")
    return item


def start_draft(page, procedure, name: str) -> None:
    open_form(page, procedure)
    page.fill(NAME, name)
    wait_until(page, "(await (" + RAW + ")()).drafts.some((d) => d.values['applicant.name'] === arg)",
               arg=name)


def look_up(page, code: str) -> None:
    page.goto("/ho-so-cua-toi")
    wait_until(page, "document.querySelector('[data-my-dossiers][data-enhanced]')")
    page.fill("#add-code", code)
    page.fill("#add-secret", VALID_PHONE)
    page.click("form[data-add] button[type=submit]")
    card = page.locator(f".card[data-code='{code}']")
    expect(card).to_be_visible()
    expect(card.get_by_role("link", name="Giấy tiếp nhận")).to_be_visible()


def sees_nothing_of(page, procedure, code: str, note: str, screenshot: str) -> None:
    """The person now holding the phone: no draft, no queued item, no dossier, no receipt."""
    page.goto("/hop-thu-di")
    expect(page.locator("[data-list] li.muted")).to_have_text("Hộp thư đi đang trống.")
    expect(page.locator(".outbox-item")).to_have_count(0)
    expect(page.locator("[data-others]")).to_contain_text(note)  # kept, only counted
    expect(page.locator("[data-outbox-count]")).to_be_hidden()
    page.screenshot(path=f"/tmp/device-{screenshot}-outbox.png", full_page=True)
    page.goto("/ho-so-cua-toi")
    expect(page.locator("[data-list] li.muted")).to_have_text("Máy này chưa gửi hoặc tra cứu hồ sơ nào.")
    expect(page.locator(".card")).to_have_count(0)
    assert code not in page.content() and "Giấy tiếp nhận" not in page.content()
    page.screenshot(path=f"/tmp/device-{screenshot}-mine.png", full_page=True)
    open_form(page, procedure)
    expect(page.locator(NAME)).to_have_value("")
    page.screenshot(path=f"/tmp/device-{screenshot}-form.png", full_page=True)


def nothing_sent(page, writes) -> None:
    writes.release()  # the server answers again: anything the outbox would send, it would
    assert page.evaluate(FLUSH)
    assert (writes.posts, writes.puts) == ([], 0)


def sent_once(writes) -> bool:
    """Answered as created, or (a page left mid-send, then sent again) as the same dossier."""
    return bool(writes.posts) and set(writes.posts) <= {200, 201} and writes.posts.count(201) <= 1


def filed(app, client_id: str) -> list[int | None]:
    with app.app_context():
        owners = db.session.execute(
            db.select(Dossier.owner_id).filter_by(client_id=client_id)).scalars().all()
        db.session.remove()
        return owners


def test_sign_out_hides_the_account_things_and_its_sign_in_brings_them_back_and_sends_once(
        page, context, app, procedure, small_files, people, known_dossier):
    email, an_id, tag = people["an"]
    writes = Writes(context)
    sign_in(page, email)
    item = queue_offline(page, context, procedure, small_files, writes)
    start_draft(page, procedure, "Nguyễn Văn An (bản nháp)")
    look_up(page, known_dossier)
    sign_out(page)

    sees_nothing_of(page, procedure, known_dossier, "1 mục chưa gửi, lưu khi một tài khoản", "signed-out")
    nothing_sent(page, writes)
    stored = page.evaluate(RAW)  # all of it still on the phone, byte for byte, as An's
    assert [(i["key"], i["owner"], i["state"]) for i in stored["outbox"]] == [(item, tag, "waiting")]
    assert [(d["key"], d["owner"]) for d in stored["drafts"]] == [(f"{tag}/apply:{procedure['code']}", tag)]
    assert [(d["key"], d["owner"]) for d in stored["dossiers"]] == [(f"{tag}/{known_dossier}", tag)]
    assert len(stored["outbox"][0]["sizes"]) == 2 and all(stored["outbox"][0]["sizes"])
    assert stored["drafts"][0]["values"]["applicant.name"] == "Nguyễn Văn An (bản nháp)"
    assert filed(app, item) == []

    sign_in(page, email)  # An again: everything is back, and the queued dossier goes, once
    page.goto("/hop-thu-di")
    card = page.locator(f".outbox-item[data-id='{item}']")
    expect(card).to_be_visible()
    expect(page.locator("[data-others]")).to_be_hidden()
    page.click("[data-flush]")  # "Gửi ngay"
    expect(card).to_have_attribute("data-state", "sent")
    page.screenshot(path="/tmp/device-signed-in-again-outbox.png", full_page=True)
    assert page.evaluate(FLUSH)  # a second round sends nothing more
    assert sent_once(writes) and filed(app, item) == [an_id]
    page.goto("/ho-so-cua-toi")
    expect(page.locator(f".card[data-code='{known_dossier}']")).to_be_visible()
    sent_code = page.evaluate(RAW)["outbox"][0]["result"]["code"]
    expect(page.locator(f".card[data-code='{sent_code}']")).to_be_visible()  # the sent one joined An's list
    open_form(page, procedure)
    expect(page.locator(NAME)).to_have_value("Nguyễn Văn An (bản nháp)")


def test_another_account_on_the_same_phone_sees_none_of_it_and_never_sends_it(
        page, context, app, procedure, small_files, people, known_dossier):
    (an_email, _an_id, an_tag), (binh_email, binh_id, binh_tag) = people["an"], people["binh"]
    writes = Writes(context)
    sign_in(page, an_email)
    item = queue_offline(page, context, procedure, small_files, writes)
    start_draft(page, procedure, "Nguyễn Văn An (bản nháp)")
    look_up(page, known_dossier)
    sign_out(page)

    sign_in(page, binh_email)
    assert page.locator("body").get_attribute("data-account") == binh_tag != an_tag
    sees_nothing_of(page, procedure, known_dossier, "1 mục chưa gửi của người dùng khác", "another-account")
    nothing_sent(page, writes)  # Bình is signed in and online: An's dossier stays on the phone
    assert filed(app, item) == []

    fill_apply_form(page, procedure, small_files)  # Bình's own dossier goes, into Bình's account
    page.click(SUBMIT)
    page.wait_for_url("**/bien-nhan?t=*")
    stored = page.evaluate(RAW)
    mine = [i for i in stored["outbox"] if i["owner"] == binh_tag]
    assert [i["state"] for i in mine] == ["sent"] and filed(app, mine[0]["key"]) == [binh_id]
    assert [(i["key"], i["state"]) for i in stored["outbox"] if i["owner"] == an_tag] == [(item, "waiting")]


def test_what_nobody_signed_in_keeps_stays_theirs(page, context, app, procedure, small_files, people,
                                                  known_dossier):
    email, _an_id, _tag = people["an"]
    writes = Writes(context)
    item = queue_offline(page, context, procedure, small_files, writes)  # nobody signed in
    start_draft(page, procedure, "Lê Văn Cường")
    look_up(page, known_dossier)

    sign_in(page, email)  # An signs in on the phone: none of it is An's
    sees_nothing_of(page, procedure, known_dossier, "1 mục chưa gửi của người dùng khác", "nobodys")
    nothing_sent(page, writes)  # and it is not filed into An's account
    assert filed(app, item) == []

    sign_out(page)  # nobody signed in again: it is all there, and goes as it was made
    page.goto("/hop-thu-di")
    card = page.locator(f".outbox-item[data-id='{item}']")
    expect(card).to_be_visible()
    expect(page.locator("[data-others]")).to_be_hidden()
    page.click("[data-flush]")
    expect(card).to_have_attribute("data-state", "sent")
    assert sent_once(writes) and filed(app, item) == [None]
    page.goto("/ho-so-cua-toi")
    expect(page.locator(f".card[data-code='{known_dossier}']")).to_be_visible()
    page.screenshot(path="/tmp/device-anonymous-again-mine.png", full_page=True)
    open_form(page, procedure)
    expect(page.locator(NAME)).to_have_value("Lê Văn Cường")


# static/js/migrations.js at v2, and what a v2 device held: nobody's draft, nobody's waiting
# dossier, An's waiting dossier (queued signed in: its body claims An's id), its fixing
# draft, An's sent dossier and the dossier it became, a dossier looked up (no sign of whose).
MAKE_V2 = """async ({ procedure, an, mine, anonymous, files }) => {
    const blobs = files.map((f) => ({ ...f, bytes: new Uint8Array(f.bytes).buffer, sent: false }));
    const item = (id, body, extra) => ({ id, kind: 'dossier', title: 'Hồ sơ ' + id, created_at: 1,
        updated_at: 1, attempts: 0, next_at: 0, blobs, need: null, error: null, result: null,
        request: { url: '/api/v1/dossiers', body }, state: 'waiting',
        form: { procedure, path: '/thu-tuc/' + procedure + '/nop', values: {}, files: {} },
        context: { procedure, secret: body.applicant.phone }, ...extra });
    const draft = (key, name) => ({ key, client_id: key, procedure, updated_at: 1,
        values: { 'applicant.name': name }, files: { 1: [{ ...blobs[0], original_size: 9 }] } });
    const records = {
        drafts: [draft('apply:' + procedure, 'Lê Văn Cường'), draft('item:an-fix', 'Nguyễn Văn An')],
        outbox: [
            item(anonymous.id, anonymous.body),
            item(mine.id, { ...mine.body, account: an }),
            item('an-fix', { ...mine.body, account: an }, { state: 'attention', need: 'fix',
                error: { status: 422, error: 'invalid', message: 'Sai số định danh', details: null } }),
            item('an-sent', { ...mine.body, account: an }, { state: 'sent', blobs: [],
                result: { code: 'H40-AN-SENT', receipt_url: '/ho-so/H40-AN-SENT/bien-nhan?t=x' },
                sent_at: Date.now() }),
        ],
        dossiers: [{ code: 'H40-AN-SENT', status: 1, status_label: 'Mới đăng ký', status_at: '2026-01-02',
                     receipt_url: '/ho-so/H40-AN-SENT/bien-nhan?t=x', checked_at: Date.now() },
                   { code: 'H40-LOOKED-UP', status: 1, status_label: 'Mới đăng ký', status_at: '2026-01-01',
                     receipt_url: '/ho-so/H40-LOOKED-UP/bien-nhan?t=y', checked_at: Date.now() }],
    };
""" + write_old_database(2) + """}"""


def test_a_v2_database_upgrades_to_v3_and_nothing_is_lost(page, context, app, procedure, people):
    (an_email, an_id, an_tag), (binh_email, _binh_id, binh_tag) = people["an"], people["binh"]
    with app.app_context():
        proc = db.session.execute(db.select(Procedure).filter_by(code=procedure["code"])).scalar_one()
        docs = [(0, jpeg_bytes(color=(10, 20, 30))), (1, pdf_bytes("giấy khai sinh"))]
        body = manifest(proc, docs)
        db.session.remove()
    files = [{"sha256": sha(d), "name": f"tep-{n}", "type": "image/jpeg", "size": len(d), "bytes": list(d)}
             for n, (_i, d) in enumerate(docs)]
    mine, anonymous = "2f4f2a7e-0000-4000-8000-00000000000a", "2f4f2a7e-0000-4000-8000-00000000000b"
    page.goto("/healthz")  # same origin; no script of the app runs here
    page.evaluate(MAKE_V2, {"procedure": procedure["code"], "an": an_id, "files": files,
                            "mine": {"id": mine, "body": body}, "anonymous": {"id": anonymous, "body": body}})
    writes = Writes(context)
    writes.hold()  # this part is about what is stored and shown

    page.goto("/hop-thu-di")  # nobody signed in opens the database: v2 -> v3
    expect(page.locator(".outbox-item")).to_have_count(1)
    expect(page.locator(f".outbox-item[data-id='{anonymous}']")).to_be_visible()
    expect(page.locator("[data-others]")).to_contain_text("2 mục chưa gửi")
    stored = page.evaluate(RAW)
    assert stored["version"] == 3
    owners = {i["key"]: i["owner"] for i in stored["outbox"]}
    assert owners == {anonymous: "", mine: f"?{an_id}", "an-fix": f"?{an_id}", "an-sent": f"?{an_id}"}
    assert {d["key"]: d["owner"] for d in stored["drafts"]} == {
        f"apply:{procedure['code']}": "", f"?{an_id}/item:an-fix": f"?{an_id}"}
    assert {d["key"]: d["owner"] for d in stored["dossiers"]} == {
        "H40-LOOKED-UP": "", f"?{an_id}/H40-AN-SENT": f"?{an_id}"}
    assert [(m["key"], m["accounts"], m["asked"]) for m in stored["meta"]] == [("legacy-owners", [an_id], [])]
    sizes = [len(d) for _i, d in docs]
    assert all(i["sizes"] == sizes for i in stored["outbox"] if i["key"] != "an-sent")
    assert all(d["files"] == [sizes[0]] for d in stored["drafts"])
    page.goto("/ho-so-cua-toi")
    expect(page.locator(".card")).to_have_count(1)
    expect(page.locator(".card[data-code='H40-LOOKED-UP']")).to_be_visible()
    open_form(page, procedure)
    expect(page.locator(NAME)).to_have_value("Lê Văn Cường")

    sign_in(page, binh_email)  # someone else: asked once, none of it is theirs
    wait_until(page, "(await (" + RAW + ")()).meta.some((m) => m.asked.includes(arg))", arg=binh_tag)
    page.goto("/hop-thu-di")
    expect(page.locator(".outbox-item")).to_have_count(0)
    expect(page.locator("[data-others]")).to_contain_text("3 mục chưa gửi")
    sign_out(page)

    sign_in(page, an_email)  # An: confirmed by the server, An's records come back as An's
    wait_until(page, "!(await (" + RAW + ")()).meta.length")
    stored = page.evaluate(RAW)
    assert {i["key"]: i["owner"] for i in stored["outbox"]} == {
        anonymous: "", mine: an_tag, "an-fix": an_tag, "an-sent": an_tag}
    assert {d["key"] for d in stored["drafts"]} == {f"apply:{procedure['code']}", f"{an_tag}/item:an-fix"}
    assert {d["key"] for d in stored["dossiers"]} == {"H40-LOOKED-UP", f"{an_tag}/H40-AN-SENT"}
    page.goto("/hop-thu-di")
    expect(page.locator(".outbox-item")).to_have_count(3)
    expect(page.locator(f".outbox-item[data-id='{anonymous}']")).to_have_count(0)
    page.goto("/ho-so-cua-toi")
    expect(page.locator(".card[data-code='H40-AN-SENT']")).to_be_visible()
    expect(page.locator(".card[data-code='H40-LOOKED-UP']")).to_have_count(0)
    page.screenshot(path="/tmp/device-v2-upgraded-an-mine.png", full_page=True)

    writes.release()  # An's waiting dossier goes into An's account, once; nobody's stays
    page.goto("/hop-thu-di")
    page.click("[data-flush]")
    expect(page.locator(f".outbox-item[data-id='{mine}']")).to_have_attribute("data-state", "sent")
    assert page.evaluate(FLUSH)  # and nothing else goes
    assert sent_once(writes) and filed(app, mine) == [an_id] and filed(app, anonymous) == []
