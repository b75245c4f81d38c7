"""Photo checks benchmark: static/js/photo-check.js in Chromium over labelled photos.

    .venv/bin/python bench/photo_checks.py [--seed 2] [--count 120] [--tuned-on 1] [--rounds 3]

Draws `count` labelled photos (bench/photos/generate.py, seed `seed`) into a temporary
folder, serves them with static/ (and the app's Content-Security-Policy) on 127.0.0.1, and
in Debian's Chromium (/usr/bin/chromium, never downloaded) runs each through what the apply
form does: photo.js prepare() (at most 1600 px, JPEG), then photo-check.js checkPhoto().
LIMITS in photo-check.js were tuned on `--tuned-on`'s photos (measured too): measure another seed.

Prints and writes bench/results/photo_checks.json: agreement of the first issue found (or
none) with the label, the confusion per class, the issues' figures per class, and the time
per photo of checkPhoto() (decode, downscale, measure; the median over `rounds` for each
photo, then the median and p95 over photos), `measure()` alone beside it. Targets: ≥ 90 %, < 20 ms.
"""

import argparse
import contextlib
import http.server
import json
import os
import statistics
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from app.security import CSP  # noqa: E402
from bench.photos.generate import CLASSES, generate  # noqa: E402
from tests.browser.conftest import ARGS, CHROMIUM, PHONE  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "photo_checks.json"
TARGETS = {"agreement": 0.90, "median_ms": 20.0}
PAGE = b"<!doctype html><meta charset=utf-8><title>photo checks</title><p>photo checks</p>"

# In the page: prepare each photo as files.js does, then time checkPhoto() and measure().
RUN = """async ({ names, rounds, imageDecoder }) => {
  const { prepare } = await import('/static/js/photo.js');
  const { checkPhoto, measure } = await import('/static/js/photo-check.js');
  const out = [];
  for (const name of names) {
    const blob = await (await fetch('/photos/' + name)).blob();
    const f = await prepare(new File([blob], name, { type: 'image/jpeg' }));
    const total = [], alone = [];
    let check = null;
    for (let r = 0; r < rounds; r += 1) {
      const t0 = performance.now();
      check = await checkPhoto(f, { imageDecoder });
      total.push(performance.now() - t0);
      const bitmap = await createImageBitmap(new Blob([f.bytes], { type: f.type }));
      const s = Math.min(1, 512 / Math.max(bitmap.width, bitmap.height));
      const w = Math.round(bitmap.width * s), h = Math.round(bitmap.height * s);
      const ctx = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0, w, h);
      bitmap.close();
      const data = ctx.getImageData(0, 0, w, h).data;
      const t1 = performance.now();
      measure(data, w, h);
      alone.push(performance.now() - t1);
    }
    out.push({ name, sent_bytes: f.size, check, total, alone });
  }
  return out;
}"""


class Handler(http.server.SimpleHTTPRequestHandler):
    """/static/... from the repository, /photos/... from the photo folder, / a blank page."""

    photos: Path = Path()

    def translate_path(self, path):
        path = path.split("?", 1)[0]
        if path.startswith("/static/"):
            return str(ROOT / "static" / path.removeprefix("/static/"))
        if path.startswith("/photos/"):
            sub, _, name = path.removeprefix("/photos/").partition("/")
            return str(self.photos / Path(sub).name / Path(name).name)
        return str(ROOT / "nonexistent")

    def do_GET(self):
        if self.path == "/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", CSP)
            self.end_headers()
            self.wfile.write(PAGE)
            return
        super().do_GET()

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass


# In the page: the issues each photo's metrics give under other limits (for --tune).
JUDGE = """async ({ checks, limits }) => {
  const { judge } = await import('/static/js/photo-check.js');
  return checks.map((c) => (c ? judge(c.metrics, c.width, c.height, limits)[0] || 'ok' : 'ok'));
}"""
GRID = {"minLong": range(700, 1300, 50), "minShort": range(400, 900, 50),
        "sharp": [x / 100 for x in range(5, 50, 1)], "dark": range(60, 160, 5),
        "brightPaper": range(215, 256, 2), "brightInk": range(60, 220, 5),
        "glare": [x / 1000 for x in range(5, 100, 5)], "glarePaper": range(200, 256, 2)}


def tune(page, rows: list[dict]) -> dict:
    """Coordinate descent over LIMITS on `rows`: each value in turn set to the middle of the
    widest run of its grid that agrees best with the labels, the others held."""
    checks = [r["check"] for r in rows]
    labels = [r["label"] for r in rows]
    limits = page.evaluate("async () => ({ ...(await import('/static/js/photo-check.js')).LIMITS })")

    def score(trial):
        found = page.evaluate(JUDGE, {"checks": checks, "limits": trial})
        return sum(a == b for a, b in zip(found, labels, strict=True))

    for _ in range(2):
        for key, grid in GRID.items():
            scored = [(score(limits | {key: v}), v) for v in grid]
            best = max(s for s, _ in scored)
            runs, run = [], []
            for s, v in scored:
                if s == best:
                    run.append(v)
                elif run:
                    runs.append(run)
                    run = []
            runs.append(run) if run else None
            widest = max(runs, key=len)
            limits[key] = widest[len(widest) // 2]
    return {"limits": limits, "agreement": round(score(limits) / len(rows), 4)}


@contextlib.contextmanager
def served(browser, folder: Path):
    """A page at the root of a server of static/ and `folder` (/photos/...), watched for errors."""
    handler = type("H", (Handler,), {"photos": folder})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    page = browser.new_page(viewport=PHONE, base_url=f"http://127.0.0.1:{server.server_port}")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: "Content Security Policy" in msg.text and errors.append(msg.text))
    page.goto("/")
    try:
        yield page
    finally:
        page.close()
        server.shutdown()
        server.server_close()
    if errors:
        raise SystemExit(f"the page reported errors: {errors}")


def run_set(page, sub: str, rows: list[dict], rounds: int, image_decoder: bool = True) -> list[dict]:
    """Check every photo of `rows` (in the folder `sub`); return one row per photo."""
    options = {"rounds": rounds, "imageDecoder": image_decoder}
    names = [f"{sub}/{r['file']}" for r in rows]
    page.evaluate(RUN, {**options, "names": names[:1]})  # warm-up: JIT, decoders
    out = page.evaluate(RUN, {**options, "names": names})
    for row, made in zip(out, rows, strict=True):
        issues = (row["check"] or {}).get("issues", [])
        row.update(label=made["label"], kind=made["kind"], issues=issues,
                   predicted=issues[0] if issues else "ok")
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "p95": round(pct(values, 0.95), 2)}


def summarise(rows: list[dict]) -> dict:
    """Agreement, confusion (label -> predicted -> count), figures per class, times."""
    confusion = {a: {b: 0 for b in CLASSES} for a in CLASSES}
    for r in rows:
        confusion[r["label"]][r["predicted"]] += 1
    agree = sum(r["label"] == r["predicted"] for r in rows)
    exact = sum((r["issues"] == [] and r["label"] == "ok") or r["issues"] == [r["label"]] for r in rows)
    figures = {}
    for label in CLASSES:
        mine = [r["check"]["metrics"] for r in rows if r["label"] == label and r["check"]]
        figures[label] = {k: [f(m[k] for m in mine) for f in (min, statistics.median, max)]
                          for k in ("sharpness", "ink", "p50", "p95", "glare")} if mine else {}
    per_photo = [statistics.median(r["total"]) for r in rows]
    best = [min(r["total"]) for r in rows]
    alone = [statistics.median(r["alone"]) for r in rows]
    return {
        "photos": len(rows),
        "agreement": round(agree / len(rows), 4),
        "exact_issue_set": round(exact / len(rows), 4),
        "recall": {c: round(confusion[c][c] / max(1, sum(confusion[c].values())), 3) for c in CLASSES},
        "confusion": confusion,
        "wrong": [{"name": r["name"], "label": r["label"], "kind": r["kind"], "issues": r["issues"],
                   "metrics": (r["check"] or {}).get("metrics")}
                  for r in rows if r["label"] != r["predicted"]],
        "figures_min_median_max": figures,
        "check_ms": spread(per_photo) | {"max": round(max(per_photo), 2)},
        # each photo's fastest round: what the check costs when the machine is not shared
        "check_best_of_rounds_ms": spread(best),
        "measure_only_ms": spread(alone),
    }


def show(name: str, s: dict) -> None:
    print(f"\n{name}: {s['photos']} photos, agreement {s['agreement']:.1%} "
          f"(exact issue set {s['exact_issue_set']:.1%})")
    print("  label \\ found " + " ".join(f"{c:>7}" for c in CLASSES))
    for label in CLASSES:
        print(f"  {label:>14} " + " ".join(f"{s['confusion'][label][c]:>7}" for c in CLASSES))
    t, m = s["check_ms"], s["measure_only_ms"]
    b = s["check_best_of_rounds_ms"]
    print(f"  checkPhoto: median {t['median']} ms, p95 {t['p95']} ms, max {t['max']} ms "
          f"(best of rounds: median {b['median']} ms, p95 {b['p95']} ms); "
          f"measure() alone: median {m['median']} ms, p95 {m['p95']} ms")
    for w in s["wrong"]:
        print(f"  wrong: {w['name']} ({w['kind']}) -> {w['issues']} {w['metrics']}")


def photos(folder: Path, seed: int, count: int) -> list[dict]:
    """The labelled photos in `folder`: those a run left there, or drawn now."""
    labels = folder / "labels.json"
    if labels.exists():
        kept = json.loads(labels.read_text())
        if kept["seed"] == seed and len(kept["photos"]) == count:
            return kept["photos"]
    return generate(folder, seed, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2, help="the photos measured")
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--tuned-on", type=int, default=1, help="the seed the thresholds were tuned on")
    parser.add_argument("--tune", action="store_true",
                        help="also print the limits that fit the --tuned-on photos best (changes nothing)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the photos here instead of a temporary folder, "
                        "or take them from there if a run left the same seed and count (delete it after "
                        "changing the generator)")
    args = parser.parse_args()
    results = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "targets": TARGETS,
               "load_before": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
               "chromium": CHROMIUM, "count": args.count, "rounds": args.rounds, "sets": {}}
    seeds = {"measured": args.seed} | ({"tuning": args.tuned_on} if args.tuned_on != args.seed else {})
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        root = args.keep or Path(tmp)
        made = {name: photos(root / f"seed-{seed}", seed, args.count) for name, seed in seeds.items()}
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        results["chromium_version"] = browser.version
        with served(browser, root) as page:
            checked = {}
            for name, seed in seeds.items():
                for decoder in (True, False):
                    checked[name, decoder] = run_set(page, f"seed-{seed}", made[name], args.rounds, decoder)
            for name, seed in seeds.items():
                summary = summarise(checked[name, True])
                results["sets"][name] = {"seed": seed, **summary}
                show(f"{name} set (seed {seed})", summary)
                # Browsers without WebCodecs' ImageDecoder decode at full size, then draw it small.
                other = summarise(checked[name, False])
                results["sets"][name]["without_image_decoder"] = other
                print(f"  without ImageDecoder: agreement {other['agreement']:.1%}, checkPhoto median "
                      f"{other['check_ms']['median']} ms, p95 {other['check_ms']['p95']} ms")
            if args.tune:
                name = next(n for n, s in seeds.items() if s == args.tuned_on)
                rows = checked[name, True] + checked[name, False]
                results["tuned"] = {"seed": args.tuned_on, **tune(page, rows)}
                print(f"\nlimits fitting seed {args.tuned_on} best, both paths "
                      f"({results['tuned']['agreement']:.1%}): {json.dumps(results['tuned']['limits'])}")
        browser.close()
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    measured = results["sets"]["measured"]
    results["met"] = {"agreement": measured["agreement"] >= TARGETS["agreement"],
                      "median_ms": measured["check_ms"]["median"] < TARGETS["median_ms"]}
    print(f"\nload average before {results['load_before']}, after {results['load_after']} "
          f"({results['cpus']} CPUs); targets met: {results['met']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
