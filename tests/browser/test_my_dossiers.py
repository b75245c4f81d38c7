""""Hồ sơ của tôi": remembered on the device, readable offline, refreshed when online."""

import pytest

from app.extensions import db
from app.models import Dossier, Status, StatusEvent
from tests.browser.support import (
    SUBMIT,
    fill_apply_form,
    open_form,
    sent_code,
    wait_for_worker,
    wait_until,
)
from tests.factories import VALID_PHONE, jpeg_bytes, make_procedure, manifest, new_key
from tests.helpers import post_dossier, put_blob

pytestmark = pytest.mark.browser


def accept(app, code: str) -> None:
    """What reception does at the counter, written straight to the database."""
    with app.app_context():
        dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()
        dossier.status = Status.ACCEPTED
        dossier.events.append(StatusEvent(from_status=Status.SUBMITTED, to_status=Status.ACCEPTED,
                                          actor_kind="system"))
        db.session.commit()
        db.session.remove()


def test_sent_dossier_is_listed_offline_and_refreshed_online(page, context, app, procedure, small_files):
    open_form(page, procedure)
    wait_for_worker(page)
    fill_apply_form(page, procedure, small_files)
    page.click(SUBMIT)
    page.wait_for_url("**/bien-nhan?t=*")
    code = sent_code(page)

    page.goto("/ho-so-cua-toi")
    card = page.locator(f".card[data-code='{code}']")
    card.wait_for()
    assert "Mới đăng ký" in card.inner_text()

    context.set_offline(True)
    page.reload()
    card.wait_for()
    assert "Mới đăng ký" in card.inner_text()
    assert "ngoại tuyến" in page.locator("[data-note]").inner_text()

    accept(app, code)
    context.set_offline(False)  # `online`: every remembered status is asked again
    wait_until(page, f"document.querySelector(\".card[data-code='{code}'] .badge\")"
                     ".textContent === 'Được tiếp nhận'")
    card.get_by_role("link", name=code).click()
    page.wait_for_url(f"**/ho-so/{code}?t=*")  # the receipt's token opens the status page too


def test_a_dossier_looked_up_here_joins_the_list(page, app, client):
    with app.app_context():
        proc = make_procedure()
        docs = [(0, jpeg_bytes(color=(1, 2, 3))), (1, jpeg_bytes(color=(3, 2, 1)))]
        for _i, data in docs:
            put_blob(client, data)
        code = post_dossier(client, manifest(proc, docs), new_key()).json["code"]
        db.session.remove()
    page.goto("/tra-cuu")
    wait_until(page, "document.querySelector('form.track[data-watched]')")
    page.fill("#code", code)
    page.fill("#secret", VALID_PHONE)
    page.click("form.track [type=submit]")
    page.wait_for_url(f"**/ho-so/{code}")
    page.goto("/ho-so-cua-toi")
    page.locator(f".card[data-code='{code}']").wait_for()
