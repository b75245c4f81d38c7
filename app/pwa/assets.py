"""Static files under content-hashed URLs, so a browser may keep each one for a year.

`url_for('static', filename=...)` gains `?v=<hash of the bytes>`; a request carrying the
current hash is answered `immutable` for a year, anything else must revalidate. Our own
JavaScript modules import each other by relative URL, which would drop the query, so
their `./x.js` specifiers are rewritten to `./x.js?v=<hash>` when served; a module's hash
covers the rewritten text and so changes whenever anything it imports changes.
"""

import hashlib
import mimetypes
import os
import re

from flask import Flask, abort, current_app, request
from werkzeug.security import safe_join

YEAR = 31536000
HASH_LEN = 10
# `from "./x.js"`, `import "./x.js"` and `import("./x.js")`, the only forms our modules use.
IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])\./([\w/-]+\.js)\2""")


class Assets:
    """Read, rewrite and hash the files of one static folder (kept in memory once read)."""

    def __init__(self, folder: str, cache: bool = True):
        self.folder = folder
        self.cache = cache
        self._files: dict[str, tuple[bytes, str]] = {}

    def get(self, filename: str, _seen: tuple[str, ...] = ()) -> tuple[bytes, str] | None:
        """Return (body as served, content hash) for a static file, or None if there is none."""
        if self.cache and filename in self._files:
            return self._files[filename]
        path = safe_join(self.folder, filename)
        if path is None or not os.path.isfile(path):
            return None
        with open(path, "rb") as fh:
            body = fh.read()
        if filename.startswith("js/") and filename.endswith(".js"):
            body = self._rewrite(filename, body, (*_seen, filename))
        entry = (body, hashlib.sha256(body).hexdigest()[:HASH_LEN])
        if self.cache:
            self._files[filename] = entry
        return entry

    def digest(self, filename: str) -> str | None:
        entry = self.get(filename)
        return entry[1] if entry else None

    def _rewrite(self, filename: str, body: bytes, seen: tuple[str, ...]) -> bytes:
        base = filename.rsplit("/", 1)[0]

        def versioned(match: re.Match) -> str:
            target = f"{base}/{match[3]}"
            if target in seen:
                raise ValueError(f"import cycle through {target}")
            entry = self.get(target, seen)
            suffix = f"?v={entry[1]}" if entry else ""
            return f"{match[1]}{match[2]}./{match[3]}{suffix}{match[2]}"

        return IMPORT.sub(versioned, body.decode()).encode()


def assets() -> Assets:
    return current_app.extensions["pwa_assets"]


def serve_static(filename: str):
    """The `static` endpoint: hashed URLs are immutable, unhashed ones revalidate by ETag."""
    entry = assets().get(filename)
    if entry is None:
        abort(404)
    body, digest = entry
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if mimetype == "application/javascript":
        mimetype = "text/javascript"
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(digest)
    if request.args.get("v") == digest:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def register(app: Flask) -> None:
    """Put content hashes into static URLs and serve static files through `serve_static`."""
    app.extensions["pwa_assets"] = Assets(app.static_folder, cache=not app.debug)
    app.view_functions["static"] = serve_static

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            if digest := assets().digest(values["filename"]):
                values["v"] = digest
