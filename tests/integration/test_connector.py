"""The reference connector (examples/department_connector.py) against the app served by gunicorn.

Everything goes through public interfaces, as a department's vendor would meet them: the
`flask` CLI (migrations, demo catalogue, tokens), the citizen API (files first, then the
dossier), and the connector as a subprocess: the centre's token accepts and forwards, the
department's follows the feed into SQLite, downloads the documents and resolves the dossier.
"""

import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from app.config import ROOT
from tests.factories import applicant, jpeg_bytes, pdf_bytes

CONNECTOR = ROOT / "examples" / "department_connector.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A migrated SQLite database with the demo catalogue, served by gunicorn on a free port."""
    base = tmp_path_factory.mktemp("connector")
    env = os.environ | {"INSTANCE_PATH": str(base), "SECRET_KEY": "x" * 32, "BLOB_STORE": str(base / "blobs"),
                        "DATABASE_URL": f"sqlite:///{base / 'centre.sqlite3'}",
                        "SMS_SPOOL": str(base / "sms.log"), "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4"}
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = (base / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                               "--bind", f"127.0.0.1:{port}", "app:create_app()"],
                              cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # until it answers (or give up)
            try:
                if requests.get(url + "/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still loading the app
                pass
            assert server.poll() is None, (base / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield {"url": url, "env": env, "flask": flask, "base": base}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def token(served, agency_code: str) -> str:
    command = ["api-token", "create", "--agency", agency_code, "--scope", "read,write",
               "--name", "Phần mềm chuyên ngành"]
    done = subprocess.run(served["flask"] + command, cwd=ROOT, env=served["env"], check=True,
                          capture_output=True, text=True, timeout=120)
    secret = done.stdout.strip()
    assert secret.startswith("mc_") and "shown once" in done.stderr
    return secret


def connector(served, secret: str, *args: str, work: Path) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), "MOTCUA_TOKEN": secret}
    command = [sys.executable, str(CONNECTOR), "--url", served["url"], "--db", str(work / "dept.sqlite3"),
               "--files", str(work / "files"), *args]
    return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=120)


def submit(url: str) -> tuple[str, str]:
    """File a dossier as a citizen would (files first); return its code and its procedure's agency."""
    procedure = next(p for p in requests.get(url + "/api/v1/procedures", timeout=10).json()
                     if p["code"] == "2.001417")
    documents, browser = [], requests.Session()  # its cookie names the sender of the files
    for n, requirement in enumerate(procedure["requirements"]):
        data = pdf_bytes(f"giay to {n}") if "pdf" in requirement["types"] else jpeg_bytes(color=(n, 9, 9))
        digest = hashlib.sha256(data).hexdigest()
        assert browser.put(f"{url}/api/v1/blobs/{digest}", data=data, timeout=10,
                            headers={"Content-Type": "application/octet-stream"}).status_code == 201
        documents.append({"requirement": requirement["id"], "sha256": digest, "name": f"giay-to-{n}"})
    values = {"number": lambda f: f.get("min", 1), "select": lambda f: f["choices"][0],
              "date": lambda f: "2026-01-15"}
    fields = {f["name"]: values.get(f["type"], lambda f: "Xin việc")(f) for f in procedure["fields"]}
    body = {"procedure": procedure["code"], "applicant": applicant(), "fields": fields,
            "documents": documents}
    made = browser.post(url + "/api/v1/dossiers", json=body,
                         headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=10)
    assert made.status_code == 201, made.text
    return made.json()["code"], procedure["code"]


def test_the_connector_follows_the_feed_downloads_and_resolves(served, tmp_path):
    url, centre_db = served["url"], served["base"] / "centre.sqlite3"
    code, procedure_code = submit(url)
    with sqlite3.connect(centre_db) as db:
        agency_code = db.execute("SELECT a.code FROM procedure p JOIN agency a ON a.id = p.agency_id "
                                 "WHERE p.code = ?", (procedure_code,)).fetchone()[0]
    centre, department = token(served, "000.00.00.H40"), token(served, agency_code)
    for action in ("accept", "forward"):  # the centre's counter, through the API
        done = connector(served, centre, "act", code, action, work=tmp_path)
        assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == 4

    synced = connector(served, department, "sync", "--once", "--limit", "1", work=tmp_path)
    assert synced.returncode == 0, synced.stderr
    local = sqlite3.connect(tmp_path / "dept.sqlite3")
    assert local.execute("SELECT code, status, version FROM dossier").fetchall() == [(code, 4, 3)]
    files = local.execute("SELECT sha256, path FROM document WHERE dossier_code = ?", (code,)).fetchall()
    assert files and all(hashlib.sha256(Path(p).read_bytes()).hexdigest() == h for h, p in files)

    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(pdf_bytes("ket qua giai quyet"))
    resolved = connector(served, department, "act", code, "resolve", "--result", str(result),
                         "--return-method", "counter", "--note", "Đã có kết quả", work=tmp_path)
    assert resolved.returncode == 0, resolved.stderr
    assert json.loads(resolved.stdout)["status"] == 9
    again = connector(served, department, "sync", "--once", work=tmp_path)
    assert again.returncode == 0 and again.stdout.strip() == "1", again.stderr
    assert local.execute("SELECT status FROM dossier WHERE code = ?", (code,)).fetchone() == (9,)
    rounds = [r for (r,) in local.execute("SELECT round FROM document ORDER BY id")]
    assert rounds[-1] == "result" and len(rounds) == len(files) + 1
    with sqlite3.connect(centre_db) as db:
        status, = db.execute("SELECT status FROM dossier WHERE code = ?", (code,)).fetchone()
        actors = [a for (a,) in db.execute("SELECT e.actor_label FROM status_event e JOIN dossier d "
                                           "ON d.id = e.dossier_id WHERE d.code = ? ORDER BY e.id", (code,))]
    assert status == 9 and actors[-1].endswith(": Phần mềm chuyên ngành") and actors[-1].startswith("API ")

    # What the rules refuse exits 2 with the server's reason; so does a wrong token.
    stale = connector(served, department, "act", code, "stop", work=tmp_path)
    assert stale.returncode == 2 and json.loads(stale.stderr)["error"] == "wrong_status"
    bad = connector(served, "mc_not-a-token", "sync", "--once", work=tmp_path)
    assert bad.returncode == 2 and json.loads(bad.stderr)["error"] == "invalid_token"
