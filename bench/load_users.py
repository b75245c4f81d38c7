"""The people bench/load.py sends (a Locust file; bench/load.py runs it, headless, on loopback).

Citizens (9 in 10) browse the home page, the catalogue and procedure pages, search, track a
dossier (the API, by code and phone or ID number; or the form, then its status page), and submit: two
~300 KB photos through PUT /api/v1/blobs/<sha256>, then POST /api/v1/dossiers with an
Idempotency-Key; one submission in ten is sent again with the same key, as an outbox does when an
answer is lost, and must be answered as a replay. Officers (1 in 10) sign in through the form
(with its CSRF token) and page through the queue, open dossiers and read the report.

Every answer is checked against what it should be (a wrong pair is a 404, a replay a 200 with the
same code): anything else is an error. The data (seeded codes, officers, the procedure, photos)
comes from the JSON file named by BENCH_LOAD_DATA.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import struct
import uuid
from pathlib import Path

from locust import HttpUser, between, task

_FILE = os.environ.get("BENCH_LOAD_DATA")
DATA = json.loads(Path(_FILE).read_text()) if _FILE else {}
PHOTOS = [Path(p).read_bytes() for p in DATA.get("photos", [])]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Each created dossier's key and code, one line each: bench/load.py finds them in the database.
KEYS = open(os.environ["BENCH_LOAD_KEYS"], "a") if os.environ.get("BENCH_LOAD_KEYS") else None  # noqa: SIM115


def fresh_photo(rnd: random.Random) -> tuple[bytes, str]:
    """One of the base JPEGs with its own comment segment (as a camera writes one): new bytes,
    a new hash, still the same valid picture."""
    base = rnd.choice(PHOTOS)
    note = f"anh {uuid.UUID(int=rnd.getrandbits(128))}".encode()
    data = base[:2] + b"\xff\xfe" + struct.pack(">H", len(note) + 2) + note + base[2:]
    return data, hashlib.sha256(data).hexdigest()


class Citizen(HttpUser):
    weight = 9
    wait_time = between(1, 3)

    def on_start(self):
        self.rnd = random.Random()

    @task(2)
    def home(self):
        self.client.get("/", name="GET /")

    @task(3)
    def catalogue(self):
        self.client.get("/thu-tuc", name="GET /thu-tuc")

    @task(3)
    def search(self):
        self.client.get("/thu-tuc", params={"q": self.rnd.choice(DATA["queries"])},
                        name="GET /thu-tuc?q=")

    @task(3)
    def procedure(self):
        self.client.get(f"/thu-tuc/{self.rnd.choice(DATA['procedures'])}", name="GET /thu-tuc/<code>")

    @task(4)
    def track(self):
        code, phone, id_number = self.rnd.choice(DATA["pairs"])
        wrong = self.rnd.random() < 0.1
        secret = "0900000000" if wrong else self.rnd.choice((phone, id_number))
        with self.client.post("/api/v1/track", json={"code": code, "secret": secret},
                              name="POST /api/v1/track", catch_response=True) as r:
            if r.status_code != (404 if wrong else 200) or (not wrong and not r.json().get("timeline")):
                r.failure(f"{r.status_code}: {r.text[:200]}")
            else:
                r.success()  # a wrong pair's 404 is the right answer

    @task(1)
    def status_page(self):
        """Tracking without script: the form, then its answer, the dossier's status page."""
        code, phone, _id_number = self.rnd.choice(DATA["pairs"])
        form = self.client.get("/tra-cuu", params={"ma": code}, name="GET /tra-cuu")
        token = CSRF.search(form.text)
        with self.client.post("/tra-cuu", data={"code": code, "secret": phone,
                                                "csrf_token": token.group(1) if token else ""},
                              name="POST /tra-cuu -> GET /ho-so/<code>", catch_response=True) as r:
            if r.status_code != 200 or code not in r.text:
                r.failure(f"{r.status_code}: {r.text[:200]}")

    @task(1)
    def submit(self):
        photos = [fresh_photo(self.rnd) for _ in DATA["procedure"]["requirements"]]
        for data, digest in photos:
            with self.client.put(f"/api/v1/blobs/{digest}", data=data, name="PUT /api/v1/blobs/<sha256>",
                                 headers={"Content-Type": "application/octet-stream"},
                                 catch_response=True) as r:
                if r.status_code not in (200, 201):
                    r.failure(f"{r.status_code}: {r.text[:200]}")
                    return
        body = {"procedure": DATA["procedure"]["code"], "applicant": self.rnd.choice(DATA["applicants"]),
                "fields": self.rnd.choice(DATA["fields"]), "return_method": "counter",
                "documents": [{"requirement": req, "sha256": digest, "name": f"anh-{i + 1}.jpg"}
                              for i, (req, (_d, digest)) in enumerate(
                                  zip(DATA["procedure"]["requirements"], photos, strict=True))]}
        key = str(uuid.uuid4())
        code = self._post_dossier(body, key, 201, "POST /api/v1/dossiers")
        if code and KEYS:
            KEYS.write(f"{key} {code}\n")
            KEYS.flush()
        if code and self.rnd.random() < 0.1:
            self._post_dossier(body, key, 200, "POST /api/v1/dossiers (replay)", code)

    def _post_dossier(self, body, key, expected, name, code=None):
        with self.client.post("/api/v1/dossiers", json=body, headers={"Idempotency-Key": key},
                              name=name, catch_response=True) as r:
            is_json = r.headers.get("Content-Type", "").startswith("application/json")
            got = r.json().get("code") if is_json else None
            if r.status_code != expected or not got or (code and got != code):
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return None
            return got


class Officer(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.rnd = random.Random()
        who = self.rnd.choice(DATA["officers"])
        self.leader = who["role"] == "leader"
        form = self.client.get("/dang-nhap", name="GET /dang-nhap")
        token = CSRF.search(form.text)
        with self.client.post("/dang-nhap", name="POST /dang-nhap", allow_redirects=False,
                              catch_response=True,
                              data={"email": who["email"], "password": DATA["password"],
                                    "csrf_token": token.group(1) if token else ""}) as r:
            if r.status_code != 303:
                r.failure(f"sign-in: {r.status_code}: {r.text[:200]}")

    @task(4)
    def queue(self):
        self.client.get("/staff/", name="GET /staff/")

    @task(2)
    def queue_filtered(self):
        params = self.rnd.choice([{"status": "all"}, {"overdue": "1"}, {"soon": "1"},
                                  {"q": self.rnd.choice(DATA["pairs"])[1], "status": "all"}])
        self.client.get("/staff/", params=params, name="GET /staff/?filter")

    @task(3)
    def dossier(self):
        self.client.get(f"/staff/ho-so/{self.rnd.choice(DATA['pairs'])[0]}", name="GET /staff/ho-so/<code>")

    @task(1)
    def report(self):
        if self.leader:
            self.client.get("/staff/bao-cao", name="GET /staff/bao-cao")
        else:
            self.queue()
