"""Fixtures the web tests share beyond tests/conftest.py: an administrator signed in, an SMTP server."""

import pytest
from aiosmtpd.controller import Controller

from tests.factories import make_user
from tests.helpers import fresh_client, sign_in
from tests.mailbox import Inbox, free_port


@pytest.fixture
def admin(ctx, client):
    """An administrator ("Quản Trị") signed in on `client`; the user is returned."""
    user = make_user("admin", name="Quản Trị")
    sign_in(client, user)
    return user


@pytest.fixture
def admin_client(app, ctx):
    """A client of its own signed in as an administrator, beside `client` (the public's)."""
    client = fresh_client(app)
    sign_in(client, make_user("admin"))
    return client


@pytest.fixture
def smtp(app):
    """An SMTP server on loopback that the app mails to: (its inbox, its aiosmtpd controller)."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    yield inbox, controller
    controller.stop()
