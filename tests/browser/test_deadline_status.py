"""The citizen's status page on a phone says how many working days remain, in words."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def due_in_three(app):
    """The status page (signed link) of a dossier being processed, due in 3 working days."""
    from app.extensions import db
    from app.lib.time import local_today
    from app.services import workflow
    from app.services.actors import Actor
    from app.services.dossiers.tracking import access_token
    from app.services.workflow import deadlines
    from tests.factories import load_test_holidays, make_dossier, make_procedure

    with app.app_context():
        today = local_today()
        load_test_holidays(today.year, today.year + 1)
        dossier = make_dossier(make_procedure())
        rec = Actor("user", "reception", None, "Cán bộ")
        workflow.accept(dossier, rec)
        workflow.forward(dossier, rec)
        due = deadlines.load_calendar().add_working_days(today, 3)
        dossier.due_date = due  # pinned: the hour the test runs at must not move it
        db.session.commit()
        link = f"/ho-so/{dossier.code}?t={access_token(dossier)}"
        db.session.remove()
        return link, due


def test_status_page_shows_the_working_days_left_on_a_phone(page, due_in_three):
    link, due = due_in_three
    page.goto(link)
    box = page.locator("#due-status")
    expect(box.locator("strong")).to_have_text("Còn 3 ngày làm việc")
    expect(box).to_contain_text(f"đến ngày hẹn trả {due:%d/%m/%Y}")
    # It fits the 360 px screen: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert box.bounding_box()["width"] <= 360
    page.screenshot(path="/tmp/deadlines-status.png", full_page=False)
