"""An item whose files went up before blobs were held per sender (services/files/claims.py) still
goes, once: the server says its files are missing, the phone sends them again from IndexedDB,
then the dossier is filed, one dossier with its two documents, nothing asked of the person."""

import pytest

from app.extensions import db
from app.models.blob import BlobClaim
from tests.browser.support import (
    OUTBOX,
    QUEUED,
    SUBMIT,
    dossiers,
    fill_apply_form,
    open_form,
    sent_code,
    wait_for_worker,
    wait_until,
)

pytestmark = pytest.mark.browser


def forget_claims_before_the_first_manifest(page, app, answers: list) -> None:
    """The first time the manifest goes (nothing answered yet), its files are on the server as an
    older server kept them: rows and files, claimed by nobody (migration 0020 adds no claim)."""
    def as_before_claims(route):
        if not answers:
            with app.app_context():
                db.session.execute(db.delete(BlobClaim))
                db.session.commit()
                db.session.remove()
        route.continue_()

    page.route("**/api/v1/dossiers", as_before_claims)


def test_files_sent_before_claims_existed_are_sent_again_and_the_dossier_filed_once(
        page, context, procedure, app, small_files):
    puts, answers = [], []
    page.on("request", lambda r: "/api/v1/blobs/" in r.url and r.method == "PUT"
            and puts.append(r.url.rsplit("/", 1)[1]))
    page.on("response", lambda r: r.url.endswith("/api/v1/dossiers") and answers.append(r.status))

    forget_claims_before_the_first_manifest(page, app, answers)
    open_form(page, procedure)
    fill_apply_form(page, procedure, small_files)
    page.click(SUBMIT)
    page.wait_for_url("**/ho-so/*/bien-nhan*", timeout=60000)  # sent: the receipt, as for any dossier
    code = sent_code(page)
    assert code in page.url and code in page.locator("main").inner_text()

    assert answers == [409, 201]  # blobs_missing once, then filed
    [item] = page.evaluate(OUTBOX)
    sent = sorted(b["sha256"] for b in item["blobs"])
    assert sorted(puts) == sorted(sent * 2)  # each file once, then once again
    [dossier] = dossiers(app)
    assert dossier["code"] == code and dossier["client_id"] == item["id"]
    assert sorted(d["sha256"] for d in dossier["documents"]) == sent
    with app.app_context():
        held = sorted(db.session.execute(db.select(BlobClaim.sha256)).scalars())
        db.session.remove()
    assert held == sent  # claimed by this browser now


def test_a_dossier_queued_offline_whose_files_lost_their_claims_arrives_once(
        page, context, procedure, app, small_files):
    """Queued with no signal and the page reloaded (as a phone kept it across a deploy); when the
    signal comes back its files go up, the server has forgotten who sent them (as after the
    migration) and says they are missing: the phone sends them again from IndexedDB, once."""
    open_form(page, procedure)
    wait_for_worker(page)
    context.set_offline(True)
    page.reload()  # the form itself comes from the service worker
    wait_until(page, "document.querySelector('#apply-form[data-enhanced]')")
    fill_apply_form(page, procedure, small_files)
    page.click(SUBMIT)
    assert page.locator(QUEUED).inner_text() == "Đã lưu, sẽ gửi khi có mạng"
    page.reload()
    wait_until(page, "document.querySelector('[data-outbox-count]')")

    answers = []
    page.on("response", lambda r: r.url.endswith("/api/v1/dossiers") and answers.append(r.status))

    forget_claims_before_the_first_manifest(page, app, answers)
    context.set_offline(False)  # the `online` event starts the sync
    code = sent_code(page)
    assert answers == [409, 201]
    [dossier] = dossiers(app)
    [item] = page.evaluate(OUTBOX)
    assert dossier["code"] == code and dossier["client_id"] == item["id"]
    assert sorted(d["sha256"] for d in dossier["documents"]) == sorted(b["sha256"] for b in item["blobs"])
