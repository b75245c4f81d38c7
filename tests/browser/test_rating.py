"""A rating in a real browser: queued on the device with no signal, sent once when back."""

import pytest

from app.extensions import db
from app.models import Rating
from app.services import workflow
from app.services.actors import Actor
from app.services.tracking import access_token
from tests.browser.support import OUTBOX, SETTLED_WAITING, wait_until
from tests.helpers import make_dossier, make_procedure

pytestmark = pytest.mark.browser


@pytest.fixture
def refused_link(app):
    with app.app_context():
        dossier = make_dossier(make_procedure())
        workflow.refuse(dossier, Actor("user", "reception", None, "Cán bộ"), "Sai thẩm quyền")
        link = f"/ho-so/{dossier.code}?t={access_token(dossier)}"
        db.session.remove()
        return link


def _ratings(app) -> list[tuple[str, int]]:
    with app.app_context():
        rows = [(r.client_key, r.level) for r in db.session.execute(db.select(Rating)).scalars()]
        db.session.remove()
        return rows


def test_rating_queued_offline_then_sent_once(page, context, app, refused_link):
    page.goto(refused_link)
    page.wait_for_selector("form#rating-form[data-enhanced]", state="attached")
    page.check("input[name=level][value='2']")
    page.fill("#comment", "Được hướng dẫn rõ ràng")
    context.set_offline(True)
    page.click("#rating-form button[type=submit]")
    wait_until(page, "document.querySelector('[data-rating-notice]:not([hidden])')")
    # Queued at once; a send tried while offline fails and the item settles back to waiting.
    [item] = wait_until(page, SETTLED_WAITING)
    assert item["state"] == "waiting" and item["blobs"] == []
    assert _ratings(app) == []

    context.set_offline(False)  # the `online` event flushes the outbox
    wait_until(page, "(await (" + OUTBOX + ")()).every((i) => i.state === 'sent')")
    assert _ratings(app) == [(item["id"], 2)]
