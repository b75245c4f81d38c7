"""A page kept from an older build (no address block) still gets its offline features.

After an update the service worker may show, offline, a page it kept from before the address
block existed. Each page with the block leaves a copy of the addresses in the browser, so such
a page is still enhanced (drafts, outbox); with no copy at all it stays plain HTML.
"""

import re

import pytest

from tests.browser.support import FORM_READY, wait_until

pytestmark = pytest.mark.browser

BLOCK = re.compile(r'<script type="application/json" id="js-routes">.*?</script>', re.S)


def _without_block(page, path: str) -> None:
    """Answer `path` as an older build would have: the same page without the address block."""
    def handle(route):
        response = route.fetch()
        html = BLOCK.sub("", response.text())
        assert "js-routes" not in html
        route.fulfill(response=response, body=html)

    page.route(f"**{path}", handle)


def test_an_old_page_uses_the_addresses_a_new_page_left(page, procedure):
    page.goto("/")  # a page of this build, online: it leaves its copy
    wait_until(page, "localStorage.getItem('motcua.routes')")
    form = f"/thu-tuc/{procedure['code']}/nop"
    _without_block(page, form)
    page.goto(form)
    wait_until(page, FORM_READY)  # enhanced: drafts and the outbox are there
    assert page.locator("#js-routes").count() == 0


def test_with_no_copy_an_old_page_stays_a_plain_form(page, procedure):
    form = f"/thu-tuc/{procedure['code']}/nop"
    _without_block(page, form)
    page.goto(form)
    page.wait_for_selector("#apply-form", state="attached")
    page.wait_for_load_state("load")
    assert page.evaluate("localStorage.getItem('motcua.routes')") is None
    assert page.locator("#apply-form[data-enhanced]").count() == 0
