"""The proofs of bench/cluster.py, each a function of the running stack returning its figures.

Each returns a dict with "ok" (the proof held) and what was counted; nothing here is timed.
The database is read with plain SQL (psql), the documents straight from the S3 server, so
what is checked is what the servers wrote, not what the app says about it.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter

import requests

from bench.cluster_client import Item, choose_procedure, make_item
from bench.cluster_stack import BUCKET, STAFF_EMAIL, STAFF_PASSWORD, Stack, psql
from tests.s3_server import client as s3_client


def rows(stack: Stack, sql: str) -> list[list[str]]:
    out = psql(sql, database=stack.database)
    return [line.split("\x1f") for line in out.splitlines() if line]


def dossiers_and_documents(stack: Stack, items: list[Item], before: int) -> dict:
    """(a) Exactly one dossier per key, one code per key, every document's bytes intact in S3."""
    by_key = {i.key: i for i in items}
    total = int(rows(stack, "SELECT count(*) FROM dossier")[0][0])
    held = {key: code for key, code in rows(stack, "SELECT client_id, code FROM dossier")
            if key in by_key}
    docs: dict[str, set[str]] = {}
    keys: dict[str, str] = {}
    for client_id, sha, storage_key in rows(stack, """
            SELECT d.client_id, doc.sha256, b.storage_key FROM document doc
            JOIN dossier d ON d.id = doc.dossier_id JOIN blob b ON b.sha256 = doc.sha256"""):
        docs.setdefault(client_id, set()).add(sha)
        keys[sha] = storage_key
    codes_ok = sum(1 for i in items if i.key in held and i.codes and set(i.codes) == {held[i.key]})
    files_ok = sum(1 for i in items if docs.get(i.key) == {d for d, _ in i.files})
    s3 = s3_client(stack.moto.url)
    intact = mismatched = missing = 0
    for item in items:
        for digest, _data in item.files:
            key = keys.get(digest)
            if key is None:
                missing += 1
                continue
            try:
                body = s3.get_object(Bucket=BUCKET, Key=f"docs/{key[:2]}/{key[2:4]}/{key}")["Body"].read()
            except s3.exceptions.NoSuchKey:
                missing += 1
                continue
            if hashlib.sha256(body).hexdigest() == digest:
                intact += 1
            else:
                mismatched += 1
    n, files = len(items), sum(len(i.files) for i in items)
    outcomes = Counter(i.outcome for i in items)
    return {"ok": total - before == n and len(held) == n and len(set(held.values())) == n
            and codes_ok == n and files_ok == n and intact == files,
            "items": n, "outcomes": dict(outcomes), "dossiers_on_server": total - before,
            "keys_with_a_dossier": len(held), "distinct_codes": len(set(held.values())),
            "keys_answered_with_one_code": codes_ok, "dossiers_with_exactly_their_files": files_ok,
            "files_sent": files, "files_intact_in_s3": intact, "files_mismatched": mismatched,
            "files_missing": missing, "answers_per_key_max": max((len(i.codes) for i in items), default=0),
            "tries_max": max((i.tries for i in items), default=0),
            "attention": [f"{i.n}: {i.error}" for i in items if i.outcome == "attention"][:10]}


def _post_at_once(phone: requests.Session, item: Item, urls: list[str]) -> list[requests.Response]:
    """POST the item's request to every url at the same moment (a barrier), with one key."""
    answers: list = [None] * len(urls)
    start = threading.Barrier(len(urls))

    def post(i: int) -> None:
        start.wait()
        answers[i] = phone.post(urls[i] + "/api/v1/dossiers", json=item.body, timeout=60,
                                headers={"Idempotency-Key": item.key})

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(urls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def key_race(stack: Stack, n: int = 20) -> dict:
    """(a') One phone, one key, the request sent to app1 and app2 at the same moment (a double
    tap split by the balancer): one dossier per key, both answers name its code."""
    proc = choose_procedure(requests.get(stack.url + "/api/v1/procedures", timeout=30).json())
    run = f"race {time.time()}"
    same = both_ok = 0
    statuses: Counter = Counter()
    keys = []
    for k in range(n):
        item = make_item(100_000 + k, proc, run)
        keys.append(item.key)
        phone = requests.Session()
        for digest, data in item.files:
            phone.put(f"{stack.url}/api/v1/blobs/{digest}", data=data, timeout=30,
                      headers={"Content-Type": "application/octet-stream"})
        answers = _post_at_once(phone, item, [s.url for s in stack.servers])
        statuses.update(str(a.status_code) for a in answers)
        codes = {a.json().get("code") for a in answers if a.status_code in (200, 201)}
        both_ok += all(a.status_code in (200, 201) for a in answers)
        same += len(codes) == 1
    listed = ",".join(f"'{key}'" for key in keys)  # uuid4 strings: nothing to quote
    held = int(rows(stack, f"SELECT count(*) FROM dossier WHERE client_id IN ({listed})")[0][0])
    return {"ok": both_ok == n and same == n and held == n, "keys": n, "answers": dict(statuses),
            "keys_both_answered": both_ok, "keys_one_code": same, "dossiers_for_them": held}


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def _signed_in(http: requests.Session, base: str) -> bool:
    answer = http.get(base + "/staff/", allow_redirects=False, timeout=10)
    return answer.status_code == 200


def sessions_across(stack: Stack) -> dict:
    """(b) A session started on app1 works on app2; signing out on app2 (with the CSRF token of a
    page of app1) ends it on both: a copy of the cookie kept from before opens nothing."""
    email = STAFF_EMAIL  # made by the stack at start
    one, two = (s.url for s in stack.servers)
    http = requests.Session()
    page = http.get(one + "/dang-nhap", timeout=10).text
    signin = http.post(one + "/dang-nhap", data={"email": email, "password": STAFF_PASSWORD,
                                                  "csrf_token": _csrf(page)},
                       allow_redirects=False, timeout=10)
    on_one, on_two = _signed_in(http, one), _signed_in(http, two)
    kept = requests.utils.dict_from_cookiejar(http.cookies)  # a copy of the cookie, kept
    page = http.get(one + "/staff/", timeout=10).text  # app1's form, sent to app2: one CSRF secret
    signout = http.post(two + "/dang-xuat", data={"csrf_token": _csrf(page)},
                        allow_redirects=False, timeout=10)
    copy = requests.Session()
    copy.cookies.update(kept)
    after_one, after_two = _signed_in(copy, one), _signed_in(copy, two)
    return {"ok": signin.status_code == 303 and on_one and on_two and signout.status_code == 303
            and not after_one and not after_two,
            "signin_on_app1": signin.status_code, "works_on_app1": on_one, "works_on_app2": on_two,
            "signout_on_app2": signout.status_code,
            "kept_cookie_after_signout_app1": after_one, "kept_cookie_after_signout_app2": after_two}


def rate_limit_across(stack: Stack, limit: int, requests_n: int) -> dict:
    """(c) The tracking limit through the balancer (round robin), and the sign-in back-off
    with wrong passwords sent to app1 and app2 in turn: each counted once, in Redis."""
    by_server: dict[str, Counter] = {}
    allowed = limited = 0
    http = requests.Session()
    for k in range(requests_n):
        answer = http.post(stack.url + "/api/v1/track", json={"code": f"H40-KHONG-CO-{k}",
                                                              "secret": "0912345678"}, timeout=10)
        server = answer.headers.get("X-Served-By", "?")
        by_server.setdefault(server, Counter())["429" if answer.status_code == 429 else "answered"] += 1
        if answer.status_code == 429:
            limited += 1
        elif answer.status_code < 500:
            allowed += 1
    free = 5  # SIGNIN_FREE_ATTEMPTS, the default
    signin = _wrong_passwords(stack, "khong-ai@motcua.test", free + 3)
    statuses = [status for _name, status in signin]
    signin_ok = statuses[:free] == [401] * free and all(s == 429 for s in statuses[free + 1:])
    return {"ok": allowed == limit and limited == requests_n - limit and len(by_server) == 2
            and signin_ok, "limit": limit, "requests": requests_n, "answered": allowed,
            "limited_429": limited, "by_server": {k: dict(v) for k, v in sorted(by_server.items())},
            "signin_wrong_passwords": signin, "signin_free_attempts": free}


def _wrong_passwords(stack: Stack, email: str, n: int) -> list[tuple[str, int]]:
    """`n` wrong passwords for `email`, to app1 and app2 in turn; (server, status) of each."""
    out = []
    for k in range(n):
        server = stack.servers[k % 2]
        http = requests.Session()
        page = http.get(server.url + "/dang-nhap", timeout=10).text
        answer = http.post(server.url + "/dang-nhap", timeout=10, allow_redirects=False, data={
            "email": email, "password": "sai", "csrf_token": _csrf(page)})
        out.append((server.name, answer.status_code))
    return out


def redis_outage(stack: Stack, free: int = 5) -> dict:
    """(e) Redis killed: sign-in, a wrong password and tracking still answer (no 500), each server
    counting alone; Redis back (empty): counted across servers again."""
    stack.kill_redis()
    down = _wrong_passwords(stack, "trong-luc-mat-redis@motcua.test", 4)
    track = [requests.post(stack.url + "/api/v1/track", timeout=10, json={
        "code": f"H40-KHONG-CO-{k}", "secret": "0912345678"}).status_code for k in range(4)]
    http = requests.Session()
    page = http.get(stack.servers[0].url + "/dang-nhap", timeout=10).text
    signin = http.post(stack.servers[0].url + "/dang-nhap", allow_redirects=False, timeout=10, data={
        "email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": _csrf(page)})
    stack.fresh_redis()  # started again, empty: counters only were lost
    time.sleep(6)  # app/services/counters.py asks an unreachable Redis again after 5 s
    back = _wrong_passwords(stack, "sau-khi-redis-tro-lai@motcua.test", free + 2)
    statuses = [s for _n, s in down + back] + track + [signin.status_code]
    return {"ok": 500 not in statuses and signin.status_code == 303
            and [s for _n, s in back] == [401] * free + [429, 429],
            "wrong_passwords_while_down": down, "tracking_while_down": track,
            "signin_while_down": signin.status_code, "wrong_passwords_after_restart": back}


def notifications_once(stack: Stack, timeout: float) -> dict:
    """(d) Every queued message delivered exactly once by the two workers: each e-mail's
    Message-ID (it names the row) once at the SMTP server, each SMS once in the spool."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        due = int(rows(stack, "SELECT count(*) FROM notification WHERE sent_at IS NULL "
                              "AND failed_at IS NULL")[0][0])
        if due == 0:
            break
        time.sleep(0.5)
    time.sleep(1.0)  # a worker's last send is written before its row is marked sent
    queued = rows(stack, "SELECT id, channel, recipient, CASE channel WHEN 'sms' THEN "
                         "replace(body, E'\\n', ' ') ELSE '' END, sent_at IS NOT NULL, "
                         "failed_at IS NOT NULL FROM notification ORDER BY id")
    email_ids = {int(r[0]) for r in queued if r[1] == "email"}
    with stack.mail.lock:
        seen = Counter(int(m.group(1)) for mid, _to in stack.mail.messages
                       if (m := re.search(r"notification-(\d+)@", mid)))
    sms_expected = Counter(f"{r[2]}\t{r[3]}" for r in queued if r[1] == "sms")
    spool = stack.sms_spool.read_text(encoding="utf-8") if stack.sms_spool.exists() else ""
    sms_seen = Counter(spool.splitlines())
    per_worker = []
    for k in (1, 2):
        log = (stack.tmp / f"worker{k}.log").read_text(errors="replace")
        per_worker.append(sum(int(n) for n in re.findall(r"sent (\d+), failed", log)))
    dup_mail = sum(c - 1 for c in seen.values() if c > 1)
    dup_sms = sum(c - 1 for c in sms_seen.values() if c > 1)
    return {"ok": due == 0 and set(seen) == email_ids and dup_mail == 0
            and sms_seen == sms_expected and all(r[4] == "t" for r in queued),
            "queued": len(queued), "emails_queued": len(email_ids), "emails_received": sum(seen.values()),
            "emails_duplicated": dup_mail, "emails_missing": len(email_ids - set(seen)),
            "sms_queued": sum(sms_expected.values()), "sms_in_spool": sum(sms_seen.values()),
            "sms_duplicated": dup_sms, "sms_missing": sum((sms_expected - sms_seen).values()),
            "failed": sum(1 for r in queued if r[5] == "t"), "still_due": due,
            "sent_by_worker": per_worker}


def dump(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
