"""Choosing a document on a phone: a file is judged before it is shown as attached.

With JavaScript the page reads each file's first bytes and its size (after a photo is made
small) the way the server does: a program renamed ".pdf" never gets a ✓ nor reaches the
outbox, and the reason is by its field and in the error summary, with the other mistakes.
Without JavaScript the server answers everything in one round and keeps the good files.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.support import DRAFTS, OUTBOX, SUBMIT, dossiers, fill_apply_form, open_form, wait_until
from tests.factories import VALID_ID, VALID_PHONE, jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.browser

NOT_ACCEPTED = "giay-to.pdf không phải tệp PDF, JPEG hoặc PNG."


@pytest.fixture
def program(tmp_path):
    """A Windows program renamed as a PDF: the browser calls it application/pdf by its name."""
    path = tmp_path / "giay-to.pdf"
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000)
    return path


def _pick(page, req: int, *paths) -> None:
    page.set_input_files(f"#documents-{req}", [str(p) for p in paths])
    wait_until(page, f"!document.querySelector('[data-requirement=\"{req}\"][data-busy]')", timeout=30)


def _stored_files(page) -> list[str]:
    return [f["name"] for d in page.evaluate(DRAFTS) for f in d["files"]]


def test_a_renamed_program_gets_no_tick_and_is_never_queued(page, procedure, program, small_files):
    open_form(page, procedure)
    fill_apply_form(page, procedure, [small_files[0]])
    photo = procedure["requirements"][1]
    field = page.locator(f"[data-requirement='{photo}']")
    field.scroll_into_view_if_needed()  # where a person choosing a file is
    _pick(page, photo, program)

    expect(field.locator("p.error")).to_have_text(
        NOT_ACCEPTED + " Chỉ nhận ảnh chụp (JPEG, PNG) hoặc tệp PDF.")
    expect(field.locator(".file-name")).to_have_count(0)  # no ✓
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator(f"a[href='#documents-{photo}']")).to_contain_text(
        "Bản chụp căn cước: " + NOT_ACCEPTED)
    expect(field).to_be_in_viewport()  # the person stays at the field they were using
    page.screenshot(path="/tmp/files-renamed-program.png")
    assert _stored_files(page) == [small_files[0].name]  # only the good photo is in the draft

    # Sending anyway: the reason is given again, and nothing goes to the outbox.
    page.click(SUBMIT)
    expect(summary.locator(f"a[href='#documents-{photo}']")).to_contain_text(NOT_ACCEPTED)
    expect(summary).to_be_focused()
    assert page.evaluate(OUTBOX) == []

    # Choosing a real photo instead clears it.
    _pick(page, photo, small_files[1])
    expect(field.locator(".file-name")).to_have_text(f"✓ {small_files[1].name}")
    expect(page.locator(".error-summary")).to_have_count(0)


def test_an_oversize_file_is_refused_with_its_real_size(page, app, procedure, tmp_path, photos):
    app.config["MAX_FILE_BYTES"] = 1024 * 1024  # the form says 1 MB
    scan = tmp_path / "ban-scan.pdf"
    scan.write_bytes(pdf_bytes()[:-6] + b"%" * int(2.4 * 1024 * 1024) + b"\n%%EOF\n")
    open_form(page, procedure)
    first, photo = procedure["requirements"][0], procedure["requirements"][1]
    _pick(page, first, scan)
    field = page.locator(f"[data-requirement='{first}']")
    expect(field.locator("p.error")).to_have_text(
        "ban-scan.pdf quá lớn: tệp nặng 2,4 MB; mỗi tệp tối đa 1 MB.")
    expect(page.locator(".error-summary")).to_contain_text("tệp nặng 2,4 MB")
    expect(field.locator(".file-name")).to_have_count(0)
    page.screenshot(path="/tmp/files-oversize.png")

    # A 5 MB camera photo is judged after it is made small on the phone: it goes through.
    _pick(page, photo, photos[0])
    expect(page.locator(f"[data-requirement='{photo}'] .file-name")).to_have_text(f"✓ {photos[0].name}")
    assert _stored_files(page) == [photos[0].name]


def test_field_and_file_mistakes_are_listed_together(page, procedure, program, small_files):
    open_form(page, procedure)
    first, photo = procedure["requirements"][0], procedure["requirements"][1]
    page.fill("#applicant-phone", VALID_PHONE)
    _pick(page, first, small_files[0])
    _pick(page, photo, program)
    page.click(SUBMIT)

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    links = summary.locator("a")
    expect(links.first).to_have_attribute("href", "#applicant-name")  # in the order of the form
    expect(links.last).to_have_attribute("href", f"#documents-{photo}")
    expect(links.last).to_contain_text(NOT_ACCEPTED)
    expect(summary.locator("a[href='#fields-purpose']")).to_have_count(1)
    expect(summary.locator(f"a[href='#documents-{first}']")).to_have_count(0)  # that one is fine
    expect(page.locator("#applicant-name-error")).to_have_text("Vui lòng nhập thông tin này.")
    page.screenshot(path="/tmp/files-together.png", full_page=True)
    assert page.evaluate(OUTBOX) == []


def test_without_javascript_the_good_file_is_kept_after_a_refusal(browser, live_server, app, procedure,
                                                                   program, tmp_path):
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    good = tmp_path / "to-khai.pdf"
    good.write_bytes(pdf_bytes("to khai cua toi"))
    photo_path = tmp_path / "cccd.jpg"
    photo_path.write_bytes(jpeg_bytes())
    first, photo = procedure["requirements"][0], procedure["requirements"][1]
    try:
        page.goto(f"/thu-tuc/{procedure['code']}/nop")
        page.fill("#applicant-name", "Nguyễn Văn An")
        page.fill("#applicant-id_number", VALID_ID)
        page.fill("#applicant-phone", VALID_PHONE)
        page.fill("#applicant-address", "12 Lê Lợi, phường Long An, tỉnh Tây Ninh")
        page.fill("#fields-purpose", "")  # forgotten: said in the same answer as the file
        page.fill("#fields-copies", "2")
        page.set_input_files(f"#documents-{first}", str(good))
        page.set_input_files(f"#documents-{photo}", str(program))
        page.click(SUBMIT)

        summary = page.locator("#error-summary")
        expect(summary).to_contain_text(NOT_ACCEPTED)
        expect(summary.locator("a[href='#fields-purpose']")).to_have_count(1)
        kept = page.locator(f"[data-requirement='{first}'] .kept")
        expect(kept).to_contain_text("Đã nhận: to-khai.pdf, 1 KB — giữ lại")
        expect(kept.locator("input[type=checkbox]")).to_be_checked()
        expect(page.locator("#applicant-name")).to_have_value("Nguyễn Văn An")
        page.screenshot(path="/tmp/files-nojs-kept.png", full_page=True)

        # Only the bad one is chosen again; the PDF travels as its name on the server.
        page.fill("#fields-purpose", "Xin việc")
        page.set_input_files(f"#documents-{photo}", str(photo_path))
        page.click(SUBMIT)
        expect(page.locator("h1")).to_contain_text("Giấy tiếp nhận")
        page.screenshot(path="/tmp/files-nojs-receipt.png")
        [dossier] = dossiers(app)
        assert len(dossier["documents"]) == 2
        assert {d["requirement"] for d in dossier["documents"]} == {first, photo}
    finally:
        context.close()


def test_without_javascript_a_body_over_the_cap_comes_back_filled_in(browser, live_server, app, procedure,
                                                                      tmp_path):
    app.config.update(MAX_CONTENT_LENGTH=3 * 1024 * 1024, MAX_FILE_BYTES=1024 * 1024,
                      MAX_DOSSIER_BYTES=2 * 1024 * 1024)
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    scans = []
    for n in range(2):
        path = tmp_path / f"ban-scan-{n}.pdf"
        path.write_bytes(pdf_bytes()[:-6] + bytes([65 + n]) * int(1.6 * 1024 * 1024) + b"\n%%EOF\n")
        scans.append(path)
    try:
        page.goto(f"/thu-tuc/{procedure['code']}/nop")
        page.fill("#applicant-name", "Nguyễn Văn An")
        page.fill("#fields-purpose", "Xin việc")
        page.set_input_files(f"#documents-{procedure['requirements'][0]}", [str(p) for p in scans])
        page.click(SUBMIT)

        summary = page.locator("#error-summary")
        expect(summary).to_contain_text("Hồ sơ chưa được gửi: các tệp quá lớn")
        expect(summary).to_contain_text("Các tệp gửi cùng lúc nặng 3,2 MB, nên máy chủ không nhận hồ sơ "
                                        "và chưa lưu tệp nào. Mỗi tệp tối đa 1 MB, cả hồ sơ tối đa 2 MB.")
        expect(summary).to_contain_text("ban-scan-0.pdf quá lớn: tệp nặng 1,6 MB; mỗi tệp tối đa 1 MB.")
        expect(page.locator("#applicant-name")).to_have_value("Nguyễn Văn An")
        expect(page.locator("#fields-purpose")).to_have_value("Xin việc")
        page.screenshot(path="/tmp/files-nojs-413.png")
        assert dossiers(app) == []
    finally:
        context.close()
