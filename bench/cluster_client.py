"""Phones for bench/cluster.py: dossiers with real files, sent the way the PWA's outbox sends them.

One item is one dossier: its files go first, each alone, `PUT /api/v1/blobs/<sha256>`, then
`POST /api/v1/dossiers` with the item's id as Idempotency-Key (static/js/send.js). The answer
is sorted as the outbox sorts it: no answer, 408, 429 and 5xx are retried by themselves
(static/js/backoff.js: a network error soon, 1 s doubling to 5 s; a server error 1 s doubling,
never before Retry-After), 409 blobs_missing sends the missing files again, anything else is
a refusal the person would have to look at, which this proof counts as a failure. Each phone
keeps its cookies (the signed session names the sender) across items, as a browser does.
"""

from __future__ import annotations

import hashlib
import io
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests

from tests.factories import pdf_bytes  # the same small valid PDF the tests use

CAP_NETWORK, CAP_SERVER = 5.0, 300.0


def photo(seed: int, side: int = 160) -> bytes:
    """A JPEG of noise (no metadata: kept byte for byte, so its address is its hash)."""
    from PIL import Image

    rng = random.Random(seed)
    img = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def choose_procedure(procedures: list[dict]) -> dict:
    """A procedure with only plain fields (no dates to get right) and two files or more it must
    have, one of which may be a photo."""
    plain = {"text", "textarea", "number", "select"}
    fits = []
    for proc in procedures:
        mandatory = [r for r in proc["requirements"] if r["mandatory"]]
        if (len(mandatory) >= 2 and any("jpeg" in r["types"] for r in mandatory)
                and all(f["type"] in plain for f in proc["fields"] or [])):
            fits.append((len(mandatory), proc["code"], proc))
    if fits:  # the fewest files: a dossier of the common kind, a form and a photo
        return min(fits, key=lambda fit: fit[:2])[2]
    raise RuntimeError("no demo procedure with plain fields only")


def field_value(spec: dict):
    if spec["type"] == "number":
        return spec.get("min", 1)
    if spec["type"] == "select":
        first = (spec.get("choices") or spec.get("options"))[0]
        return first["value"] if isinstance(first, dict) else first
    return "Nộp thử qua hai máy chủ"


@dataclass
class Item:
    """One dossier in a phone's outbox."""

    n: int
    key: str
    body: dict
    files: list[tuple[str, bytes]]  # (sha256, bytes)
    sent: set[str] = field(default_factory=set)
    codes: list[str] = field(default_factory=list)  # the code of every 200/201 answer
    outcome: str = "waiting"
    error: str = ""
    tries: int = 0


def make_item(n: int, proc: dict, run: str) -> Item:
    files, documents = [], []
    mandatory = [r for r in proc["requirements"] if r["mandatory"]]
    photo_at = next(k for k, r in enumerate(mandatory) if "jpeg" in r["types"])
    for k, req in enumerate(mandatory):
        seed = int(hashlib.sha256(f"{run}/{n}/{k}".encode()).hexdigest()[:8], 16)
        jpeg = k == photo_at or "pdf" not in req["types"]
        data = photo(seed) if jpeg else pdf_bytes(f"{run} {n} {k}")
        digest = hashlib.sha256(data).hexdigest()
        files.append((digest, data))
        documents.append({"requirement": req["id"], "sha256": digest,
                          "name": f"tep-{n}-{k}.{'jpg' if jpeg else 'pdf'}"})
    body = {"procedure": proc["code"],
            "applicant": {"name": f"Người nộp {n}", "id_number": "079203001234",
                          "phone": f"09{n:08d}", "email": f"nguoi{n}@example.vn",
                          "address": "12 Lê Lợi, phường Long An, tỉnh Tây Ninh"},
            "fields": {f["name"]: field_value(f) for f in proc["fields"] or []},
            "documents": documents}
    return Item(n, str(uuid.uuid4()), body, files)


class Tally:
    """What the phones saw, across threads: answers by status and by server, retries."""

    def __init__(self):
        self.lock = threading.Lock()
        self.status: Counter = Counter()
        self.served_by: Counter = Counter()
        self.retries = 0
        self.done = 0
        self.finished_at = 0.0
        self.samples: list[str] = []  # the first few failures, for the log

    def answer(self, method: str, status: int, server: str | None, text: str = "") -> None:
        with self.lock:
            self.status[f"{method} {status or 'no answer'}"] += 1
            if server:
                self.served_by[server] += 1
            if (status == 0 or status >= 500) and len(self.samples) < 10:
                self.samples.append(f"{status} {server or '-'} {text[:120]}")


class Phone:
    """One browser: its own cookies, sending its items one after another."""

    def __init__(self, base: str, tally: Tally, deadline: float):
        self.base, self.tally, self.deadline = base, tally, deadline
        self.http = requests.Session()

    def call(self, method: str, path: str, **kw) -> tuple[int, dict, str | None]:
        try:
            answer = self.http.request(method, self.base + path, timeout=(5, 60), **kw)
        except requests.RequestException as exc:
            self.tally.answer(method, 0, None, f"{method} {path[:20]} {type(exc).__name__}")
            return 0, {}, None
        self.tally.answer(method, answer.status_code, answer.headers.get("X-Served-By"),
                          f"{method} {path[:20]} {answer.text[:80]}" if answer.status_code >= 500 else "")
        try:
            body = answer.json()
        except ValueError:
            body = {}
        return answer.status_code, body if isinstance(body, dict) else {}, answer.headers.get("Retry-After")

    def attempt(self, item: Item) -> tuple[int, dict, str | None]:
        """One try (send.js `send`): the files not yet confirmed, then the request."""
        for _round in range(3):
            for digest, data in item.files:
                if digest in item.sent:
                    continue
                status, body, after = self.call("PUT", f"/api/v1/blobs/{digest}", data=data,
                                                headers={"Content-Type": "application/octet-stream"})
                if status not in (200, 201):
                    return status, body, after
                item.sent.add(digest)
            status, body, after = self.call("POST", "/api/v1/dossiers", json=item.body,
                                            headers={"Idempotency-Key": item.key})
            if status in (200, 201):
                item.codes.append(body.get("code", ""))
                return status, body, after
            missing = (body.get("details") or {}).get("missing") if status == 409 else None
            if body.get("error") != "blobs_missing":
                return status, body, after
            item.sent -= set(missing or [])
        return 0, {}, None

    def send(self, item: Item) -> None:
        streak_kind, n = None, 0
        while time.monotonic() < self.deadline:
            item.tries += 1
            status, body, after = self.attempt(item)
            if status in (200, 201):
                item.outcome = "sent"
                break
            if not (status == 0 or status in (408, 429) or status >= 500):
                item.outcome, item.error = "attention", f"{status} {body.get('error', '')}"
                break
            kind = "network" if status == 0 else "server"
            n = n + 1 if kind == streak_kind else 1
            streak_kind = kind
            cap = CAP_NETWORK if kind == "network" else CAP_SERVER
            wait = min(cap, 2 ** (n - 1)) * (0.8 + random.random() * 0.4)
            if after and after.isdigit():
                wait = max(wait, min(3600, int(after)))
            with self.tally.lock:
                self.tally.retries += 1
            time.sleep(min(wait, max(0.0, self.deadline - time.monotonic())))
        else:
            item.outcome = "timeout"
        with self.tally.lock:
            self.tally.done += 1


def send_all(base: str, items: list[Item], phones: int, tally: Tally, deadline: float) -> None:
    """`phones` threads, each a Phone taking the next item until none is left."""
    queue = list(reversed(items))
    lock = threading.Lock()

    def run():
        phone = Phone(base, tally, deadline)
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            phone.send(item)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1.0, deadline - time.monotonic() + 30))
    tally.finished_at = time.monotonic()
