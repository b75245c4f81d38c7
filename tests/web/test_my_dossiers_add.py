""""Hồ sơ của tôi → Thêm" without script: a POST with CSRF, answered as tracking is.

The phone or ID number travels in the body only; a wrong pair reads like an unknown code;
the lookups share the tracking rate limit (one bucket per client for every guess).
"""

from app.extensions import db
from app.models import Dossier
from tests.factories import VALID_PHONE, make_dossier, make_procedure
from tests.helpers import csrf_token, fresh_client

NOT_FOUND = "Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập."


def _add(client, code: str, secret: str, page: str = "/ho-so-cua-toi"):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post("/ho-so-cua-toi", data={"csrf_token": token, "code": code, "secret": secret})


def test_the_form_posts_with_a_csrf_token_and_no_secret_in_the_address(app, ctx):
    page = fresh_client(app).get("/ho-so-cua-toi").get_data(as_text=True)
    form = page[page.index("<form"):page.index("</form>")]
    assert 'method="post"' in form and 'action="/ho-so-cua-toi"' in form
    assert 'name="csrf_token"' in form and 'name="secret"' in form
    assert 'hx-boost="false"' in form  # its script owns it, not htmx


def test_a_wrong_pair_reads_like_an_unknown_code(app, ctx):
    dossier = make_dossier(make_procedure())
    client = fresh_client(app)
    wrong = _add(client, dossier.code, "0999999999")
    unknown = _add(client, "000.00.00.H40-991231-9999", VALID_PHONE)
    assert wrong.status_code == unknown.status_code == 404
    for answer in (wrong, unknown):
        body = answer.get_data(as_text=True)
        assert NOT_FOUND in body and 'role="alert"' in body
        assert "0999999999" not in body and VALID_PHONE not in body  # the secret is not echoed
    assert client.get(f"/ho-so/{dossier.code}").status_code == 404  # nothing was opened


def test_the_right_pair_opens_the_dossier(app, ctx):
    dossier = make_dossier(make_procedure())
    client = fresh_client(app)
    answer = _add(client, dossier.code.lower(), VALID_PHONE)
    assert answer.status_code == 303 and answer.headers["Location"] == f"/ho-so/{dossier.code}"
    assert dossier.code in client.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert db.session.get(Dossier, dossier.id).owner_id is None  # opened here, not claimed


def test_without_a_csrf_token_nothing_is_looked_up(app, ctx):
    dossier = make_dossier(make_procedure())
    client = fresh_client(app)
    answer = client.post("/ho-so-cua-toi", data={"code": dossier.code, "secret": VALID_PHONE})
    assert answer.status_code == 400
    assert client.get(f"/ho-so/{dossier.code}").status_code == 404


def test_it_shares_the_tracking_rate_limit_and_says_when_to_try_again(app, ctx):
    dossier = make_dossier(make_procedure())
    app.config["RATELIMIT_ENABLED"] = True
    app.config["TRACK_RATE_LIMIT"] = "2 per minute"
    client = fresh_client(app)
    token = csrf_token(client.get("/tra-cuu").get_data(as_text=True))
    assert client.post("/tra-cuu", data={"csrf_token": token, "code": dossier.code,
                                         "secret": "0999999999"}).status_code == 404
    assert _add(client, dossier.code, "0999999999").status_code == 404
    limited = _add(client, dossier.code, VALID_PHONE)  # even the right pair waits now
    assert limited.status_code == 429
    wait = int(limited.headers["Retry-After"])
    body = limited.get_data(as_text=True)
    assert 1 <= wait <= 61 and f"thử lại sau {wait} giây" in body
    assert 'href="/ho-so-cua-toi"' in body  # back to the form, once the wait is over


def test_the_account_claim_spends_the_same_bucket(app, ctx):
    from tests.factories import make_user
    from tests.helpers import sign_in

    dossier = make_dossier(make_procedure())
    app.config["RATELIMIT_ENABLED"] = True
    app.config["TRACK_RATE_LIMIT"] = "1 per minute"
    client = fresh_client(app)
    sign_in(client, make_user("citizen"))
    assert _add(client, dossier.code, "0999999999").status_code == 404
    token = csrf_token(client.get("/tai-khoan").get_data(as_text=True))
    claim = client.post("/tai-khoan/nhan-ho-so", data={"csrf_token": token, "code": dossier.code,
                                                       "phone": VALID_PHONE, "id_number": "0"})
    assert claim.status_code == 429


def test_the_device_list_points_to_the_accounts_dossiers(client):
    """Signed in on a new phone, the device's list is empty: the page says where they are."""
    page = client.get("/ho-so-cua-toi").get_data(as_text=True)
    assert 'href="/tai-khoan"' in page
