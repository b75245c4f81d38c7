"""The scripts speak the page's language, from a JSON data block the CSP lets through."""

import pytest

from tests.browser.support import QUEUED, SUBMIT, fill_apply_form, open_form, wait_until

pytestmark = pytest.mark.browser


def test_an_english_page_gets_the_scripts_words_in_english(page, context, procedure, small_files):
    page.goto("/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/")
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    context.set_offline(True)
    page.click(SUBMIT)
    page.locator(QUEUED).wait_for()
    # "Gửi ngay" is written in apply-panels.js and translated in the English catalogue.
    assert page.locator(".outbox-notice.queued button").inner_text() == "Send now"
    context.set_offline(False)
    wait_until(page, "document.querySelector('.outbox-notice.queued .code')", timeout=30)  # sent
    # Placeholders are filled the way Python fills them, whatever the language.
    got = page.evaluate("""async () => {
        const { _ } = await import('/static/js/i18n.js');
        return [_('Gửi ngay'), _('Lưu lúc %(time)s', { time: '08:00 27/11/2026' }), _('%(missing)s')];
    }""")
    assert got == ["Send now", "Saved at 08:00 27/11/2026", "%(missing)s"]
