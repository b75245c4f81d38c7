"""`flask results-record`: results signed before signatures were recorded are recorded as signed
where /xac-thuc would call the file valid, and only there; run twice, nothing changes."""

from app.extensions import db
from app.models import Document, ResultSignature
from app.services.files import blobs
from app.services.files.uploads import inspect
from app.services.results import is_signed
from app.services.results.signing import sign_pdf
from tests.factories import jpeg_bytes
from tests.helpers import fresh_client
from tests.results_helpers import flip, reload, resolved_with, result_pdf


def attach_as_before(dossier, data: bytes, name: str) -> Document:
    """A result document as attached before migration 0019: no signature on record."""
    blob, _new = blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
    doc = Document(dossier_id=dossier.id, round="result", original_name=name, media_type=blob.media_type,
                   size=blob.size, sha256=blob.sha256)
    db.session.add(doc)
    db.session.commit()
    return doc


def test_earlier_results_signed_by_the_centre_are_recorded_and_no_others(app, ctx, runner):
    dossier = resolved_with([(jpeg_bytes(), "anh.jpg")])
    signed = sign_pdf(result_pdf("Quyết định cũ"), dossier.code)  # invisible, as before the stamp
    old_signed = attach_as_before(dossier, signed, "da-ky.pdf")
    old_unsigned = attach_as_before(dossier, result_pdf("Chưa ký"), "chua-ky.pdf")
    attach_as_before(dossier, flip(sign_pdf(result_pdf("Sửa"), dossier.code), 300), "bi-sua.pdf")

    dry = runner.invoke(args=["results-record"])
    assert dry.exit_code == 0 and "signed by the centre: 1 would be recorded" in dry.output
    assert "not signed by it: 2" in dry.output and db.session.query(ResultSignature).count() == 0

    applied = runner.invoke(args=["results-record", "--apply"])
    assert applied.exit_code == 0 and "signed by the centre: 1 recorded" in applied.output
    db.session.expire_all()
    [row] = db.session.query(ResultSignature).all()
    assert row.document_id == old_signed.id and row.key_digest is None
    assert row.signer == app.config["CENTRE_NAME"]
    assert is_signed(db.session.get(Document, old_signed.id))
    assert not is_signed(db.session.get(Document, old_unsigned.id))

    again = runner.invoke(args=["results-record", "--apply"])
    assert "signed by the centre: 0 recorded; not signed by it: 2" in again.output
    assert db.session.query(ResultSignature).count() == 1

    # Recorded without a key: no typed key finds it, so the lookup's one answer stays the same.
    miss = fresh_client(app).get("/xac-thuc", query_string={"ma": reload(dossier).code, "k": "00000-00000"})
    assert miss.status_code == 404
