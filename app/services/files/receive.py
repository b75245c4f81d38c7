"""Files that arrive in a plain multipart form (the apply form, counter scans, results, supplements)."""

import io
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.services.dossiers.submissions import validate_manifest
from app.services.errors import DomainError, Invalid, TooLarge, UnsupportedType
from app.services.files import blobs
from app.services.files.uploads import ALLOWED, human_size, inspect, too_large


def read_upload(storage, limit: int) -> tuple[bytes, int]:
    """Return at most `limit` + 1 bytes of a form upload, and its real size.

    The form parser has already spooled the file, so its size costs a seek, and a 30 MB file
    is reported as 30 MB, never as the limit plus one byte that was read of it.
    """
    stream = storage.stream
    try:
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
    except (AttributeError, OSError, ValueError):  # not seekable: what can be read is the size
        data = storage.read(limit + 1)
        return data, len(data)
    return (storage.read(limit + 1) if size <= limit else b""), size


def store_files(files: list[tuple], field: str) -> list[dict]:
    """Check every file first and keep them only if all pass; return [{sha256, name, size}].

    `files` holds (name, data) or (name, data, real size) (read_upload). Failures are raised
    with details keyed by `field`, so the form can show them in place.
    """
    limit = current_app.config["MAX_FILE_BYTES"]
    checked, problems, worst = [], [], None
    for name, data, *size in files:
        try:
            if size and size[0] > limit:
                raise too_large(name, size[0], limit)
            checked.append((name, data, inspect(data, limit, name)))
        except (TooLarge, UnsupportedType) as exc:
            problems.append(exc.message)
            worst = worst if isinstance(worst, TooLarge) else exc
    if worst is not None:
        raise type(worst)(worst.message, {field: problems})
    if sum(len(d) for _n, d, _c in checked) > current_app.config["MAX_DOSSIER_BYTES"]:
        message = _("Tổng dung lượng các tệp vượt quá giới hạn của một hồ sơ.")
        raise TooLarge(message, {field: [message]})
    refs = []
    for name, data, clean in checked:
        blob, _new = blobs.save_blob(data, clean)
        refs.append({"sha256": blob.sha256, "name": name[:255], "size": blob.size})
    db.session.commit()
    return refs


@dataclass(frozen=True)
class Upload:
    requirement: int
    name: str
    data: bytes  # at most the limit + 1 bytes (read_upload): a file over it is never read
    size: int  # its real size


@dataclass
class Received:
    """What one submit of a form brought: the files kept, and why each other one was not."""

    refs: dict[int, list[dict]] = field(default_factory=dict)  # requirement -> [{sha256, name, size}]
    problems: dict[str, list[str]] = field(default_factory=dict)  # "documents.<id>" / "_files"
    worst: type[DomainError] = UnsupportedType  # TooLarge if any file was too large


def receive_each(uploads: list[Upload], requirements, kept: dict[int, list[dict]]) -> Received:
    """Judge each file on its own: store every acceptable one, say why each other one is not.

    A good file sent beside a bad one is kept (content-addressed, so storing it twice costs
    nothing), and the form lists it as received: the person only chooses the bad one again.
    """
    limit = current_app.config["MAX_FILE_BYTES"]
    types = {r.id: r.accepted_types.split(",") for r in requirements}
    out = Received()
    for up in uploads:
        try:
            if up.size > limit:
                raise too_large(up.name, up.size, limit)
            clean = inspect(up.data, limit, up.name)
            if ALLOWED[clean.media_type] not in types[up.requirement]:
                raise UnsupportedType(_("%(name)s: giấy tờ này chỉ nhận tệp %(types)s.", name=up.name,
                                        types=", ".join(t.upper() for t in types[up.requirement])))
        except (TooLarge, UnsupportedType) as exc:
            out.problems.setdefault(f"documents.{up.requirement}", []).append(exc.message)
            out.worst = TooLarge if isinstance(exc, TooLarge) else out.worst
            continue
        blob, _new = blobs.save_blob(up.data, clean)
        out.refs.setdefault(up.requirement, []).append(
            {"sha256": blob.sha256, "name": up.name[:255], "size": blob.size})
    db.session.commit()
    sizes = {r["sha256"]: r["size"] for refs in (*kept.values(), *out.refs.values()) for r in refs}
    total, most = sum(sizes.values()), current_app.config["MAX_DOSSIER_BYTES"]
    if total > most:
        out.problems["_files"] = [_("Các tệp của hồ sơ nặng %(size)s; một hồ sơ tối đa %(max)s. Hãy bỏ "
                                    "bớt tệp hoặc chọn tệp nhỏ hơn.", size=human_size(total),
                                    max=human_size(most))]
        out.worst = TooLarge
    return out


def refusal(manifest: dict, received: Received) -> DomainError:
    """The one answer to a form with refused files: every field's error and every file's, together.

    A file's own reason replaces "please attach" for its document. Field mistakes make it a
    422; files alone keep their status (413 too large, 415 not PDF, JPEG or PNG).
    """
    try:
        validate_manifest(manifest)
        errors: dict[str, list[str]] = {}
    except Invalid as exc:
        errors = dict(exc.details or {})
    fields_wrong = any(key not in received.problems for key in errors)
    errors.update(received.problems)
    if fields_wrong:
        return Invalid(_("Hồ sơ còn thông tin chưa hợp lệ."), errors)
    return received.worst(_("Một số tệp không nhận được."), errors)
