"""The outbox on a flaky network: queued offline, then drained within a minute of the signal
coming back through resets (before and after the server answered) and 503s, exactly once.

bench/outbox_faults.py measures the same over many seeds.
"""

import time

import pytest

from tests.browser.faults import Faults
from tests.browser.photos import camera_jpeg
from tests.browser.support import (
    OUTBOX,
    QUEUED,
    SUBMIT,
    dossiers,
    fill_apply_form,
    open_form,
    wait_for_worker,
    wait_until,
)

pytestmark = pytest.mark.browser

N = 6
SEED = 20261127
SENT_CARDS = "document.querySelectorAll('.outbox-item[data-state=sent] .code').length"
IDLE = "((s) => !s.held.length && !s.pending.length)(await navigator.locks.query())"


@pytest.fixture(scope="module")
def camera_photos(tmp_path_factory):
    """Two different camera-like photos per dossier, big enough that the phone resizes them."""
    folder = tmp_path_factory.mktemp("fault-photos")
    paths = []
    for n in range(2 * N):
        path = folder / f"IMG_{n:04d}.jpg"
        path.write_bytes(camera_jpeg(100 + n, size=(2400, 1800)))
        paths.append(path)
    return paths


def queue_offline(page, context, procedure, photos, n: int) -> None:
    """Fill and submit `n` dossiers through the apply form with the network off."""
    open_form(page, procedure)
    wait_for_worker(page)
    context.set_offline(True)
    for i in range(n):
        open_form(page, procedure)  # from the service worker
        fill_apply_form(page, procedure, photos[2 * i: 2 * i + 2])
        page.fill("#applicant-name", f"Người nộp số {i + 1}")
        page.click(SUBMIT)
        assert page.locator(QUEUED).inner_text() == "Đã lưu, sẽ gửi khi có mạng"


def test_flaky_network_drains_the_outbox_within_a_minute_exactly_once(page, context, procedure, app,
                                                                       camera_photos):
    tried = []
    page.on("request", lambda r: "/api/v1/" in r.url and r.method in ("PUT", "POST") and tried.append(r.url))
    queue_offline(page, context, procedure, camera_photos, N)
    page.goto("/hop-thu-di")
    wait_until(page, f"document.querySelectorAll('.outbox-item[data-state=waiting]').length === {N}")
    queued = page.evaluate(OUTBOX)
    assert tried == []  # nothing is tried while the browser says it is offline
    assert [i["attempts"] for i in queued] == [0] * N
    assert dossiers(app) == []

    faults = Faults(SEED)
    faults.attach(page)
    started = time.monotonic()
    context.set_offline(False)  # the `online` event: everything is due now
    wait_until(page, f"{SENT_CARDS} === {N}", timeout=60)
    drained = time.monotonic() - started
    assert drained < 60
    # The seed gives every kind of fault, several times.
    assert min(faults.counts[k] for k in ("reset_before", "reset_after", "unavailable")) >= 2, faults.counts

    items = {i["id"]: i for i in page.evaluate(OUTBOX)}
    assert all(i["state"] == "sent" for i in items.values())
    held = dossiers(app)
    assert sorted(d["client_id"] for d in held) == sorted(items)  # exactly N, one per item
    for dossier in held:
        item = items[dossier["client_id"]]
        assert dossier["code"] == item["result"]["code"]
        assert sorted(d["sha256"] for d in dossier["documents"]) == sorted(b["sha256"] for b in item["blobs"])
        assert len(dossier["documents"]) == 2
    cards = page.locator(".outbox-item[data-state=sent] .code").all_inner_texts()
    assert sorted(cards) == sorted(d["code"] for d in held)  # a code shown for each

    # After a reload (and "Gửi ngay" pressed again) nothing goes up a second time.
    before = len(tried)
    page.reload()
    wait_until(page, f"{SENT_CARDS} === {N}")
    page.click("[data-flush]")
    wait_until(page, IDLE)
    assert len(tried) == before
    assert len(dossiers(app)) == N
