"""A blurred photo kept anyway reaches staff with what the phone found (issue 14).

The applicant picks a blurred photo, is told so, taps "Vẫn dùng ảnh này" and sends; the
check goes through the outbox with the file, the document keeps it, and the officer's
dossier page says, beside that document and no other, that the photo may be blurred and the
applicant chose to keep it. Both at 360 px; the staff page also without script.
"""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Dossier
from tests.browser.conftest import PHONE
from tests.browser.support import SUBMIT, draw_photos, fill_with_a_blurred_photo
from tests.factories import STAFF_PASSWORD, make_user

pytestmark = pytest.mark.browser

NOTE = "Ảnh có thể bị mờ — người nộp vẫn gửi ảnh này."


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """A sharp photo and a blurred one, drawn by the benchmark's generator."""
    return draw_photos(tmp_path_factory.mktemp("staff-shots"), ("ok", "blurry"))


def _staff_page(browser, base_url: str, email: str, code: str, *, script: bool):
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=script)
    page = context.new_page()
    page.goto("/dang-nhap")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url("**/staff/**")
    page.goto(f"/staff/ho-so/{code}")
    return context, page


def test_staff_see_that_a_kept_photo_may_be_blurred(page, app, browser, live_server, procedure, shots):
    _, photo = fill_with_a_blurred_photo(page, procedure, shots)
    field = page.locator(f"[data-requirement='{photo}']")
    field.locator(".photo-hint").get_by_role("button", name="Vẫn dùng ảnh này").click()
    expect(field.locator(".photo-hint")).to_have_count(0)
    page.click(SUBMIT)
    page.wait_for_url("**/bien-nhan?t=*", timeout=60000)
    code = page.url.split("/ho-so/")[1].split("/")[0]

    with app.app_context():
        dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()
        checks = {d.original_name: d.photo_check for d in dossier.documents}
        email = make_user("reception", name="Trần Thị Quầy").email
        db.session.remove()
    assert checks["blurry.jpg"]["issues"] == ["blurry"]
    assert checks["ok.jpg"]["issues"] == []
    assert checks["blurry.jpg"]["width"] > 0 and 0 <= checks["blurry.jpg"]["sharpness"] < 0.2

    for script in (True, False):
        context, staff = _staff_page(browser, live_server, email, code, script=script)
        try:
            rows = staff.locator("ul.documents li")
            expect(rows.filter(has_text="blurry.jpg").locator(".photo-note")).to_have_text(NOTE)
            expect(rows.filter(has_text="ok.jpg").locator(".photo-note")).to_have_count(0)
            expect(staff.locator(".photo-note")).to_have_count(1)
            assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            staff.locator("ul.documents").screenshot(
                path=f"/tmp/photo-staff-note-{'js' if script else 'nojs'}.png")
        finally:
            context.close()
