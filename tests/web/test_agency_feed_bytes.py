"""The change feed's answer, byte for byte: the faster serializer says exactly what the old one said.

The old way is kept here (rows → dicts with formatted timestamps and decoded form data → Flask's
JSON provider): each page and each dossier read through the API must equal its output exactly.
"""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.api.agency import _document_urls
from app.extensions import db
from app.models import Document, Dossier, DossierChange, Procedure, StatusEvent
from app.models.status import status_labels
from app.services.integration import feed
from tests.agency_helpers import bearer, department, processing, token_for
from tests.factories import make_dossier

FEED = "/api/v1/agency/dossiers/changes"
_COLUMNS = (Dossier.id, Dossier.code, Dossier.status, Dossier.version, Dossier.channel,
            Dossier.submitted_at, Dossier.accepted_at, Dossier.due_date, Dossier.finished_at,
            Dossier.returned_at, Dossier.return_method, Dossier.applicant_kind, Dossier.applicant_name,
            Dossier.applicant_id_number, Dossier.applicant_phone, Dossier.applicant_address,
            Dossier.tax_code, Dossier.contact_name, Dossier.organisation_id, Dossier.form_data,
            Procedure.code.label("procedure_code"), Procedure.name.label("procedure_name"), DossierChange.seq)


def _old_t(moment):
    return moment.isoformat() + "Z" if moment is not None else None


def _old_items(rows, document_url):
    """The serializer as it was before orjson (copied verbatim, queries included)."""
    labels = status_labels()
    documents = {}
    codes = {row.id: row.code for row in rows}
    if codes:
        for d in db.session.connection().execute(
                select(Document.id, Document.dossier_id, Document.round, Document.requirement_id,
                       Document.original_name, Document.media_type, Document.size, Document.sha256,
                       Document.created_at, Document.photo_check)  # photo_check: added since (issue 14)
                .where(Document.dossier_id.in_(list(codes))).order_by(Document.id)):
            documents.setdefault(d.dossier_id, []).append({
                "id": d.id, "round": d.round, "requirement": d.requirement_id, "name": d.original_name,
                "media_type": d.media_type, "size": d.size, "sha256": d.sha256,
                "created_at": _old_t(d.created_at), "photo_check": d.photo_check,
                "url": document_url(codes[d.dossier_id], d.id)})
    return [{
        "code": r.code, "status": r.status, "status_label": labels[r.status], "version": r.version,
        "change_seq": r.seq, "channel": feed.CHANNELS.get(r.channel, str(r.channel)),
        "procedure": {"code": r.procedure_code, "name": r.procedure_name},
        "received_at": _old_t(r.submitted_at), "accepted_at": _old_t(r.accepted_at),
        "due_date": r.due_date.isoformat() if r.due_date else None,
        "finished_at": _old_t(r.finished_at), "returned_at": _old_t(r.returned_at),
        "return_method": r.return_method,
        "applicant": {"kind": r.applicant_kind, "name": r.applicant_name, "id_number": r.applicant_id_number,
                      "phone": r.applicant_phone, "address": r.applicant_address},
        "organisation": ({"tax_code": r.tax_code, "contact_name": r.contact_name}
                         if r.organisation_id is not None or r.tax_code else None),
        "fields": r.form_data or {},
        "documents": documents.get(r.id, []),
    } for r in rows]


def _old_page_bytes(app, after_seq: int, limit: int) -> bytes:
    with app.test_request_context():
        stmt = (select(*_COLUMNS).select_from(DossierChange)
                .join(Dossier, Dossier.id == DossierChange.dossier_id)
                .join(Procedure, Procedure.id == Dossier.procedure_id)
                .where(DossierChange.seq > after_seq).order_by(DossierChange.seq).limit(limit + 1))
        rows = db.session.connection().execute(stmt).all()
        has_more, rows = len(rows) > limit, rows[:limit]
        items = _old_items(rows, _document_urls())
        last = rows[-1].seq if rows else after_seq
        cursor = feed.encode_cursor(last)
        body = app.json.response(items=items, next_cursor=cursor, has_more=has_more).get_data()
        db.session.rollback()
        return body


def _old_dossier_bytes(app, code: str) -> bytes:
    with app.test_request_context():
        dossier = db.session.execute(select(Dossier).filter_by(code=code)).scalar_one()
        row = db.session.execute(
            select(*_COLUMNS).select_from(Dossier).join(Procedure, Procedure.id == Dossier.procedure_id)
            .outerjoin(DossierChange, DossierChange.dossier_id == Dossier.id)
            .where(Dossier.id == dossier.id)).one()
        item = _old_items([row], _document_urls())[0]
        labels = status_labels()
        events = db.session.execute(
            select(StatusEvent.to_status, StatusEvent.created_at, StatusEvent.actor_label, StatusEvent.note)
            .where(StatusEvent.dossier_id == dossier.id).order_by(StatusEvent.id)).all()
        item["timeline"] = [{"status": s, "status_label": labels[s], "at": _old_t(at), "actor": who,
                             "note": note} for s, at, who, note in events]
        body = app.json.response(item).get_data()
        db.session.rollback()
        return body


# Form data as citizens' browsers and older releases left it: nested, unicode, escapes, numbers that
# the fast path must not re-spell (floats, integers beyond 64 bits), keys out of order, empty values.
FORMS = [
    {"họ_tên": "Nguyễn Thị Ánh", "z": 1, "a": {"y": [1, 2, {"ư": "Đ"}], "b": None, "x": True}},
    {"ghi_chú": "dòng 1\ndòng 2\t\"trích\" \\ </script> \u2028 \x01 \x7f 😀", "số": -12},
    {"diện_tích": 12.5, "tiền": 1e16, "nhỏ": 1e-07, "âm": -0.0,
     "lớn": 9223372036854775807, "hơn": 9007199254740993},
    {"văn_bản": "Số 1.5 đường 3E, không phải số"},
    {"list": [], "obj": {}, "sâu": {"1": {"2": {"3": ["a", {"B": "b", "A": "a"}]}}}},
    {},
    {"tiền": 1e16, "nhỏ": [1e-07, 0.1, 100.0]},  # floats alone, nothing else to send it the slow way
]


@pytest.fixture
def dossiers(ctx):
    agency, proc = department()
    made = []
    for i, form in enumerate(FORMS):
        d = processing(proc, applicant_name=f"Trần Văn Bình {i} \"Bé\" <b>")
        d.form_data = form
        made.append(d)
    made[0].finished_at = datetime(2026, 3, 4, 5, 6, 7, 890123)
    made[1].accepted_at = datetime(2026, 3, 4, 5, 6, 7)
    made[2].returned_at, made[2].return_method = datetime(2026, 3, 4, 5, 6, 7, 1), "post"
    made[3].due_date = None
    made[4].submitted_at = made[4].submitted_at.replace(microsecond=0)
    make_dossier(proc)  # still at the reception: not the department's yet, but in the feed's table
    made[0].documents[0].photo_check = {"issues": ["dark", "blurry"], "width": 1600, "height": 1200,
                                        "sharpness": 0.0931, "glare": 0.0, "p50": 40, "p95": 80}
    made[1].documents[0].photo_check = {"issues": []}
    db.session.commit()
    # a JSON null stored as form data reads as {} (the old `or {}`)
    db.session.execute(Dossier.__table__.update().where(Dossier.id == made[5].id).values(form_data=None))
    db.session.commit()
    return agency, made


@pytest.mark.parametrize("limit", [1, 2, 4, 500])
def test_every_page_of_the_feed_is_the_old_answer_byte_for_byte(app, client, dossiers, limit):
    agency, _ = dossiers
    token, after, seen = token_for(agency, "read"), None, 0
    while True:
        query = {"limit": limit} | ({"after": after} if after else {})
        answer = client.get(FEED, query_string=query, headers=bearer(token))
        assert answer.status_code == 200 and answer.mimetype == "application/json"
        assert answer.get_data() == _old_page_bytes(app, feed.decode_cursor(after), limit)
        seen += len(answer.json["items"])
        after = answer.json["next_cursor"]
        if not answer.json["has_more"]:
            break
    assert seen >= len(FORMS)
    empty = client.get(FEED, query_string={"after": after}, headers=bearer(token))
    assert empty.get_data() == _old_page_bytes(app, feed.decode_cursor(after), 100)


def test_one_dossier_is_the_old_answer_byte_for_byte(app, client, dossiers):
    agency, made = dossiers
    token = token_for(agency, "read")
    for d in made:
        answer = client.get(f"/api/v1/agency/dossiers/{d.code}", headers=bearer(token))
        assert answer.status_code == 200
        assert answer.get_data() == _old_dossier_bytes(app, d.code)


def test_documents_and_their_timestamps_are_in_the_answer(app, client, dossiers):
    agency, made = dossiers
    body = client.get(FEED, query_string={"limit": 500}, headers=bearer(token_for(agency, "read"))).json
    items = {item["code"]: item for item in body["items"]}
    assert all(items[d.code]["documents"] for d in made)
    assert items[made[0].code]["finished_at"] == "2026-03-04T05:06:07.890123Z"
    assert items[made[1].code]["accepted_at"] == "2026-03-04T05:06:07Z"
    assert items[made[1].code]["finished_at"] is None
    assert items[made[2].code]["fields"]["lớn"] == 9223372036854775807
    assert items[made[5].code]["fields"] == {}
    # What the applicant's phone found wrong with a photo they kept: as stored; null: not checked.
    assert items[made[0].code]["documents"][0]["photo_check"]["issues"] == ["dark", "blurry"]
    assert items[made[1].code]["documents"][0]["photo_check"] == {"issues": []}
    assert items[made[0].code]["documents"][1]["photo_check"] is None
