"""A rating in a real browser: queued on the device with no signal, sent once when back."""

import pytest

from tests.browser.support import OUTBOX, SETTLED_WAITING, ratings, wait_until

pytestmark = pytest.mark.browser


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
    assert ratings(app) == []

    context.set_offline(False)  # the `online` event flushes the outbox
    wait_until(page, "(await (" + OUTBOX + ")()).every((i) => i.state === 'sent')")
    assert ratings(app) == [(item["id"], 2)]
