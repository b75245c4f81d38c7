#!/usr/bin/env python3
"""A department's connector to Một Cửa: what a vendor of a department's software would copy.

It follows the change feed (/api/v1/agency/dossiers/changes) into a local SQLite file,
downloads each dossier's documents, and pushes transitions back. It needs only `requests`.

    export MOTCUA_TOKEN=mc_...          # issued by the centre's administrator (read, write)
    python department_connector.py --url https://motcua.example.vn sync --once
    python department_connector.py --url ... act 000.00.00.H40-260101-0001 request_payment --note "..."
    python department_connector.py --url ... act CODE resolve --result ket-qua.pdf --return-method counter

How it stays exactly-once: each page of the feed and the cursor after it are written in one
SQLite transaction, so a crash replays at most that page (rows are upserts); a transition
is sent with one Idempotency-Key and retried with the same key, so it happens once.
"""

import argparse
import hashlib
import json
import os
import re
import sqlite3
import sys
import time
import uuid
from pathlib import Path

import requests

SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dossier (
    code TEXT PRIMARY KEY, status INTEGER NOT NULL, status_label TEXT NOT NULL, version INTEGER NOT NULL,
    change_seq INTEGER NOT NULL, procedure_code TEXT NOT NULL, applicant_name TEXT NOT NULL,
    due_date TEXT, item TEXT NOT NULL, synced_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS document (
    id INTEGER PRIMARY KEY, dossier_code TEXT NOT NULL REFERENCES dossier(code), round TEXT NOT NULL,
    name TEXT NOT NULL, media_type TEXT NOT NULL, sha256 TEXT NOT NULL, path TEXT NOT NULL);
"""
RETRIES = 4


class Api:
    """The few calls the connector makes, with the token and retries on network errors and 5xx."""

    def __init__(self, url: str, token: str, timeout: float = 30):
        self.url, self.timeout = url.rstrip("/"), timeout
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def call(self, method: str, path: str, **kw) -> requests.Response:
        for attempt in range(RETRIES):
            last = attempt == RETRIES - 1
            try:
                response = self.http.request(method, self.url + path, timeout=self.timeout, **kw)
            except requests.ConnectionError:
                if last:
                    raise
                wait = 2 ** attempt
            else:
                if last or (response.status_code < 500 and response.status_code not in (408, 429)):
                    return response
                after = response.headers.get("Retry-After", "")
                wait = max(2 ** attempt, int(after) if after.isdigit() else 0)
            time.sleep(min(30, wait))
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, **kw) -> dict:
        response = self.call(method, path, **kw)
        body = response.json() if response.content else {}
        if response.status_code >= 400:
            raise Refused(response.status_code, body)
        return body


class Refused(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"{status} {body.get('error')}: {body.get('message')}")
        self.status, self.body = status, body


def open_db(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    return db


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:80] or "file"


def download(api: Api, doc: dict, folder: Path) -> Path:
    """Fetch one document; check its bytes against the ETag (their SHA-256) before keeping them."""
    response = api.call("GET", doc["url"].removeprefix(api.url), stream=True)
    if response.status_code != 200:
        raise Refused(response.status_code, response.json())
    target = folder / f"{doc['id']}-{safe_name(doc['name'])}"
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, partial = hashlib.sha256(), target.with_suffix(target.suffix + ".part")
    with open(partial, "wb") as fh:
        for chunk in response.iter_content(64 * 1024):
            digest.update(chunk)
            fh.write(chunk)
    if f'"{digest.hexdigest()}"' != response.headers.get("ETag"):
        partial.unlink()
        raise RuntimeError(f"document {doc['id']} arrived damaged")
    partial.replace(target)
    return target


def store_page(db: sqlite3.Connection, api: Api, files: Path, items: list[dict], cursor: str) -> None:
    """Keep a page's dossiers and documents, and the cursor after them, all or nothing."""
    known = {row[0] for row in db.execute("SELECT id FROM document")}
    with db:
        for item in items:
            db.execute(
                "INSERT INTO dossier VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
                "status=excluded.status, status_label=excluded.status_label, version=excluded.version, "
                "change_seq=excluded.change_seq, due_date=excluded.due_date, item=excluded.item, "
                "synced_at=excluded.synced_at",
                (item["code"], item["status"], item["status_label"], item["version"], item["change_seq"],
                 item["procedure"]["code"], item["applicant"]["name"], item["due_date"],
                 json.dumps(item, ensure_ascii=False), time.time()))
            for doc in item["documents"]:
                if doc["id"] not in known:
                    path = download(api, doc, files / safe_name(item["code"]))
                    db.execute("INSERT OR REPLACE INTO document VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (doc["id"], item["code"], doc["round"], doc["name"], doc["media_type"],
                                doc["sha256"], str(path)))
        db.execute("INSERT OR REPLACE INTO state VALUES ('cursor', ?)", (cursor,))


def sync(api: Api, db: sqlite3.Connection, files: Path, once: bool, interval: float, limit: int) -> int:
    """Follow the feed from the stored cursor; with --once, stop when it has nothing more."""
    total = 0
    while True:
        row = db.execute("SELECT value FROM state WHERE key = 'cursor'").fetchone()
        params = {"limit": limit} | ({"after": row[0]} if row else {})
        page = api.json("GET", "/api/v1/agency/dossiers/changes", params=params)
        store_page(db, api, files, page["items"], page["next_cursor"])
        total += len(page["items"])
        if page["items"]:
            print(f"{len(page['items'])} changes, up to {page['items'][-1]['change_seq']}", file=sys.stderr)
        if not page["has_more"]:
            if once:
                return total
            time.sleep(interval)


def upload(api: Api, path: str) -> dict:
    """Send a result file first (PUT /api/v1/blobs/<sha256>); return the reference a transition names."""
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    api.json("PUT", f"/api/v1/blobs/{digest}", data=data,
             headers={"Content-Type": "application/octet-stream"})
    return {"sha256": digest, "name": Path(path).name}


def act(api: Api, args) -> dict:
    """Push one transition on the dossier's current version, once (one key, retried as is)."""
    code = args.code
    current = api.json("GET", f"/api/v1/agency/dossiers/{code}")
    body = {"action": args.action, "version": current["version"], "note": args.note}
    if args.items:
        body["items"] = args.items
    if args.deadline:
        body["deadline"] = args.deadline
    if args.result:
        body["results"] = [upload(api, path) for path in args.result]
    if args.return_method:
        body["return_method"] = args.return_method
    key = args.key or str(uuid.uuid4())
    return api.json("POST", f"/api/v1/agency/dossiers/{code}/transitions", json=body,
                    headers={"Idempotency-Key": key})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the centre's address, e.g. https://motcua.example.vn")
    parser.add_argument("--token", default=os.environ.get("MOTCUA_TOKEN"), help="default: $MOTCUA_TOKEN")
    parser.add_argument("--db", default="department.sqlite3", help="local SQLite file")
    parser.add_argument("--files", default="documents", help="folder for downloaded documents")
    commands = parser.add_subparsers(dest="command", required=True)
    follow = commands.add_parser("sync", help="follow the change feed")
    follow.add_argument("--once", action="store_true", help="stop when there is nothing more")
    follow.add_argument("--interval", type=float, default=30, help="seconds between polls")
    follow.add_argument("--limit", type=int, default=500, help="changes per page (1-500)")
    push = commands.add_parser("act", help="make one transition")
    push.add_argument("code")
    push.add_argument("action", help="e.g. request_payment, request_supplement, resolve, stop")
    push.add_argument("--note", default="")
    push.add_argument("--items", nargs="*", help="request_supplement: what is missing")
    push.add_argument("--deadline", help="request_supplement: YYYY-MM-DD")
    push.add_argument("--result", nargs="*", help="resolve: result file(s) to upload")
    push.add_argument("--return-method", choices=["counter", "electronic", "post"])
    push.add_argument("--key", help="Idempotency-Key (default: a new UUID)")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("no token: pass --token or set MOTCUA_TOKEN")
    api = Api(args.url, args.token)
    try:
        if args.command == "sync":
            print(sync(api, open_db(args.db), Path(args.files), args.once, args.interval, args.limit))
        else:
            print(json.dumps(act(api, args), ensure_ascii=False))
    except Refused as exc:
        print(json.dumps(exc.body, ensure_ascii=False), file=sys.stderr)
        return 3 if exc.status == 412 else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
