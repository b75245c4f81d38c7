"""A plain form's files across a refused submit (the apply form, counter intake), without JavaScript.

Each file this browser sent that was stored is remembered in its session. The form it gets
back names those files (`kept.<requirement>` = "<sha256>|<name>", templates/_forms.html), and
a later submit may name only files on that list: knowing a document's hash is not enough
to attach someone else's, and a hash not on the list is ignored exactly like an unknown one.
"""

import re

from flask import current_app, request, session
from werkzeug.datastructures import MultiDict

from app.services.files import blobs
from app.services.files.receive import Upload, read_upload

KEY = "uploaded"
# The session is a cookie (4 KB at most): 128 bits of each SHA-256 name a file as surely as all
# 256, at half the size; the latest uploads are enough to get through one form.
PREFIX = 32
MAX_REMEMBERED = 40
SHA256 = re.compile(r"[0-9a-f]{64}")


def uploads(requirements) -> list[Upload]:
    """Read the files of this submit, each with its real size."""
    limit = current_app.config["MAX_FILE_BYTES"]
    return [Upload(req.id, storage.filename, *read_upload(storage, limit))
            for req in requirements for storage in request.files.getlist(f"documents.{req.id}")
            if storage and storage.filename]


def remember(refs: dict[int, list[dict]]) -> None:
    """Note the files this browser just had stored, so its next submit may name them."""
    new = [r["sha256"][:PREFIX] for items in refs.values() for r in items]
    if new:
        mine = [h for h in session.get(KEY, []) if isinstance(h, str)]
        session[KEY] = list(dict.fromkeys(new + mine))[:MAX_REMEMBERED]


def kept(requirements, form: MultiDict | None = None) -> dict[int, list[dict]]:
    """Files received on an earlier try of this form, still ticked, and sent by this browser."""
    form = request.form if form is None else form
    mine = set(session.get(KEY, []))
    out: dict[int, list[dict]] = {}
    for req in requirements:
        for item in form.getlist(f"kept.{req.id}"):
            sha, _sep, name = item.partition("|")
            if not SHA256.fullmatch(sha) or sha[:PREFIX] not in mine:
                continue
            if any(r["sha256"] == sha for r in out.get(req.id, [])):
                continue
            if (blob := blobs.get_blob(sha)) is not None:
                out.setdefault(req.id, []).append({"sha256": sha, "name": name[:255], "size": blob.size})
    return out


def manifest(proc, form, kept: dict[int, list[dict]], **extra) -> dict:
    """Build a dossier's manifest from a plain form's fields and the files it has kept."""
    return {
        "procedure": proc.code,
        "applicant": {k.removeprefix("applicant."): v for k, v in form.items() if k.startswith("applicant.")},
        "fields": {k.removeprefix("fields."): v for k, v in form.items() if k.startswith("fields.")},
        "documents": [{"requirement": rid, "sha256": r["sha256"], "name": r["name"]}
                      for rid, refs in kept.items() for r in refs],
        "return_method": form.get("return_method", "counter"),
        **extra,
    }
