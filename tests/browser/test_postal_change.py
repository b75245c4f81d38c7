"""Changing and cancelling a postal request on a phone: what changes and the new postage, then the outbox."""

import os

import pytest

from app.extensions import db
from app.models import PostalRequest
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token
from app.services.postal import requests as postal
from tests.factories import make_dossier, make_procedure, new_key
from tests.postal_helpers import HANOI, postal_body, preview_postal

pytestmark = pytest.mark.browser
HANOI_WARD = 70
SHOTS = os.environ.get("SCREENSHOTS")  # a folder: keep pictures of the pages for a look by eye


@pytest.fixture
def asked(app):
    with app.app_context():
        dossier = make_dossier(make_procedure())
        req, _created = postal.register(dossier, postal_body(), new_key(), Actor.citizen(dossier))
        found = (dossier.code, req.id, f"/ho-so/{dossier.code}/buu-chinh?t={access_token(dossier)}")
        db.session.remove()
        return found


def _request(app, req_id: int) -> tuple:
    with app.app_context():
        req = db.session.get(PostalRequest, req_id)
        row = (req.province_code, req.fee, req.cancelled_at is not None,
               sorted(leg.state for leg in req.legs))
        db.session.remove()
        return row


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_change_shows_what_changes_and_goes_through_the_outbox(page, app, asked):
    code, req_id, link = asked
    page.goto(link)
    assert page.locator("#street").input_value() == "12 Lê Lợi"  # filled from the request
    _shot(page, "postal-change-form")
    preview_postal(page, HANOI, HANOI_WARD)
    assert page.locator(".fee").inner_text() == "35.000 đ"
    assert "Hà Nội" in page.locator("#postal-changes").inner_text()
    _shot(page, "postal-change-confirm")
    assert _request(app, req_id)[:2] == (80, 25000)  # nothing before confirming
    page.click("button[value=confirm]")
    page.wait_for_url(f"**/ho-so/{code}*")
    assert _request(app, req_id) == (HANOI, 35000, False, ["registered"])
    _shot(page, "postal-status-after-change")


def test_cancel_goes_through_the_outbox(page, app, asked):
    code, req_id, link = asked
    page.goto(link)
    page.wait_for_selector("form#postal-cancel[data-enhanced]", state="attached")
    page.fill("#reason", "Tự đến nhận")
    page.click("#postal-cancel button[value=confirm]")
    page.wait_for_url(f"**/ho-so/{code}*")
    assert _request(app, req_id)[2:] == (True, ["cancelled"])
    assert "Bạn đã hủy yêu cầu" in page.locator("#postal-state").inner_text()
