"""PWA benchmark: page weight, offline repeat visit, photo bytes, draining the outbox over 3G.

    .venv/bin/python bench/pwa.py [--dossiers 10]

Serves the app (demo catalogue, SQLite in a temporary folder) in this process on a free port
(127.0.0.1:5071-5079, bench/lib/serve.py) through a byte-counting middleware, and
drives Debian's Chromium (/usr/bin/chromium; never downloaded). Prints the figures and
writes bench/results/pwa.json. Photos are synthetic 12-megapixel camera-like JPEGs
(tests/browser/photos.py), about 5 MB each, since no real photos ship with the repository.
"""

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services.catalogue import seed  # noqa: E402
from bench.lib import results  # noqa: E402
from bench.lib.serve import free_port  # noqa: E402
from tests.browser.conftest import ARGS, CHROMIUM, PHONE  # noqa: E402
from tests.browser.photos import write_photos  # noqa: E402
from tests.browser.support import DRAFTS, OUTBOX, fill_apply_form, wait_for_worker, wait_until  # noqa: E402
from tests.factories import make_agency, make_procedure  # noqa: E402

KB = 1024
UP, DOWN, LATENCY_MS = 250_000, 750_000, 100  # bits/s, bits/s, ms: the "3G"


class Counter:
    """WSGI middleware: bytes each response puts on the wire (headers + compressed body)."""

    def __init__(self, app):
        self.app, self.lock, self.rows = app, threading.Lock(), []

    def __call__(self, environ, start_response):
        head = {}

        def start(status, headers, exc_info=None):
            head["n"] = len(status) + 13 + sum(len(k) + len(v) + 4 for k, v in headers)
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, start))
        with self.lock:
            self.rows.append((time.monotonic(), environ["PATH_INFO"], head["n"] + len(body)))
        return [body]

    def since(self, t0: float, skip_icons: bool = True) -> tuple[int, int]:
        rows = [r for r in self.rows if r[0] >= t0 and not (skip_icons and "/icons/" in r[1])]
        return sum(r[2] for r in rows), len(rows)


def serve(folder: Path):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'bench.sqlite3'}"
        BLOB_STORE = str(folder / "blobs")
        TRACK_RATE_LIMIT = "1000 per minute"

    app = create_app(Config)
    with app.app_context():
        upgrade()
        seed.load_catalogue()
        proc = make_procedure(make_agency(code="000.99.00.H40", name="Sở Thử nghiệm"), code="9.999999")
        target = {"code": proc.code, "requirements": [r.id for r in proc.requirements]}
        db.session.remove()
    counter = Counter(app)
    port = free_port(5071, 5079)
    server = make_server("127.0.0.1", port, counter, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, counter, f"http://127.0.0.1:{port}", target


def page_bytes(page, url: str) -> dict:
    """Compressed bytes the page itself fetched (not its service worker), icons excluded."""
    seen = []
    page.on("requestfinished", lambda r: seen.append(r))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    total = body = count = 0
    for r in seen:
        if "/static/icons/" in r.url:
            continue
        s = r.sizes()
        total += s["responseBodySize"] + s["responseHeadersSize"]
        body += s["responseBodySize"]
        count += 1
    return {"bytes": total, "kb": round(total / KB, 1), "body_kb": round(body / KB, 1),
            "requests": count, "target_kb": 60}


def first_visits(browser, base, target, counter) -> dict:
    out = {}
    for name, path in [("home", "/"), ("procedure_form", f"/thu-tuc/{target['code']}/nop")]:
        ctx = browser.new_context(base_url=base, viewport=PHONE)
        page = ctx.new_page()
        out[name] = page_bytes(page, path)
        t0 = time.monotonic()
        wait_for_worker(page)
        out[name]["then_service_worker_kb"] = round(counter.since(t0)[0] / KB, 1)
        ctx.close()
    return out


def offline_repeat_visit(browser, base, runs: int = 7) -> dict:
    ctx = browser.new_context(base_url=base, viewport=PHONE)
    page = ctx.new_page()
    page.goto("/")
    wait_for_worker(page)
    ctx.set_offline(True)
    fcp, load = [], []
    for _ in range(runs):
        page.goto("/", wait_until="load")
        # The paint entry can be recorded just after the load event: wait for it (up to 3 s)
        # rather than read it at once and miss it.
        timing = page.evaluate("""() => new Promise((resolve) => {
            const nav = performance.getEntriesByType('navigation')[0];
            const done = (fcp) => resolve({ load: nav.loadEventEnd, fcp });
            new PerformanceObserver((list) => {
                const paint = list.getEntriesByName('first-contentful-paint')[0];
                if (paint) done(paint.startTime);
            }).observe({ type: 'paint', buffered: true });
            setTimeout(() => done(null), 3000);
        })""")
        load.append(timing["load"])
        if timing["fcp"] is not None:
            fcp.append(timing["fcp"])
    ctx.close()
    return {"fcp_ms_median": round(statistics.median(fcp), 1) if fcp else None,
            "load_ms_median": round(statistics.median(load), 1), "runs": runs, "target_ms": 300}


def photo_ratio(browser, base, target, photos) -> dict:
    ctx = browser.new_context(base_url=base, viewport=PHONE)
    page = ctx.new_page()
    page.goto(f"/thu-tuc/{target['code']}/nop")
    wait_until(page, "document.querySelector('#apply-form[data-enhanced]')")
    page.fill("#applicant-name", "Ảnh thử")
    req = target["requirements"][0]
    page.set_input_files(f"#documents-{req}", [str(p) for p in photos])
    wait_until(page, f"(await ({DRAFTS})()).some((d) => d.files.length === {len(photos)})", timeout=120)
    [draft] = page.evaluate(DRAFTS)
    ctx.close()
    original = [p.stat().st_size for p in photos]
    sent = [f["size"] for f in draft["files"]]
    ratios = [o / s for o, s in zip(original, sent, strict=True)]
    return {"original_kb": [round(o / KB) for o in original], "sent_kb": [round(s / KB) for s in sent],
            "ratio_min": round(min(ratios), 1), "ratio_mean": round(statistics.mean(ratios), 1),
            "target_ratio": 8}


def drain(browser, base, target, photos, n: int) -> dict:
    ctx = browser.new_context(base_url=base, viewport=PHONE)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    page.goto(f"/thu-tuc/{target['code']}/nop")
    wait_for_worker(page)
    cdp.send("Network.emulateNetworkConditions",
             {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    for i in range(n):
        page.goto(f"/thu-tuc/{target['code']}/nop")
        wait_until(page, "document.querySelector('#apply-form[data-enhanced]')")
        fill_apply_form(page, target, photos[2 * i: 2 * i + 2])
        page.click("#apply-form [type=submit]")
        page.locator(".outbox-notice.queued h2").wait_for()
    page.goto("/hop-thu-di")
    wait_until(page, "document.querySelectorAll('.outbox-item[data-state=waiting]').length === " + str(n))
    up = []
    page.on("requestfinished", lambda r: "/api/v1/" in r.url and up.append(r.sizes()))
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": LATENCY_MS,
             "downloadThroughput": DOWN / 8, "uploadThroughput": UP / 8})
    t0 = time.monotonic()
    page.click("[data-flush]")
    wait_until(page, f"(async (i) => i.length === {n} && i.every((x) => x.state === 'sent'))"
                     f"(await ({OUTBOX})())", timeout=1800)
    seconds = time.monotonic() - t0
    ctx.close()
    sent = sum(s["requestBodySize"] + s["requestHeadersSize"] for s in up)
    ideal = sent * 8 / UP
    return {"dossiers": n, "photos": 2 * n, "requests": len(up), "bytes_up": sent,
            "seconds": round(seconds, 1), "ideal_seconds": round(ideal, 1),
            "ratio": round(seconds / ideal, 3), "target_ratio": 1.3,
            "network": {"down_kbit": DOWN // 1000, "up_kbit": UP // 1000, "latency_ms": LATENCY_MS}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        server, counter, base, target = serve(folder)
        print("drawing photos ...", flush=True)
        photos = write_photos(folder, 2 * args.dossiers)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        result = {"browser": browser.version}
        result["first_visit"] = first_visits(browser, base, target, counter)
        print("first visit:", json.dumps(result["first_visit"]), flush=True)
        result["offline_repeat_visit"] = offline_repeat_visit(browser, base)
        print("offline repeat visit:", json.dumps(result["offline_repeat_visit"]), flush=True)
        result["photo"] = photo_ratio(browser, base, target, photos[:3])
        print("photo:", json.dumps(result["photo"]), flush=True)
        result["drain_3g"] = drain(browser, base, target, photos, args.dossiers)
        print("drain over 3G:", json.dumps(result["drain_3g"]), flush=True)
        browser.close()
        server.shutdown()
    out = results.write_json(results.RESULTS / "pwa.json", result | {"machine": results.machine()})
    print(f"written {results.shown(out)}")


if __name__ == "__main__":
    main()
