"""Every route in app.url_map, driven with hostile values: never a 5xx, and a refusal writes nothing.

The values are the classes an outside fuzzer found: integers past 64 bits (2**63, 2**64,
-2**63-1) and past PostgreSQL's INTEGER (2**31) in URL segments, query strings, forms and
JSON; lone surrogates; NUL; bytes that are
not UTF-8; "²" (a digit to str.isdigit, not to int); dates out of range; JSON nested 1,000
deep; JSON that is a list, a number or `true` where an object is expected; every field of a
valid API body swapped for the wrong type or removed. Staff routes are driven signed in as an
administrator (counter intake as reception), every other route as a citizen who owns the
dossiers and an organisation.

The sweep is generic on purpose: a route added tomorrow is driven too, with the form and query
names read from the app's source and schemas. Each view is wrapped so the test knows a request
got past routing and the before-request guards: a sweep in which most requests never reach a
view would prove nothing, and fails. Writes are seen through SQLAlchemy's engine events, so
"nothing written" is exact on both databases.
"""

import io
import json
import logging
import re
import traceback
from collections import Counter
from datetime import date
from functools import wraps
from pathlib import Path

import pytest
from marshmallow import Schema
from sqlalchemy import event

from app.extensions import db, limiter
from app.models import Membership, Organisation, PostalRequest, User
from app.models.postal import PostalLeg
from app.services import workflow
from app.services.accounts import memberships
from app.services.actors import Actor
from app.services.dossiers.tracking import access_token
from app.services.postal import desk as postal_desk
from app.services.postal import requests as postal
from tests.factories import (
    VALID_PHONE,
    applicant,
    jpeg_bytes,
    make_dossier,
    make_procedure,
    make_user,
    new_key,
    pdf_bytes,
    sha,
)
from tests.helpers import csrf_token, fresh_client, put_blob, sign_in
from tests.postal_helpers import postal_body, resolved
from tests.web.test_accounts import TAX_CODE, register
from tests.web.test_organisation_members import OTHER_TAX

ROOT = Path(__file__).resolve().parents[2]
BIG = ["9223372036854775808", "18446744073709551616", "-9223372036854775809"]  # 2**63, 2**64, -2**63-1
# Raw, already percent-encoded, for URLs and url-encoded bodies.
SURROGATE = "%ED%A0%80"  # "\ud800" encoded as UTF-8 would be: not UTF-8 at all
INT_SEGMENTS = [*BIG, "2147483648", "%C2%B2", "0" * 30 + "1"]
TEXT_SEGMENTS = [SURROGATE + "%FF%FE", "%00", "9" * 30, "%0A%0D"]
INT4 = "2147483648"  # 2**31: fits SQLite and a lookup, not an INTEGER column of PostgreSQL
VALUES = [BIG[0], BIG[2], INT4, SURROGATE + "%FF%FE", "%00", "%C2%B2", "0001-01-01", "9999-12-31",
          "%0A%0D/%09/evil.example"]
# Whole JSON bodies. Each is refused by the API's one parser, before any view.
RAW_JSON = [b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000, b'"\\ud800"',
            b'{"code": "\\ud800", "secret": "\\udfff"}', b"[]", b"[{}]", b"1", b"true", b"null", b'"x"',
            b"\xff\xfe{}", b'{"a": "\xed\xa0\x80"}', b"NaN", b'{"a": 1e400}', b'{"a": 18446744073709551616}',
            b"", b"{", b'{"a": "\x00"}']
# What each field of a valid API body is swapped for, one field at a time (DELETE: removed).
DELETE = object()
MUTANTS = [2**63, -(2**63) - 1, 2**31, "\ud800", "a\x00b", [], {}, True, None, "²", DELETE]


def _names() -> list[str]:
    """Every form or query name the app reads: from its source, its schemas, and common ones."""
    names = {"next", "page", "t", "q", "lang", "tu", "den", "thang", "cach-tinh", "csrf_token"}
    pattern = re.compile(r"""(?:form|args)\.get(?:list)?\(\s*f?["']([^"'{]+)""")
    for path in (ROOT / "app").rglob("*.py"):
        names |= set(pattern.findall(path.read_text(encoding="utf-8")))
    import app.schemas.dossier  # noqa: F401  (loaded so their schemas are subclasses below)
    import app.schemas.postal  # noqa: F401
    import app.schemas.rating  # noqa: F401
    import app.schemas.staff  # noqa: F401
    import app.schemas.supplement  # noqa: F401
    import app.staff.admin_schemas  # noqa: F401

    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("app."):
            names |= {f.data_key or name for name, f in cls._declared_fields.items()}
    names |= {f"applicant.{n}" for n in applicant()} | {"fields.purpose", "fields.copies"}
    return sorted(names - {"csrf_token"})


# --- The world every route is driven against -------------------------------------------------


class World:
    """One of everything a route's URL can name, and a signed-in client per kind of user."""

    def __init__(self, app):
        proc = self.procedure = make_procedure()
        # A business owner: a citizen who also owns an organisation, so /to-chuc routes open.
        self.citizen_client = fresh_client(app)
        assert register(self.citizen_client, "chu@hostile.vn", kind="business", tax_code=TAX_CODE,
                        org_name="Công ty Thử").status_code == 303
        self.citizen = db.session.execute(db.select(User).filter_by(email="chu@hostile.vn")).scalar_one()
        self.org = db.session.execute(db.select(Organisation).filter_by(tax_code=TAX_CODE)).scalar_one()
        self.member = db.session.execute(db.select(Membership).filter_by(organisation_id=self.org.id)
                                         ).scalars().first()
        self.spare = make_user("citizen", email="spare@hostile.vn")
        # An invitation to another firm, waiting for the citizen to accept or decline it.
        other = fresh_client(app)
        assert register(other, "khac@hostile.vn", kind="business", tax_code=OTHER_TAX,
                        org_name="Công ty Khác").status_code == 303
        firm = db.session.execute(db.select(Organisation).filter_by(tax_code=OTHER_TAX)).scalar_one()
        by = db.session.execute(db.select(User).filter_by(email="khac@hostile.vn")).scalar_one()
        self.invitation = memberships.invite(firm, "chu@hostile.vn", by)
        self.admin_client, self.reception_client = fresh_client(app), fresh_client(app)
        sign_in(self.admin_client, make_user("admin"))
        reception = make_user("reception")
        sign_in(self.reception_client, reception)
        rec = Actor.of(reception)

        self.submitted = self._mine(make_dossier(proc))
        self.supplement = self._mine(make_dossier(proc))
        workflow.accept(self.supplement, rec)
        workflow.request_supplement(self.supplement, rec, "Giấy khai sinh", date(2099, 1, 1))
        self.returned = self._mine(resolved(make_dossier(proc), "counter"))
        workflow.return_result(self.returned, rec, "counter")
        self.posted = self._mine(make_dossier(proc))
        postal.register(self.posted, postal_body(), new_key(), Actor.citizen(self.posted))
        resolved(self.posted)
        self.request = db.session.execute(db.select(PostalRequest)).scalars().first()
        self.leg = db.session.execute(db.select(PostalLeg).filter_by(kind="result")).scalars().first()
        self.batch = postal_desk.make_batch([self.leg.id])
        self.blob = jpeg_bytes(20, 20, color=(9, 9, 9))
        assert put_blob(fresh_client(app), self.blob).status_code == 201
        self.result_doc = next(d for d in self.returned.documents if d.round == "result")
        db.session.commit()
        self.tokens = {client: csrf_token(client.get(page).get_data(as_text=True)) for client, page in (
            (self.citizen_client, "/tai-khoan"), (self.admin_client, "/staff/"),
            (self.reception_client, "/staff/"))}

    def _mine(self, dossier):
        dossier.owner_id = self.citizen.id
        db.session.commit()
        return dossier

    def dossier_for(self, rule: str):
        """The dossier in the state a route acts on, so the request reaches the deep code."""
        if "bo-sung" in rule or "supplements" in rule:
            return self.supplement
        if any(word in rule for word in ("ket-qua", "danh-gia", "rating")):
            return self.returned
        if "buu-chinh" in rule or "postal" in rule:
            return self.posted
        return self.submitted

    def segment(self, rule, name: str) -> str:
        """A valid value for one URL argument of `rule`."""
        text = rule.rule
        procedure_code = any(w in text for w in ("/thu-tuc/", "/tiep-nhan/"))
        values = {
            "code": self.procedure.code if procedure_code else self.dossier_for(text).code,
            "request_id": self.request.id, "leg_id": self.leg.id, "org_id": self.org.id,
            "document_id": (self.result_doc if "ket-qua" in text else self.submitted.documents[0]).id,
            "member_id": self.member.id, "invitation_id": self.invitation.id, "user_id": self.spare.id,
            "agency_id": self.procedure.agency_id,
            "requirement_id": self.procedure.requirements[0].id, "number": 1, "sha256": sha(self.blob),
            "token": "x" * 40, "lang": "en", "day": "2026-09-02", "name": self.batch,
            "filename": "css/app.css",
        }
        if name not in values:  # a route added since: still driven, with the first row's id
            return "1" if re.search(rf"<int:{name}>", text) else "x"
        return str(values[name])

    def client_for(self, rule):
        if rule.rule.startswith("/staff/tiep-nhan"):
            return self.reception_client
        return self.admin_client if rule.rule.startswith("/staff") else self.citizen_client

    def body(self, rule) -> dict:
        """A valid JSON body for an API write, proof included, for the mutations to start from."""
        dossier = self.dossier_for(rule.rule)
        doc = {"requirement": self.procedure.requirements[0].id, "sha256": sha(self.blob), "name": "a.jpg"}
        bodies = {
            "api.create_dossier": {"procedure": self.procedure.code, "applicant": applicant(),
                                   "fields": {"purpose": "Xin việc", "copies": 1}, "documents": [doc]},
            "api.track": {"code": dossier.code, "secret": VALID_PHONE},
            "api.create_postal_request": postal_body(),
            "api.change_postal_request": postal_body(street="14 Lê Lợi"),
            "api.cancel_postal_request": {"reason": "Đổi ý"},
            "api.answer_supplement": {"documents": [doc], "note": "Bổ sung"},
            "api.rate": {"level": 1, "comment": "Tốt", "officer": None},
        }
        return bodies.get(rule.endpoint, {}) | {"token": access_token(dossier)}


def _url(rule, values: dict) -> str:
    """Build the path by hand, so raw percent-encoded bytes reach the server unchanged."""
    out = rule.rule
    for arg in rule.arguments:
        out = re.sub(rf"<(?:[^:<>]+:)?{arg}>", lambda _m, v=values[arg]: v, out)
    return out


# --- Sending, and noticing what went wrong -----------------------------------------------------


# Tables written on every request by design, whatever the answer (server-side sessions may
# note when a session was last used).
BOOKKEEPING_TABLES = {"user_session", "user_sessions", "session", "sessions"}


class Writes:
    """The tables each committed transaction wrote to, seen through SQLAlchemy's engine events.

    A statement that inserts, updates or deletes marks its table on the connection; a commit
    reports the marks, a rollback forgets them.
    """

    def __init__(self):
        self.committed: set[str] = set()

    def statement(self, conn, _cursor, statement, _params, context, _many):
        if context is not None and (context.isinsert or context.isupdate or context.isdelete):
            table = getattr(getattr(context.compiled, "statement", None), "table", None)
            conn.info.setdefault("hostile_writes", set()).add(getattr(table, "name", statement[:40]))

    def commit(self, conn):
        self.committed |= conn.info.pop("hostile_writes", set())

    def rollback(self, conn):
        conn.info.pop("hostile_writes", None)

    def take(self) -> set[str]:
        taken, self.committed = self.committed - BOOKKEEPING_TABLES, set()
        return taken


class Sweep:
    """Send requests; remember each 5xx (with where it broke) and each refusal that wrote."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self.failures: dict[str, str] = {}  # one line per endpoint and place it broke
        self.statuses: Counter = Counter()
        self.reached: Counter = Counter()
        self.sent = self.got_through = 0
        self.driven: set[str] = set()
        self.error = None
        self.writes = Writes()

    def crashed(self, record: logging.LogRecord) -> bool:
        """A filter on app.logger: the error handler logs the exception of every 500."""
        if record.exc_info:
            self.error = record.exc_info[1]
        return True

    def send(self, rule, method: str, url: str, label: str, **kw):
        client = _client(self, rule)
        headers = {"X-CSRFToken": self.world.tokens.get(client, ""), **kw.pop("headers", {})}
        before, self.error = sum(self.reached.values()), None
        self.driven.add(rule.endpoint)
        response = client.open(url, method=method, headers=headers, **kw)
        self.sent += 1
        self.statuses[response.status_code] += 1
        self.got_through += sum(self.reached.values()) > before
        path = url.split("?")[0]
        if response.status_code >= 500:
            where = ""
            if self.error is not None:
                frames = traceback.extract_tb(self.error.__traceback__)
                frame = ([f for f in frames if "/app/" in f.filename] or frames)[-1]
                where = (f"{type(self.error).__name__}: {str(self.error)[:100]} "
                         f"at {frame.filename}:{frame.lineno}")
            self.failures.setdefault(f"{method} {path} {where}", f"[{label[:80]}] -> {response.status_code}")
        written = self.writes.take()
        if written and response.status_code >= 400:
            self.failures.setdefault(f"{method} {path} wrote {sorted(written)}",
                                     f"[{label[:80]}] but answered {response.status_code}")
        return response

    def check(self, min_reached: float):
        lines = [f"{k} {v}" for k, v in self.failures.items()]
        assert not lines, f"{len(lines)} failures:\n" + "\n".join(lines[:60])
        share = self.got_through / max(1, self.sent)
        assert share >= min_reached, (
            f"only {share:.0%} of {self.sent} requests reached a view; statuses {dict(self.statuses)}")
        never = sorted(self.driven - set(self.reached))
        assert len(never) <= 0.2 * len(self.driven), f"views never reached: {never}"


@pytest.fixture
def sweep(app, ctx, monkeypatch):
    # Argon2 at production cost is most of a sign-in's time; cost is not what is tested here.
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr("app.services.accounts.passwords._hasher", cheap, raising=False)
    monkeypatch.setattr("app.auth.views._DUMMY_HASH", cheap.hash("not-a-real-password"), raising=False)
    sweeper = Sweep(app, World(app))
    wrapped = dict(app.view_functions)
    for endpoint, view in wrapped.items():
        def counting(*a, _view=view, _endpoint=endpoint, **kw):
            sweeper.reached[_endpoint] += 1
            return _view(*a, **kw)
        app.view_functions[endpoint] = wraps(view)(counting)
    engine, listeners = db.engine, [("after_cursor_execute", sweeper.writes.statement),
                                    ("commit", sweeper.writes.commit), ("rollback", sweeper.writes.rollback)]
    for name, fn in listeners:
        event.listen(engine, name, fn)
    app.logger.addFilter(sweeper.crashed)
    was_enabled, limiter.enabled = limiter.enabled, False  # else the sweep is a wall of 429s
    try:
        yield sweeper
    finally:
        limiter.enabled = was_enabled
        app.logger.removeFilter(sweeper.crashed)
        for name, fn in listeners:
            event.remove(engine, name, fn)
        app.view_functions.update(wrapped)


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _client(sweep, rule):
    # Signing out would end the sweep's session; it reads nothing, so it is driven anonymously.
    if rule.endpoint == "auth.signout":
        return fresh_client(sweep.app)
    return sweep.world.client_for(rule)


def _api(rule) -> bool:
    return rule.rule.startswith("/api/")


def _harmless(rule, method: str, sweep) -> dict:
    """A body of the kind the route takes, so that only the value under test is hostile."""
    if method == "GET":
        return {}
    if _api(rule) and method == "PUT":
        return {"data": sweep.world.blob, "content_type": "image/jpeg"}
    if _api(rule):
        return {"json": sweep.world.body(rule), "headers": {"Idempotency-Key": new_key()}}
    return {"data": {}}


# --- The sweeps -------------------------------------------------------------------------------


def test_url_segments(app, sweep):
    """Ids past 64 bits, "²", NUL, newlines and non-UTF-8 bytes in every URL argument."""
    for rule, method in _routes(app):
        valid = {arg: sweep.world.segment(rule, arg) for arg in rule.arguments}
        for arg in rule.arguments:
            is_int = re.search(rf"<int:{arg}>", rule.rule)
            for raw in INT_SEGMENTS if is_int else TEXT_SEGMENTS:
                sweep.send(rule, method, _url(rule, valid | {arg: raw}), f"<{arg}>={raw}",
                           **_harmless(rule, method, sweep))
        if not rule.arguments:  # still drive it once, so every view is counted
            sweep.send(rule, method, rule.rule, "plain", **_harmless(rule, method, sweep))
    # Most hostile segments are refused by the URL converter itself (404): that is the point.
    sweep.check(min_reached=0.25)


def _query(names: list[str], value: str, other: str) -> str:
    # Each name twice, with two hostile values: also a list where one value is expected.
    return "&".join(f"{n}={value}&{n}={other}" for n in names)


def test_query_strings(app, sweep):
    """Every name the app reads, in every page's query string, set to each hostile value.

    The write routes get the same query strings in test_form_bodies and test_json_bodies.
    """
    names = _names()
    for rule, method in _routes(app):
        if method != "GET":
            continue
        url = _url(rule, {arg: sweep.world.segment(rule, arg) for arg in rule.arguments})
        for i, raw in enumerate(VALUES):
            sweep.send(rule, method, f"{url}?{_query(names, raw, VALUES[i - 1])}", f"?*={raw}",
                       **_harmless(rule, method, sweep))
    sweep.check(min_reached=0.6)


def test_form_bodies(app, sweep):
    """Every HTML write route: each hostile value in every field and the query string; non-UTF-8
    and broken bodies; files where text is expected."""
    names = _names()
    form = "application/x-www-form-urlencoded"
    broken = [(b"\xff\xfe=\xff&%=%%&a", form),
              (b'--x\r\nContent-Disposition: form-data; name="\xff"\r\n\r\n\xed\xa0\x80\r\n--x--\r\n',
               "multipart/form-data; boundary=x"),
              (b"--x\r\n\r\n", "multipart/form-data"), (b"\x00" * 100, "text/plain")]
    for rule, method in _routes(app):
        if method == "GET" or _api(rule):
            continue
        url = _url(rule, {arg: sweep.world.segment(rule, arg) for arg in rule.arguments})
        for i, raw in enumerate(VALUES):
            hostile = _query(names, raw, VALUES[i - 1])
            # A valid key after the first round, so views that check it first look further.
            key = f"&client_id={new_key()}" if i else ""
            sweep.send(rule, method, f"{url}?{hostile}", f"form *={raw}",
                       data=f"{key}&{hostile}".encode(), content_type=form)
        for body, kind in broken:
            sweep.send(rule, method, url, f"body {body[:20]!r}", data=body, content_type=kind)
        # A file where text is expected, text where a file is.
        sweep.send(rule, method, url, "files everywhere", content_type="multipart/form-data",
                   data={n: (io.BytesIO(pdf_bytes()), "a.pdf") for n in names[:40]})
    sweep.check(min_reached=0.6)


def _paths(value, prefix=()):
    """Every key path into a JSON body: ("applicant", "name"), ("documents", 0, "sha256"), ..."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        yield (*prefix, key)
        yield from _paths(item, (*prefix, key))


def _mutated(body: dict, path: tuple, mutant) -> dict:
    copy = json.loads(json.dumps(body))
    *parents, last = path
    node = copy
    for key in parents:
        node = node[key]
    if mutant is DELETE:
        del node[last]
    else:
        node[last] = mutant
    return copy


def test_json_bodies(app, sweep):
    """Broken JSON on every write route; on the API, each field swapped for each wrong type."""
    for rule, method in _routes(app):
        if method == "GET":
            continue
        url = _url(rule, {arg: sweep.world.segment(rule, arg) for arg in rule.arguments})
        key = {"Idempotency-Key": new_key()}
        hostile = _query(_names(), VALUES[0], VALUES[2]) if _api(rule) else ""
        for raw in RAW_JSON if _api(rule) else RAW_JSON[:1]:
            sweep.send(rule, method, f"{url}?{hostile}", f"json {raw[:30]!r}", data=raw,
                       content_type="application/json", headers=key)
        if not _api(rule) or method != "POST":
            continue
        body = sweep.world.body(rule)
        # json.dumps escapes a lone surrogate as \ud800, as a browser's JSON.stringify does.
        variants = [(f"{path}={mutant!r:.20}", _mutated(body, path, mutant))
                    for path in _paths(body) for mutant in MUTANTS]
        # Every other name the app reads, added at once: fields the valid body leaves out.
        extra = [n for n in _names() if n not in body]
        variants += [(f"+*={mutant!r:.20}", body | dict.fromkeys(extra, mutant)) for mutant in MUTANTS[:-1]]
        for label, changed in variants:
            sweep.send(rule, method, url, label, data=json.dumps(changed), content_type="application/json",
                       headers={"Idempotency-Key": new_key()})
    sweep.check(min_reached=0.3)
