"""An administrator issues a department API token (shown once) and revokes it, on a phone."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import ApiToken
from app.services.integration.tokens import digest
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.browser



def test_issue_a_token_see_it_once_then_revoke_it(page, app, admin_email):
    page.goto("/dang-nhap?next=/staff/quan-tri/ma-truy-cap")
    page.fill("#email", admin_email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Mã truy cập API")
    page.click("form.narrow button[type=submit]")  # nothing filled in: told what is missing
    expect(page.locator(".error-summary")).to_contain_text("Vui lòng chọn cơ quan.")
    page.select_option("#agency_id", label="Sở Tư pháp")
    page.fill("#name", "Phần mềm hộ tịch")
    page.check("input[name=scopes][value=write]")
    page.click("form.narrow button[type=submit]")
    shown = page.locator("#issued-token code")
    expect(shown).to_have_text(re.compile(r"^mc_[A-Za-z0-9_-]{43}$"))
    page.screenshot(path="/tmp/agency-api-token-issued.png", full_page=True)
    secret = shown.text_content()
    with app.app_context():
        token = db.session.execute(db.select(ApiToken)).scalar_one()
        assert token.token_hash == digest(secret) and token.scopes == "read,write"
        db.session.remove()
    page.click("button:has-text('Thu hồi')")
    expect(page.locator("table.queue")).to_contain_text("Đã thu hồi")
    expect(page.locator("#issued-token")).to_have_count(0)  # never shown again
    page.screenshot(path="/tmp/agency-api-token-revoked.png", full_page=True)
