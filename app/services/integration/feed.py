"""Reading the change feed: opaque cursors, pages of changed dossiers, one dossier, a document.

An item is what the agency processing a dossier may see of it: the applicant's name, ID
number, phone and address included (the agency needs them to do its work; no other agency's
token ever reaches the dossier). Pages are read with two queries whatever their size (the
dossiers, then all their documents), so reading 10,000 changes stays well under two seconds.
"""

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import orjson
from flask_babel import gettext as _
from sqlalchemy import ARRAY, BigInteger, Text, any_, bindparam, cast, func, literal_column, select

from app.extensions import db
from app.models import Blob, Document, Dossier, DossierChange, Procedure, StatusEvent
from app.models.status import Channel, status_labels
from app.schemas.bounded import INT64_MAX
from app.services.actors import Actor
from app.services.errors import InvalidCursor, NotFound
from app.services.files import blobs
from app.services.integration.tokens import scope_agency_id
from app.services.workflow import in_scope

DEFAULT_LIMIT, MAX_LIMIT = 100, 500
CHANNELS = {int(c): c.name.lower() for c in Channel}  # 1 counter, 2 online, 3 post
_CURSOR = re.compile(r"^c1\.(0|[1-9][0-9]{0,18})$")
CHUNK = 64 * 1024

# What a department's items are built from: dossier columns, plus the procedure's code and name.
_COLUMNS = (Dossier.id, Dossier.code, Dossier.status, Dossier.version, Dossier.channel,
            Dossier.submitted_at, Dossier.accepted_at, Dossier.due_date, Dossier.finished_at,
            Dossier.returned_at, Dossier.return_method, Dossier.applicant_kind, Dossier.applicant_name,
            Dossier.applicant_id_number, Dossier.applicant_phone, Dossier.applicant_address,
            Dossier.tax_code, Dossier.contact_name, Dossier.organisation_id,
            cast(Dossier.form_data, Text).label("form_data"),  # its stored text: see _fields
            Procedure.code.label("procedure_code"), Procedure.name.label("procedure_name"), DossierChange.seq)


def encode_cursor(seq: int) -> str:
    """Return the opaque cursor that means "after change number `seq`"."""
    return base64.urlsafe_b64encode(f"c1.{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """Return the change number a cursor stands for (0: from the start); InvalidCursor otherwise."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    match = _CURSOR.match(text) if len(cursor) <= 40 else None
    if match is None or int(match.group(1)) > INT64_MAX:
        raise InvalidCursor(_("Con trỏ “after” không hợp lệ: hãy dùng đúng giá trị next_cursor của trang "
                              "trước, hoặc bỏ trống để đọc từ đầu."), {"after": [_("Giá trị không hợp lệ.")]})
    return int(match.group(1))


@dataclass(frozen=True)
class Page:
    items: list[dict]
    next_cursor: str
    has_more: bool


def page(actor: Actor, cursor: str | None, limit: int, document_url: Callable[[str, int], str]) -> Page:
    """Return the dossiers changed after `cursor`, oldest change first, and where to go on from."""
    after = decode_cursor(cursor)
    stmt = (select(*_COLUMNS).select_from(DossierChange)
            .join(Dossier, Dossier.id == DossierChange.dossier_id)
            .join(Procedure, Procedure.id == Dossier.procedure_id)
            .where(DossierChange.seq > after).order_by(DossierChange.seq).limit(limit + 1))
    if (agency_id := scope_agency_id(actor)) is not None:
        stmt = stmt.where(DossierChange.agency_id == agency_id)
    rows = db.session.connection().execute(stmt).all()  # Core rows: no ORM loading for 500 of them
    has_more, rows = len(rows) > limit, rows[:limit]
    items = _items(rows, document_url)
    last = rows[-1].seq if rows else after
    return Page(items, encode_cursor(last), has_more)


def find(actor: Actor, code: str) -> Dossier:
    """Return the dossier if the actor's agency may see it; any other answers exactly like a typo."""
    code = (code or "").strip().upper()
    found = db.session.execute(db.select(Dossier).filter_by(code=code)) if code else None
    dossier = found.scalar_one_or_none() if found is not None else None
    if dossier is None or not in_scope(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return dossier


def one(actor: Actor, code: str, document_url: Callable[[str, int], str]) -> dict:
    """Return one dossier as a feed item, with its timeline."""
    dossier = find(actor, code)
    row = db.session.execute(
        select(*_COLUMNS).select_from(Dossier).join(Procedure, Procedure.id == Dossier.procedure_id)
        .outerjoin(DossierChange, DossierChange.dossier_id == Dossier.id)
        .where(Dossier.id == dossier.id)).one()
    item = _items([row], document_url)[0]
    labels = status_labels()
    events = db.session.execute(
        select(StatusEvent.to_status, StatusEvent.created_at, StatusEvent.actor_label, StatusEvent.note)
        .where(StatusEvent.dossier_id == dossier.id).order_by(StatusEvent.id)).all()
    item["timeline"] = [{"status": s, "status_label": labels[s], "at": at, "actor": who, "note": note}
                        for s, at, who, note in events]
    return item


# Items hold naive UTC datetimes (dates, too) and form data as ready JSON; `dumps` writes them the
# way Flask's provider wrote the formatted strings: keys sorted, compact, "2026-01-02T03:04:05.000007Z".
_ORJSON = orjson.OPT_SORT_KEYS | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z
# Numbers orjson would spell differently from Python (1e+16, 1e-07) or read as floats (beyond 64 bits):
# form data with anything like them is written by the json module, as before. A string such as
# "Số 1.5" takes that path too; it is only slower.
_UNSURE = re.compile(r"[0-9][.eE]|[0-9]{19}|NaN|Infinity")


def dumps(obj) -> bytes:
    """Return the JSON answer for a page or an item, byte for byte what `jsonify` answered."""
    return orjson.dumps(obj, option=_ORJSON) + b"\n"


def _fields(text: str | None):
    """Return a dossier's stored form data as it goes into the answer (SQL or JSON null, empty: {})."""
    if not text:
        return {}
    if not _UNSURE.search(text):
        try:
            return orjson.loads(text) or {}
        except orjson.JSONDecodeError:  # e.g. a lone surrogate: the json module decides, as before
            pass
    value = json.loads(text)
    if not value:
        return {}
    exact = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return orjson.Fragment(exact.encode())


def _ids_in(ids: list[int]):
    """`Document.dossier_id IN ids` with one parameter, so its SQL text is the same on every page."""
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":
        return Document.dossier_id == any_(bindparam("dossier_ids", ids, type_=ARRAY(BigInteger)))
    if dialect == "sqlite":
        listed = select(literal_column("value")).select_from(
            func.json_each(bindparam("dossier_ids", json.dumps(ids))))
        return Document.dossier_id.in_(listed.scalar_subquery())
    return Document.dossier_id.in_(ids)


def _items(rows, document_url: Callable[[str, int], str]) -> list[dict]:
    """Build the items of a page: one query for all the documents of its dossiers."""
    labels = status_labels()
    documents: dict[int, list[dict]] = {}
    codes = {row.id: row.code for row in rows}
    if codes:
        for d in db.session.connection().execute(
                select(Document.id, Document.dossier_id, Document.round, Document.requirement_id,
                       Document.original_name, Document.media_type, Document.size, Document.sha256,
                       Document.created_at, Document.photo_check)
                .where(_ids_in(list(codes))).order_by(Document.id)):
            documents.setdefault(d.dossier_id, []).append({
                "id": d.id, "round": d.round, "requirement": d.requirement_id, "name": d.original_name,
                "media_type": d.media_type, "size": d.size, "sha256": d.sha256,
                "created_at": d.created_at, "photo_check": d.photo_check,
                "url": document_url(codes[d.dossier_id], d.id)})
    # Rows unpacked in _COLUMNS' order: 10,000 tuples are read faster than 230,000 attributes.
    return [{
        "code": code, "status": status, "status_label": labels[status], "version": version,
        "change_seq": seq, "channel": CHANNELS.get(channel, str(channel)),
        "procedure": {"code": procedure_code, "name": procedure_name},
        "received_at": submitted_at, "accepted_at": accepted_at, "due_date": due_date or None,
        "finished_at": finished_at, "returned_at": returned_at, "return_method": return_method,
        "applicant": {"kind": kind, "name": name, "id_number": id_number, "phone": phone, "address": address},
        "organisation": ({"tax_code": tax_code, "contact_name": contact_name}
                         if organisation_id is not None or tax_code else None),
        "fields": _fields(form_data),
        "documents": documents.get(id_, []),
    } for (id_, code, status, version, channel, submitted_at, accepted_at, due_date, finished_at, returned_at,
           return_method, kind, name, id_number, phone, address, tax_code, contact_name, organisation_id,
           form_data, procedure_code, procedure_name, seq) in rows]


@dataclass(frozen=True)
class Download:
    name: str
    media_type: str
    etag: str  # the SHA-256 of the stored bytes
    chunks: Iterator[bytes]


def document(actor: Actor, code: str, document_id: int) -> Download:
    """Open one document of a dossier the actor may see, to stream it from the blob store."""
    dossier = find(actor, code)
    doc = db.session.get(Document, document_id)
    blob = db.session.get(Blob, doc.sha256) if doc is not None and doc.dossier_id == dossier.id else None
    store = blobs.store()
    if blob is None or not store.has(blob.storage_key):
        raise NotFound(_("Không tìm thấy tệp này."))
    return Download(doc.original_name, doc.media_type, blob.storage_key, _chunks(store, blob.storage_key))


def _chunks(store, key: str) -> Iterator[bytes]:
    """Read a stored file piece by piece: object storage streams, a folder is read from disk."""
    if hasattr(store, "open"):
        yield from store.open(key)
        return
    with open(store.path(key), "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk
