"""A postal request in a real browser: wards by htmx, postage shown, sent through the outbox."""

import pytest

from app.extensions import db
from app.models import PostalRequest
from app.services.dossiers.tracking import access_token
from tests.browser.support import back_online, queue_offline
from tests.factories import make_dossier, make_procedure
from tests.postal_helpers import TAY_NINH, TAY_NINH_WARD, preview_postal

pytestmark = pytest.mark.browser


@pytest.fixture
def dossier_link(app):
    with app.app_context():
        dossier = make_dossier(make_procedure())
        link = f"/ho-so/{dossier.code}/buu-chinh?t={access_token(dossier)}"
        db.session.remove()
        return dossier.code, link


def _requests(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        found = db.session.execute(db.select(PostalRequest)).scalars()
        rows = [(r.client_key, r.state, r.fee) for r in found]
        db.session.remove()
        return rows


def _fill_and_preview(page, link):
    page.goto(link)
    page.fill("#street", "12 Lê Lợi")
    preview_postal(page, TAY_NINH, TAY_NINH_WARD)
    assert page.locator(".fee").inner_text() == "25.000 đ"


def test_postal_request_queued_offline_then_sent_once(page, context, app, dossier_link):
    code, link = dossier_link
    _fill_and_preview(page, link)
    item = queue_offline(page, context, "button[value=confirm]", "[data-postal-notice]")
    assert _requests(app) == []

    back_online(page, context)
    [(key, state, fee)] = _requests(app)
    assert key == item["id"] and state == "registered" and fee == 25000


def test_postal_request_online_goes_to_the_status_page(page, app, dossier_link):
    code, link = dossier_link
    _fill_and_preview(page, link)
    page.click("button[value=confirm]")
    page.wait_for_url(f"**/ho-so/{code}*")
    assert page.locator("[data-postal-state]").get_attribute("data-postal-state") == "registered"
    assert len(_requests(app)) == 1
