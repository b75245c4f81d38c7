"""A supplement answer in a real browser at 360 px: a photo kept on the device with no signal and
sent once when back, the plain form with script off, an answer past the deadline still taken
(the page warns; staff see it came late, and a blurred photo kept anyway), and a refusal (the
round answered meanwhile at the counter) said in Vietnamese."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.lib.time import local_today
from app.models import Document, Dossier, SupplementRequest, User
from app.services import workflow
from app.services.actors import Actor
from app.services.dossiers import supplements
from app.services.dossiers.tracking import access_token
from app.services.files import blobs
from app.services.files.uploads import inspect
from bench.photos.generate import one
from tests.browser.conftest import PHONE
from tests.browser.support import OUTBOX, back_online, wait_for_worker, wait_until
from tests.factories import make_dossier, make_procedure, make_user, new_key, pdf_bytes, sha
from tests.helpers import fresh_client, sign_in

pytestmark = pytest.mark.browser
SHOTS = "/tmp/journeys"
NOTICE = "[data-supplement-notice]:not([hidden])"


@pytest.fixture
def waiting(app):
    """(code, the supplement page's signed link, the reception officer's e-mail)."""
    with app.app_context():
        officer = make_user("reception")
        dossier = make_dossier(make_procedure())
        actor = Actor.of(officer)
        workflow.accept(dossier, actor)
        workflow.request_supplement(dossier, actor, "Bản sao giấy khai sinh\nẢnh chân dung",
                                    local_today() + timedelta(days=5))
        out = dossier.code, f"/ho-so/{dossier.code}/bo-sung?t={access_token(dossier)}", officer.email
        db.session.remove()
        return out


def _answers(app, code: str) -> list[dict]:
    """Every answered round of the dossier, with the documents it brought."""
    with app.app_context():
        rows = db.session.execute(db.select(SupplementRequest).where(
            SupplementRequest.answered_at.is_not(None))).scalars().all()
        out = [{"number": r.number, "key": r.answer_key, "note": r.answer_note,
                "documents": [(d.original_name, d.sha256, d.size) for d in db.session.execute(
                    db.select(Document).filter_by(dossier_id=r.dossier_id, round=f"supplement-{r.number}"))
                    .scalars()]} for r in rows if r.dossier.code == code]
        db.session.remove()
        return out


def _open(page, link: str) -> None:
    page.goto(link)
    wait_until(page, "document.querySelector('#supplement-form[data-enhanced] ul.files')")


def test_a_photo_answered_offline_is_kept_then_sent_once(page, context, app, waiting, photos):
    code, link, officer = waiting
    _open(page, link)
    wait_for_worker(page, warmed=False)  # so a reload with no signal still opens a page of ours
    context.set_offline(True)
    page.set_input_files("#files", str(photos[0]))
    wait_until(page, "document.querySelector('#supplement-form .file-name')", timeout=30)
    page.fill("#note", "Ảnh chụp bản sao")
    page.click("#supplement-form [type=submit]")
    expect(page.locator(NOTICE)).to_contain_text("lưu trên máy")
    [item] = wait_until(page, f"((i) => i.length && i[0].state === 'waiting' && i)(await ({OUTBOX})())")
    assert len(item["blobs"]) == 1 and item["blobs"][0]["size"] < photos[0].stat().st_size
    page.screenshot(path=f"{SHOTS}/supplement-offline-kept.png", full_page=True)
    assert _answers(app, code) == []

    page.reload()  # offline: the worker's offline page; the item is still on the device
    wait_until(page, f"((i) => i.length === 1 && i[0].state === 'waiting')(await ({OUTBOX})())")
    back_online(page, context, timeout=30)
    [answer] = _answers(app, code)
    assert answer["key"] == item["id"] and answer["note"] == "Ảnh chụp bản sao"
    [(name, sha256, size)] = answer["documents"]
    assert sha256 == item["blobs"][0]["sha256"] and size == item["blobs"][0]["size"]

    # Sent once: "Gửi ngay" on the outbox page sends nothing more.
    page.goto("/hop-thu-di")
    page.wait_for_selector("[data-outbox][data-enhanced] .outbox-item[data-state=sent]")
    expect(page.locator(".outbox-item[data-state=sent]")).to_contain_text("Bổ sung hồ sơ")
    page.click("[data-flush]")
    page.screenshot(path=f"{SHOTS}/supplement-outbox-sent.png", full_page=True)
    assert len(_answers(app, code)) == 1
    # The staff side sees one answer, with the document.
    staff = fresh_client(app)
    sign_in(staff, officer)
    html = staff.get(f"/staff/ho-so/{code}").get_data(as_text=True)
    assert html.count("Bổ sung lần 1") == 1 and name in html


def test_online_the_answer_goes_and_the_page_moves_to_the_status(page, app, waiting, small_files):
    code, link, _officer = waiting
    _open(page, link)
    page.set_input_files("#files", str(small_files[0]))
    wait_until(page, "document.querySelector('#supplement-form .file-name')")
    page.click("#supplement-form [type=submit]")
    page.wait_for_url(f"**/ho-so/{code}")
    assert len(_answers(app, code)) == 1


def test_queued_offline_the_page_follows_once_it_goes(page, context, app, waiting, small_files):
    code, link, _officer = waiting
    _open(page, link)
    context.set_offline(True)
    page.set_input_files("#files", str(small_files[0]))
    wait_until(page, "document.querySelector('#supplement-form .file-name')")
    page.click("#supplement-form [type=submit]")
    expect(page.locator(NOTICE)).to_contain_text("lưu trên máy")
    wait_until(page, f"((i) => i.length && i[0].state === 'waiting')(await ({OUTBOX})())")
    with page.expect_navigation(url=f"**/ho-so/{code}"):
        context.set_offline(False)
    assert len(_answers(app, code)) == 1


def test_nothing_attached_is_said_before_anything_is_kept(page, waiting):
    _code, link, _officer = waiting
    _open(page, link)
    page.click("#supplement-form [type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("Vui lòng đính kèm giấy tờ bổ sung")
    assert page.evaluate(OUTBOX) == []


def test_without_script_the_plain_form_works(browser, live_server, app, waiting, small_files):
    code, link, _officer = waiting
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(link)
        page.click("#supplement-form [type=submit]")  # nothing attached: the server says so
        expect(page.locator(".error-summary")).to_contain_text("Cần từ 1 đến 30 tệp")
        page.set_input_files("#files", [str(p) for p in small_files])
        page.fill("#note", "Gửi không cần script")
        page.screenshot(path=f"{SHOTS}/supplement-no-script.png", full_page=True)
        page.click("#supplement-form [type=submit]")
        page.wait_for_url(f"**/ho-so/{code}?sent=bo-sung")
        [answer] = _answers(app, code)
        assert len(answer["documents"]) == 2 and answer["note"] == "Gửi không cần script"
    finally:
        context.close()


def test_past_the_deadline_the_page_warns_and_the_answer_is_taken(page, app, waiting, tmp_path):
    """Late is not refused: the page says so, the answer goes, staff see it came late and that
    the photo kept despite the advice may be blurred."""
    code, link, officer = waiting
    with app.app_context():
        request = db.session.execute(db.select(SupplementRequest)).scalar_one()
        request.deadline = local_today() - timedelta(days=1)
        db.session.commit()
        db.session.remove()
    blurred = tmp_path / "mo.jpg"
    blurred.write_bytes(one("blurry", seed=3))
    _open(page, link)
    expect(page.locator("#supplement-expired")).to_contain_text("Bạn vẫn có thể gửi")
    page.set_input_files("#files", str(blurred))
    hint = page.locator("[data-requirement='files'] .photo-hint")
    hint.get_by_role("button", name="Vẫn dùng ảnh này").click(timeout=30000)
    expect(hint).to_have_count(0)
    page.screenshot(path=f"{SHOTS}/supplement-late.png", full_page=True)
    page.click("#supplement-form [type=submit]")
    page.wait_for_url(f"**/ho-so/{code}")
    [answer] = _answers(app, code)
    assert [name for name, _sha, _size in answer["documents"]] == ["mo.jpg"]
    staff = fresh_client(app)
    sign_in(staff, officer)
    html = staff.get(f"/staff/ho-so/{code}").get_data(as_text=True)
    assert html.count("nộp sau hạn") == 1
    assert html.count("Ảnh có thể bị mờ — người nộp vẫn gửi ảnh này.") == 1


def test_a_round_answered_meanwhile_refuses_the_queued_answer_and_says_why(page, app, waiting, small_files):
    code, link, officer = waiting
    _open(page, link)
    with app.app_context():  # papers brought to the counter while the page is open
        data = pdf_bytes("giấy tờ mang đến quầy")
        blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
        db.session.commit()
        dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()
        user = db.session.execute(db.select(User).filter_by(email=officer)).scalar_one()
        supplements.answer(dossier, {"documents": [{"sha256": sha(data), "name": "quay.pdf"}]},
                           new_key(), Actor.of(user))
        db.session.remove()
    page.set_input_files("#files", str(small_files[0]))
    wait_until(page, "document.querySelector('#supplement-form .file-name')")
    page.click("#supplement-form [type=submit]")
    expect(page.locator(NOTICE)).to_contain_text("đã được trả lời")
    page.screenshot(path=f"{SHOTS}/supplement-refused.png", full_page=True)
    [item] = page.evaluate(OUTBOX)
    assert item["state"] == "attention" and item["need"] == "fix"
    page.goto("/hop-thu-di")  # listed as needing attention, with the same reason
    card = page.locator(".outbox-item[data-state=attention]")
    expect(card).to_contain_text("đã được trả lời")
    page.screenshot(path=f"{SHOTS}/supplement-refused-outbox.png", full_page=True)
    [answer] = _answers(app, code)  # the counter's, and nothing of the queued one
    assert [name for name, _sha, _size in answer["documents"]] == ["quay.pdf"]


def test_storage_refused_posts_the_plain_form_with_the_files(page, app, waiting, small_files):
    """Storage full at the moment of sending: the prepared file goes back into the input."""
    code, link, _officer = waiting
    _open(page, link)
    page.set_input_files("#files", str(small_files[0]))
    wait_until(page, "document.querySelector('#supplement-form .file-name')")
    page.evaluate("() => { IDBObjectStore.prototype.put = () => {"
                  " throw new DOMException('full', 'QuotaExceededError'); }; }")
    page.click("#supplement-form [type=submit]")
    page.wait_for_url(f"**/ho-so/{code}?sent=bo-sung")
    [answer] = _answers(app, code)
    assert [name for name, _sha, _size in answer["documents"]] == ["giay-to-0.jpg"]
