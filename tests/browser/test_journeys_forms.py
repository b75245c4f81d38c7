"""Every form a person fills, answered with an error, on a phone with JavaScript on.

Boosted forms are answered by htmx, which swaps a 4xx page in (base.html's htmx-config);
the others load the page as a browser does. Either way the error must be on screen and
focused (static/js/app.js), so the person sees it and a screen reader reads it first.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.lib.time import local_today
from tests.factories import STAFF_PASSWORD, make_dossier, make_procedure, make_user

pytestmark = pytest.mark.browser

NO_OUTBOX = "**/static/js/main.js*"  # the script that brings the outbox: htmx alone remains


def seen(locator) -> None:
    """The error is on screen at 360 px and has the focus."""
    expect(locator).to_be_visible()
    expect(locator).to_be_in_viewport()
    expect(locator).to_be_focused()


def _user(app, role: str, **kw) -> str:
    with app.app_context():
        email = make_user(role, **kw).email
        db.session.remove()
        return email


def _sign_in(page, email: str, password: str = STAFF_PASSWORD) -> None:
    page.goto("/dang-nhap")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form [type=submit]")


def test_sign_in_with_a_wrong_password_then_too_often(page, app):
    app.config["SIGNIN_FREE_ATTEMPTS"] = 2  # then a wait (app/auth/throttle.py)
    email = _user(app, "reception")
    for _n in range(2):
        _sign_in(page, email, "sai-mat-khau")
        seen(page.locator("#error-summary"))
        expect(page.locator("#error-summary")).to_contain_text("mật khẩu không đúng")
    _sign_in(page, email, "sai-mat-khau")
    seen(page.locator("#error-summary"))
    expect(page.locator("#error-summary")).to_contain_text(re.compile(r"thử lại sau \d+ giây"))
    page.screenshot(path="/tmp/journeys/signin-429.png")


def test_register_with_nothing_filled(page):
    page.goto("/dang-ky")
    page.click("main form [type=submit]")
    seen(page.locator("#error-summary"))


def test_password_reset_asked_too_often(page, app):
    app.config["RESET_FREE_ATTEMPTS"] = 1
    for _n in range(2):
        page.goto("/quen-mat-khau")
        page.fill("#login", "ai-do@example.vn")
        page.click("main form [type=submit]")
    seen(page.locator("#error-summary"))
    expect(page.locator("#error-summary")).to_contain_text(re.compile(r"thử lại sau \d+ giây"))


def test_apply_without_the_outbox_with_nothing_filled(page, procedure):
    page.route(NO_OUTBOX, lambda route: route.abort())
    page.goto(f"/thu-tuc/{procedure['code']}/nop")
    page.click("#apply-form [type=submit]")
    seen(page.locator("#error-summary"))
    page.screenshot(path="/tmp/journeys/apply-no-outbox.png")


def test_supplement_sent_without_a_file(page, app):
    from app.services import workflow
    from app.services.actors import Actor
    from app.services.dossiers.tracking import access_token

    with app.app_context():
        dossier = make_dossier(make_procedure())
        workflow.request_supplement(dossier, Actor("user", "reception", None, "Cán bộ"),
                                    "Bản sao giấy khai sinh", local_today() + timedelta(days=5))
        link = f"/ho-so/{dossier.code}/bo-sung?t={access_token(dossier)}"
        db.session.remove()
    page.route(NO_OUTBOX, lambda route: route.abort())
    page.goto(link)
    page.click("main form [type=submit]")
    seen(page.locator("#error-summary"))


def test_postal_request_without_an_address(page, app):
    from app.services.dossiers.tracking import access_token

    with app.app_context():
        dossier = make_dossier(make_procedure())
        link = f"/ho-so/{dossier.code}/buu-chinh?t={access_token(dossier)}"
        db.session.remove()
    page.route(NO_OUTBOX, lambda route: route.abort())
    page.goto(link)
    page.click("form#postal-form button[value=preview]")
    seen(page.locator("#error-summary"))


def test_rating_twice_says_it_was_already_given(page, app, client, refused_link):
    """The boosted rating form (no outbox): the server's 409 is swapped in and focused."""
    page.route(NO_OUTBOX, lambda route: route.abort())
    page.goto(refused_link)
    code = refused_link.split("/")[2].split("?")[0]
    token = refused_link.split("t=")[1]
    answer = client.post(f"/api/v1/dossiers/{code}/rating", json={"level": 3, "token": token},
                         headers={"Idempotency-Key": "0b6f7a8e-0000-4000-8000-000000000001"})
    assert answer.status_code in (200, 201), answer.get_json()
    page.check("input[name=level][value='2']")
    page.click("form#rating-form [type=submit]")
    seen(page.locator("#rating-error"))
    page.screenshot(path="/tmp/journeys/rating-409.png")


def test_staff_form_with_nothing_filled(page, app):
    _sign_in(page, _user(app, "admin"))
    page.wait_for_url("**/staff/**")
    page.goto("/staff/quan-tri/tai-khoan")
    page.click("form[action$='/quan-tri/tai-khoan'] [type=submit]")
    seen(page.locator("#error-summary"))


def test_an_unknown_dossier_link_says_so(page):
    """A boosted link to a page that answers 404: the error page replaces the old one."""
    page.goto("/tra-cuu")
    page.evaluate("""() => { const a = document.createElement('a'); a.href = '/ho-so/KHONG-CO';
        a.id = 'dead'; a.textContent = 'x'; document.querySelector('main').append(a); htmx.process(a); }""")
    page.click("#dead")
    seen(page.locator(".error-page"))
    expect(page).to_have_url(re.compile(r"/ho-so/KHONG-CO$"))
