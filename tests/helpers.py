"""What tests do with a client: sign in, post forms with their CSRF token, put blobs, post dossiers.

The rows and files they start from are made in tests/factories.py.
"""

import contextvars
import re

from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.extensions import db
from tests.factories import STAFF_PASSWORD, sha


def put_blob(client, data: bytes, digest: str | None = None, **kw):
    """Upload a file as this client (held for it only: services/files/claims.py); `headers=bearer(...)`
    uploads as an agency."""
    return client.put(f"/api/v1/blobs/{digest or sha(data)}", data=data,
                      content_type="application/octet-stream", **kw)


def post_dossier(client, body: dict, key: str):
    return client.post("/api/v1/dossiers", json=body, headers={"Idempotency-Key": key})


def page_text(html: str) -> str:
    """A page's words as a person reads them: tags dropped, white space squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def client_id_of(html: str) -> str:
    match = re.search(r'name="client_id" value="([^"]+)"', html)
    assert match, "the form has no client_id"
    return match.group(1)


# --- Staff workspace -------------------------------------------------------------------------

class FreshContextClient(FlaskClient):
    """A test client whose requests never share `g` with the test's own app context.

    Flask reuses an app context that is already pushed (the `ctx` fixture's), so `g`, and
    with it Flask-Login's cached user and Flask-WTF's CSRF token, would leak from one
    request to the next. Each request here runs in an empty contextvars context instead,
    as it does in production; the test's session is expired afterwards so it reads fresh.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


def fresh_client(app) -> FreshContextClient:
    return FreshContextClient(app, app.response_class, use_cookies=True)


def sign_in(client, user, password: str = STAFF_PASSWORD):
    """Sign `user` (an account or its e-mail) in through the real form, CSRF token and all."""
    page = client.get("/dang-nhap").get_data(as_text=True)
    email = user if isinstance(user, str) else user.email
    response = client.post("/dang-nhap", data={
        "email": email, "password": password, "csrf_token": csrf_token(page)})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response


def form_post(client, url: str, data: dict | None = None, page: str = "/staff/", **kw):
    """POST a form the way a browser does, with the CSRF token from a page of the session."""
    html = client.get(page).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **(data or {})}, **kw)


def post_in_memory(client, url: str, data: dict):
    """Post a big multipart body built in memory: the test client would spool one over 500 KB
    to a temporary file it never closes (a ResourceWarning)."""
    items = MultiDict()
    for key, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            items.add(key, FileStorage(one[0], filename=one[1], name=key) if isinstance(one, tuple) else one)
    boundary, body = encode_multipart(items)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
