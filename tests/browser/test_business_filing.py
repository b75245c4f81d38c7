"""A member of a business, on a 360 px phone: accepts the invitation, files for the organisation
with the applicant block prefilled from it, and finds the dossier in the organisation's list."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Dossier
from app.services.accounts import memberships, organisations
from tests.browser.support import SUBMIT, open_form, wait_until
from tests.factories import STAFF_PASSWORD, VALID_ID, VALID_PHONE, make_user
from tests.org_helpers import ORG_ADDRESS, TAX_CODE

pytestmark = pytest.mark.browser


@pytest.fixture
def invited(app):
    """Công ty A, whose owner invited nhan@a.vn; that person already has an account."""
    with app.app_context():
        owner = make_user("business", email="chu@a.vn", name="Chủ Công Ty")
        org = organisations.create(owner, TAX_CODE, "Công ty A", ORG_ADDRESS)
        memberships.invite(org, "nhan@a.vn", owner)
        make_user("citizen", email="nhan@a.vn", name="Lê Văn Nhân")
        org_id = org.id
        db.session.remove()
        return org_id


def test_a_member_accepts_files_for_the_organisation_and_sees_it_listed(page, app, procedure,
                                                                         small_files, invited):
    page.goto("/dang-nhap")
    page.fill("#email", "nhan@a.vn")
    page.fill("#password", STAFF_PASSWORD)
    page.click("form[action='/dang-nhap'] button[type=submit]")
    expect(page.locator("main .notice").first).to_contain_text("Công ty A mời bạn tham gia tổ chức")

    page.get_by_role("link", name="Tài khoản").click()
    invitation = page.locator("#invitations")
    expect(invitation).to_contain_text("Công ty A")
    page.screenshot(path="/tmp/org-invitation.png", full_page=True)
    invitation.get_by_role("button", name="Chấp nhận").click()
    expect(page.locator("h1")).to_have_text("Công ty A")
    expect(page.locator("main .notice")).to_have_text("Bạn đã tham gia Công ty A.")

    open_form(page, procedure)
    card = page.locator(f"[data-org-card='{invited}']")
    expect(card).to_be_hidden()  # a citizen account starts personal, and chooses
    page.get_by_label("Nộp cho tổ chức Công ty A").check()
    expect(card).to_be_visible()
    expect(card.locator(".tax-code")).to_have_text(TAX_CODE)
    expect(page.locator("#applicant-block legend")).to_have_text("Người liên hệ của tổ chức")
    expect(page.locator("label[for=applicant-name]")).to_contain_text("Họ và tên người liên hệ")
    expect(page.locator("#applicant-address")).to_have_value(ORG_ADDRESS)
    expect(page.locator("#applicant-name")).to_have_value("Lê Văn Nhân")
    expect(page.locator("#applicant-email")).to_have_value("nhan@a.vn")
    expect(page.locator("input[name=return_method][value=post]")).to_be_checked()  # the firm's default
    # Back to personal and again: what the page prefilled follows the choice, the rest stays.
    page.get_by_label("Nộp với tư cách cá nhân").check()
    expect(card).to_be_hidden()
    expect(page.locator("#applicant-address")).to_have_value("")
    expect(page.locator("#applicant-block legend")).to_have_text("Người nộp hồ sơ")
    expect(page.locator("input[name=return_method][value=counter]")).to_be_checked()
    page.get_by_label("Nộp cho tổ chức Công ty A").check()
    expect(page.locator("#applicant-address")).to_have_value(ORG_ADDRESS)
    expect(page.locator("#applicant-name")).to_have_value("Lê Văn Nhân")

    page.fill("#applicant-id_number", VALID_ID)
    page.fill("#applicant-phone", VALID_PHONE)
    page.fill("#fields-purpose", "Hồ sơ của công ty")
    page.fill("#fields-copies", "1")
    for req, path in zip(procedure["requirements"], small_files, strict=False):
        page.set_input_files(f"#documents-{req}", str(path))
        wait_until(page, f"document.querySelector('[data-requirement=\"{req}\"] .file-name')", timeout=30)
    page.locator("#organisation").screenshot(path="/tmp/org-apply-choice.png")
    page.screenshot(path="/tmp/org-apply.png", full_page=True)
    page.click(SUBMIT)
    page.wait_for_url("**/bien-nhan?**", timeout=60000)
    expect(page.locator("main")).to_contain_text("Công ty A")

    with app.app_context():
        dossier = db.session.execute(db.select(Dossier)).scalar_one()
        code = dossier.code
        assert (dossier.organisation_id, dossier.tax_code) == (invited, TAX_CODE)
        assert dossier.applicant_kind == "business"
        assert (dossier.applicant_name, dossier.contact_name) == ("Công ty A", "Lê Văn Nhân")
        assert dossier.applicant_address == ORG_ADDRESS
        db.session.remove()

    page.goto(f"/to-chuc/{invited}")
    expect(page.locator("#org-dossiers")).to_contain_text(code)
    expect(page.locator("#org-dossiers")).to_contain_text("Lê Văn Nhân")
    page.screenshot(path="/tmp/org-list.png", full_page=True)
