"""Run schemathesis against a live server: gunicorn on a free loopback port, fresh data.

    .venv/bin/python tests/contract/run_schemathesis.py [extra `st run` options]

A temporary instance folder holds a new SQLite database and blob folder; the demo catalogue
is loaded (`flask seed-demo`), a read+write department token is issued (so the department API
is exercised too) and a few real dossiers are made (tests/contract/fixtures.py), whose codes,
proofs, hashes and ids schemathesis tries half the time or more, so it reaches the API's logic
and not only its 404s. Rate limits are relaxed: a fuzzer is one client sending thousands of
requests. The settings, and the few refusals excused and why, are in schemathesis.toml here.

Every check runs, in every phase (examples, coverage, fuzzing, stateful: the document's links),
bounded by CONTRACT_MAX_EXAMPLES per operation and a wall clock (CONTRACT_WALL_CLOCK seconds);
CONTRACT_SEED picks another run (1 in CI), CONTRACT_KEEP=1 keeps the folder (database, server
log; LOG_REQUESTS=1 for a line per request). The exit status is not zero on any failure, on any
error the server logged, or when time runs out.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WALL_CLOCK = int(os.environ.get("CONTRACT_WALL_CLOCK", "240"))  # seconds for `st run` itself
MAX_EXAMPLES = os.environ.get("CONTRACT_MAX_EXAMPLES", "60")  # per operation and phase: ~1-2 min
AGENCY = "000.01.00.H40"  # a demo department (app/data/demo_catalogue.json)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> str:
    """Run a `flask` command of the app against the temporary instance; return its stdout."""
    done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def python(env: dict, module: str) -> str:
    """Run a module of this project against the temporary instance; return its stdout."""
    done = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{module} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def config_with(fixtures: dict, path: Path) -> Path:
    """The checked-in settings plus the fixtures, as dictionaries tried half the time or more."""
    bindings = {"path.code": "codes", "body.code": "codes", "body.secret": "secrets", "body.token": "tokens",
                "path.request_id": "request_ids", "path.sha256": "sha256", "path.document_id": "document_ids",
                "body.documents[*].sha256": "sha256", "body.documents[*].requirement": "requirements",
                "body.procedure": "procedures", "body.applicant.phone": "phones",
                "body.applicant.id_number": "id_numbers", "body.applicant.email": "emails"}
    lines = [(ROOT / "tests/contract/schemathesis.toml").read_text(), ""]
    for name, values in fixtures.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values, ensure_ascii=False)}", ""]
    lines.append("[parameters]")
    # A write needs the code, the proof and often an id to be real at once: those come most often.
    often = {"codes", "secrets", "tokens", "request_ids"}
    lines += [f'"{key}" = {{ dictionary = "{name}", probability = {0.8 if name in often else 0.5} }}'
              for key, name in bindings.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.2)


def main(extra: list[str]) -> int:
    instance = Path(tempfile.mkdtemp(prefix="motcua-contract-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance / 'db.sqlite3'}",
        "BLOB_STORE": str(instance / "blobs"), "SECRET_KEY": secrets.token_hex(32),
        "SMS_SPOOL": str(instance / "sms.log"), "PUBLIC_URL": base,
        "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4",
        # One client sends thousands of requests: the limits would answer 429 to most of them.
        "TRACK_RATE_LIMIT": "100000 per minute", "SIGNIN_CLIENT_FREE_ATTEMPTS": "100000",
        "LOG_JSON": "1", "LOG_REQUESTS": os.environ.get("LOG_REQUESTS", "0"),  # 1: a line per request
    }
    env.pop("REDIS_URL", None)
    log = instance / "gunicorn.log"
    server = None
    try:
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
        token = flask(env, "api-token", "create", "--agency", AGENCY, "--scope", "read,write",
                      "--name", "schemathesis").strip().splitlines()[-1]
        fixtures = json.loads(python(env, "tests.contract.fixtures"))
        config = config_with(fixtures, instance / "schemathesis.toml")
        with log.open("w") as out:
            server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py",
                                       "app:create_app()"], cwd=ROOT, env=env, stdout=out, stderr=out,
                                      start_new_session=True)
        wait_until_up(base, server, log)
        seed = os.environ.get("CONTRACT_SEED", "1")
        command = [str(BIN / "st"), "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
                   "--checks", "all", "--max-examples", MAX_EXAMPLES, "--seed", seed,
                   "--header", f"Authorization: Bearer {token}",
                   "--report-dir", str(instance / "report"), "--no-color", *extra]
        print("$", " ".join(c if "Bearer" not in c else "Authorization: Bearer mc_…" for c in command),
              flush=True)
        try:  # in the instance folder, so schemathesis's own cache (.schemathesis/) goes with it
            status = subprocess.run(command, cwd=instance, env=env, timeout=WALL_CLOCK).returncode
        except subprocess.TimeoutExpired:
            print(f"schemathesis did not finish within {WALL_CLOCK} s", file=sys.stderr)
            status = 1
        errors = [line for line in log.read_text().splitlines()
                  if "Unhandled error" in line or "WORKER TIMEOUT" in line or "Traceback" in line]
        if errors:
            print(f"the server logged {len(errors)} unhandled errors:", *errors[:20], sep="\n",
                  file=sys.stderr)
            status = status or 1
        return status
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if os.environ.get("CONTRACT_KEEP"):
            print(f"kept {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
