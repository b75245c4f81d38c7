"""Files (CSV, XLSX, PDF, results, documents) are never swapped into a page by htmx.

The mechanism is one attribute: a link with `download` (or anything marked `data-download`)
is outside htmx (base.html's htmx-config `disableSelector`), so the browser downloads it.
This scans every template, so a new link to a file cannot forget it.
"""

import inspect
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A view that answers with a file says so in a header, or hands the file to Flask.
FILE_MARKERS = ("Content-Disposition", "send_file")
# Jinja inside a tag may hold a ">" ({{ a > b }}); skip over it when finding the tag's end.
TAG = re.compile(r"<(a|form)\b(?:\{\{.*?\}\}|\{%.*?%\}|[^>])*>", re.S)
URL_FOR = re.compile(r"url_for\(\s*['\"]([\w.]+)['\"]")
SET_URL = re.compile(r"\{%-?\s*set\s+(\w+)\s*=\s*url_for\(\s*['\"]([\w.]+)['\"]")
OUTSIDE_HTMX = re.compile(r"\s(download|data-download)(?=[\s>=])|\starget=\"_blank\"")


def file_endpoints(app) -> set[str]:
    found = set()
    for endpoint, view in app.view_functions.items():
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if any(marker in source for marker in FILE_MARKERS):
            found.add(endpoint)
    return found


def links_to(path: Path, endpoints: set[str]) -> list[tuple[str, str]]:
    """Every <a> or <form> of the template that points at one of `endpoints`: (endpoint, tag)."""
    text = path.read_text(encoding="utf-8")
    names = {name: endpoint for name, endpoint in SET_URL.findall(text)}
    out = []
    for match in TAG.finditer(text):
        tag = match.group(0)
        targets = set(URL_FOR.findall(tag))
        targets |= {names[n] for n in re.findall(r"\{\{\s*(\w+)\s*\}\}", tag) if n in names}
        out += [(endpoint, tag) for endpoint in sorted(targets & endpoints)]
    return out


def test_the_scan_knows_the_app_s_files(app):
    endpoints = file_endpoints(app)
    assert {"account.export", "staff.report_csv", "staff.report_xlsx", "citizen.result",
            "postal_desk.export", "staff.document"} <= endpoints
    pages = {p.name for p in TEMPLATES.rglob("*.html") if links_to(p, endpoints)}
    assert {"organisation.html", "report.html", "_requests.html", "batch.html", "_documents.html"} <= pages


def test_every_link_to_a_file_is_outside_htmx(app):
    endpoints = file_endpoints(app)
    forgotten = [f"{path.relative_to(TEMPLATES)}: {endpoint}: {tag}"
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 for endpoint, tag in links_to(path, endpoints) if not OUTSIDE_HTMX.search(tag)]
    assert forgotten == [], "add `download` to these links (base.html's htmx-config)"


def test_the_rule_is_in_the_htmx_config(client):
    page = client.get("/").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'(.*?)\'>', page, re.S).group(1)
    assert "a[download]" in config and "[data-download]" in config
