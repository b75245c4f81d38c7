"""Files that arrive in a plain multipart form (counter scans, results, supplements)."""

from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.services import blobs
from app.services.errors import TooLarge, UnsupportedType
from app.services.uploads import inspect


def store_files(files: list[tuple[str, bytes]], field: str) -> list[dict]:
    """Check every file first and keep them only if all pass; return [{sha256, name, size}].

    Failures are raised with details keyed by `field`, so the form can show them in place.
    """
    limit = current_app.config["MAX_FILE_BYTES"]
    checked, problems, worst = [], [], None
    for name, data in files:
        try:
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
