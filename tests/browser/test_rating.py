"""A rating in a real browser: queued on the device with no signal, sent once when back."""

import pytest

from tests.browser.support import back_online, queue_offline, ratings

pytestmark = pytest.mark.browser


def test_rating_queued_offline_then_sent_once(page, context, app, refused_link):
    page.goto(refused_link)
    page.wait_for_selector("form#rating-form[data-enhanced]", state="attached")
    page.check("input[name=level][value='2']")
    page.fill("#comment", "Được hướng dẫn rõ ràng")
    item = queue_offline(page, context, "#rating-form button[type=submit]", "[data-rating-notice]")
    assert ratings(app) == []

    back_online(page, context)
    assert ratings(app) == [(item["id"], 2)]
