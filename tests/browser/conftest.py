"""Browser tests: the app served on 127.0.0.1 from a thread, driven by Debian's Chromium.

No browser is ever downloaded. Without Chromium (or the playwright package) these tests
are skipped with the reason; with REQUIRE_BROWSER=1 (as in .ci/run) they fail instead.
"""

import logging
import os
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.browser.photos import write_photos
from tests.factories import jpeg_bytes, make_agency, make_procedure, make_user

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def playwright():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM=...)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield browser
    browser.close()


def persistent_context(playwright, folder, base_url: str):
    """A browser with a profile on disk: unlike new_context(), not incognito (installable)."""
    return playwright.chromium.launch_persistent_context(
        str(folder), executable_path=CHROMIUM, headless=True, args=ARGS, base_url=base_url,
        viewport=PHONE, service_workers="allow")


@pytest.fixture(scope="session")
def live_server(app):
    """The test app (tests/conftest.py: TestConfig, SQLite file) on a free local port."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


class Console:
    """What the page reported: script errors and Content-Security-Policy violations."""

    def __init__(self):
        self.errors: list[str] = []

    def watch(self, page):
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: "Content Security Policy" in msg.text
                and self.errors.append(f"csp: {msg.text}"))


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(base_url=live_server, viewport=PHONE, service_workers="allow")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    console = Console()
    page = context.new_page()
    console.watch(page)
    yield page
    assert console.errors == [], "the page reported errors"


@pytest.fixture
def procedure(app):
    """The procedure the forms are filled for: two mandatory documents, two own fields."""
    with app.app_context():
        proc = make_procedure()
        return {"code": proc.code, "name": proc.name,
                "requirements": [r.id for r in proc.requirements]}


@pytest.fixture(scope="session")
def photos(tmp_path_factory):
    """Two different 12-megapixel camera-like JPEGs (about 5 MB each)."""
    return write_photos(tmp_path_factory.mktemp("photos"), 2)


@pytest.fixture
def small_files(tmp_path):
    """Two tiny JPEGs, for tests about the network rather than the photos."""
    paths = []
    for n, color in enumerate([(200, 30, 30), (30, 30, 200)]):
        path = tmp_path / f"giay-to-{n}.jpg"
        path.write_bytes(jpeg_bytes(64, 48, color=color))
        paths.append(path)
    return paths


@pytest.fixture
def refused_link(app):
    """The status page of a refused dossier (ratable), opened by its signed link."""
    from app.extensions import db
    from app.services import workflow
    from app.services.actors import Actor
    from app.services.dossiers.tracking import access_token
    from tests.factories import make_dossier

    with app.app_context():
        dossier = make_dossier(make_procedure())
        workflow.refuse(dossier, Actor("user", "reception", None, "Cán bộ"), "Sai thẩm quyền")
        link = f"/ho-so/{dossier.code}?t={access_token(dossier)}"
        db.session.remove()
        return link


@pytest.fixture
def admin_email(app):
    """An administrator (and one department to choose), signed in by the test through the form."""
    with app.app_context():
        make_agency("000.01.00.H40", "Sở Tư pháp")
        email = make_user("admin").email
        db.session.remove()
        return email
