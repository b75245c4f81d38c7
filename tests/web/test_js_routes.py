"""No script writes an address of the app: the page and the worker are told (app/pwa/routes.py).

Every string literal of static/js/*.js and service_worker/sw.js (template literals piece by
piece, comments left out) is compared with every rule of the app's URL map, so a new
`fetch("/api/v1/...")` or `` `/ho-so/${code}` `` fails here. The root "/" alone is not
looked for: as a literal it is a path separator or a key ("/" in staff-keys.js).
"""

import json
import re
from pathlib import Path

import pytest

from app.pwa.routes import PAGE, WORKER

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js")) + [ROOT / "service_worker" / "sw.js"]

# Strings, template literals and comments, in the order they start; a regex literal holds none
# of our addresses and is read as code (its quotes, if any, pair up in the patterns we write).
TOKEN = re.compile(r"""//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`""", re.S)
ESCAPED_SLASHES = re.compile(r"(?:\\/[\w.%-]*)+")
SUBSTITUTION = re.compile(r"\$\{(?:[^{}]|\{[^{}]*\})*\}")


def literals(code: str) -> list[str]:
    """The text of every string literal in `code`; a template literal gives each piece of text;
    a regular expression gives each run of escaped slashes (`/^\\/thu-tuc\\/[^/]+$/`: "/thu-tuc/")."""
    out = []
    for match in TOKEN.finditer(code):
        token = match.group(0)
        if token.startswith(("//", "/*")):
            continue
        body = token[1:-1]
        out += SUBSTITUTION.split(body) if token[0] == "`" else [body]
    rest = TOKEN.sub(" ", code)
    out += [run.replace("\\/", "/") for run in ESCAPED_SLASHES.findall(rest)]
    return out


def route_patterns(app) -> list[tuple[str, re.Pattern]]:
    """(rule, pattern) for each rule: a literal matches if it is the address, or its start up
    to a part that varies (what a template literal or a concatenation writes)."""
    out = []
    for rule in app.url_map.iter_rules():
        static, *rest = re.split(r"<[^>]+>", rule.rule, maxsplit=1)
        if rule.rule == "/":
            continue
        whole = "[^/]+".join(re.escape(p) for p in re.split(r"<[^>]+>", rule.rule))
        start = re.escape(static) if rest else None
        pattern = f"^(?:{whole}|{start}.*)(?:[?#].*)?$" if start else f"^{whole}(?:[?#].*)?$"
        out.append((rule.rule, re.compile(pattern)))
    return out


def addresses(code: str, patterns) -> list[tuple[str, str]]:
    return [(text, rule) for text in literals(code) if text.startswith("/")
            for rule, pattern in patterns if pattern.match(text)]


def test_the_scan_finds_an_address_written_in_a_script(app):
    patterns = route_patterns(app)
    code = """
      // fetch("/api/v1/track") in a comment is fine
      /* and "/tra-cuu" here too */
      fetch("/api/v1/track", {});
      const status = `/ho-so/${encodeURIComponent(code)}${token ? `?t=${token}` : ""}`;
      location.pathname === '/tra-cuu?x=1';
      request("PUT", `/api/v1/blobs/${blob.sha256}`);
      const pages = [/^\\/$/, /^\\/thu-tuc\\/[^/]+\\/nop$/];
      const fine = ["/", "/__motcua/warmed", "a/b", url("status", { code }), /[^/]+/];
    """
    found = {text for text, _rule in addresses(code, patterns)}
    assert found == {"/api/v1/track", "/ho-so/", "/tra-cuu?x=1", "/api/v1/blobs/", "/thu-tuc/"}


def test_no_script_writes_an_address_of_the_app(app):
    patterns = route_patterns(app)
    written = [f"{path.relative_to(ROOT)}: {text!r} is {rule}"
               for path in SCRIPTS
               for text, rule in addresses(path.read_text(encoding="utf-8"), patterns)]
    assert written == [], "take the address from the page (routes.js) or a data-* attribute"


def test_every_address_a_script_names_is_given_to_it(client):
    page = client.get("/offline").get_data(as_text=True)
    block = json.loads(re.search(r'<script type="application/json" id="js-routes">(.*?)</script>', page)[1])
    assert set(block) == set(PAGE)
    named = {name for path in SCRIPTS[:-1]
             for name in re.findall(r"\burl\(\"(\w+)\"", path.read_text(encoding="utf-8"))}
    assert named and named <= set(block), named - set(block)
    worker = client.get("/sw.js").get_data(as_text=True)
    build = json.loads(re.match(r"const BUILD = (.*);\n", worker)[1])
    used = set(re.findall(r"\bROUTES\.(\w+)", worker))
    assert used and used <= set(build["routes"]) == set(WORKER) | {"static"}, used - set(build["routes"])


@pytest.mark.parametrize(("name", "parts", "address"), [
    ("status", {"code": "H40.01-251127-0001"}, "/ho-so/{code}"),
    ("api_blob", {"sha256": "ab" * 32}, "/api/v1/blobs/{sha256}"),
])
def test_an_address_with_parts_is_a_template_of_the_rule(app, name, parts, address):
    from flask import url_for

    from app.pwa.routes import page_routes

    with app.test_request_context():
        routes = page_routes()
        assert routes[name] == address
        filled = routes[name]
        for key, value in parts.items():
            filled = filled.replace(f"{{{key}}}", value)
        assert filled == url_for(PAGE[name][0], **parts)


def test_the_worker_version_follows_the_addresses(client, app, monkeypatch):
    from app.pwa import routes

    before = json.loads(re.match(r"const BUILD = (.*);\n", client.get("/sw.js").get_data(as_text=True))[1])
    monkeypatch.setitem(routes.WORKER, "offline", ("pwa.outbox", ()))
    after = json.loads(re.match(r"const BUILD = (.*);\n", client.get("/sw.js").get_data(as_text=True))[1])
    assert after["routes"]["offline"] == "/hop-thu-di" and after["version"] != before["version"]
