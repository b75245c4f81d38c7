"""Helpers for the signed-results tests: a real PDF, a dossier at the department, a resolved one."""

import io
from datetime import UTC, datetime

from fpdf import FPDF

from app.extensions import db
from app.services import workflow
from app.services.actors import Actor
from tests.factories import make_dossier, make_procedure, make_user

OFFICER = Actor("user", "reception", None, "Cán bộ tiếp nhận")


def result_pdf(text: str = "Phiếu lý lịch tư pháp số 123") -> bytes:
    """A PDF as an office's software writes one (sound cross-reference, Vietnamese text)."""
    from app.services.dossiers.declaration_pdf import FONTS

    pdf = FPDF()
    pdf.set_creation_date(datetime(2026, 12, 1, tzinfo=UTC))  # the same bytes every time
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def processing_dossier():
    """A dossier forwarded to its department (status 4), and that department's officer."""
    proc = make_procedure()
    dossier = make_dossier(proc, return_method="electronic")
    workflow.accept(dossier, OFFICER)
    workflow.forward(dossier, OFFICER)
    officer = make_user("department", agency=proc.agency, name="Lê Văn Sở")
    return dossier, officer


def flip(data: bytes, at: int) -> bytes:
    """The same bytes with one bit changed at `at` (negative: from the end)."""
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def upload(data: bytes, name: str = "ket-qua.pdf") -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), name


def reload(dossier):
    db.session.expire_all()
    return db.session.get(type(dossier), dossier.id)


def resolved_with(files: list[tuple[bytes, str]], return_method: str = "electronic"):
    """A dossier its department resolved with these result files, signed as the staff form signs."""
    from app.models import Document
    from app.services.files import blobs
    from app.services.files.uploads import inspect

    dossier, officer = processing_dossier()
    docs = []
    for data, name in files:
        blob, _new = blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
        docs.append(Document(original_name=name, size=blob.size, sha256=blob.sha256,
                             media_type=blob.media_type))
    workflow.resolve(dossier, Actor.of(officer), docs, return_method)
    return reload(dossier)
