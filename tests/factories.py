"""Factories: the rows and files tests start from, made through the real code paths.

make_* build agencies, procedures, accounts and dossiers (a dossier through the real
create_dossier); *_bytes build small valid files; applicant/manifest build what a citizen
sends. What a test does with a client (sign in, post a form, CSRF) is in tests/helpers.py.
"""

import hashlib
import io
import uuid

from PIL import Image

from app.extensions import db
from app.models import Agency, Procedure, Requirement
from app.services.catalogue.procedures import search_text_for

VALID_ID = "079203001234"  # HCMC-registered, male, born 2003
VALID_PHONE = "0912345678"


def make_agency(code: str = "000.01.00.H40", name: str = "Sở Tư pháp") -> Agency:
    agency = Agency(code=code, name=name, short_name="STP")
    db.session.add(agency)
    db.session.flush()
    return agency


def make_procedure(agency: Agency | None = None, code: str = "2.001417", **kw) -> Procedure:
    """A procedure with two mandatory documents and one optional, and two own fields."""
    agency = agency or make_agency()
    values = dict(
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", field="Lý lịch tư pháp",
        processing_time=10, time_unit="working_day", cutoff_hour=15, fee=200000,
        online_level="full", postal_allowed=True,
        form_fields=[
            {"name": "purpose", "label": "Mục đích", "type": "text", "required": True},
            {"name": "copies", "label": "Số bản", "type": "number", "required": True,
             "min": 1, "max": 10},
        ],
    ) | kw
    proc = Procedure(code=code, agency=agency, **values)
    proc.requirements = [
        Requirement(position=0, name="Tờ khai", mandatory=True),
        Requirement(position=1, name="Bản chụp căn cước", mandatory=True),
        Requirement(position=2, name="Giấy tờ miễn phí (nếu có)", mandatory=False),
    ]
    proc.search_text = search_text_for(proc, agency)
    db.session.add(proc)
    db.session.commit()
    return proc


def jpeg_bytes(width: int = 64, height: int = 48, color=(200, 30, 30), exif=None) -> bytes:
    buf = io.BytesIO()
    img = Image.new("RGB", (width, height), color)
    img.save(buf, format="JPEG", quality=85, **({"exif": exif} if exif is not None else {}))
    return buf.getvalue()


def png_bytes(width: int = 32, height: int = 32) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def pdf_bytes(text: str = "to khai") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body +
            b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_key() -> str:
    return str(uuid.uuid4())


def applicant(**kw) -> dict:
    return {"name": "Nguyễn Văn An", "id_number": VALID_ID, "phone": VALID_PHONE,
            "email": "an@example.vn", "address": "12 Lê Lợi, phường Long An, tỉnh Tây Ninh"} | kw


def manifest(proc: Procedure, docs: list[tuple[int, bytes]], **kw) -> dict:
    """A JSON manifest naming the blobs in `docs` [(requirement index, bytes), ...]."""
    return {
        "procedure": proc.code,
        "applicant": applicant(),
        "fields": {"purpose": "Xin việc", "copies": 1},
        "documents": [
            {"requirement": proc.requirements[i].id, "sha256": sha(d), "name": f"tep-{n}.jpg"}
            for n, (i, d) in enumerate(docs)
        ],
    } | kw


STAFF_PASSWORD = "mat-khau-cua-can-bo"
_HASHES: dict[str, str] = {}


def make_user(role: str = "reception", agency: Agency | None = None, email: str | None = None,
              name: str | None = None, password: str = STAFF_PASSWORD, active: bool = True):
    """An account of the given role (department officers need an agency)."""
    from argon2 import PasswordHasher

    from app.models import User

    if password not in _HASHES:
        # Argon2id as in production, but cheap: verifying reads the cost from the hash itself,
        # so hundreds of test sign-ins stay fast.
        _HASHES[password] = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(password)
    user = User(email=email or f"{role}-{uuid.uuid4().hex[:8]}@motcua.test", name=name or f"Cán bộ {role}",
                role=role, agency=agency, active=active, password_hash=_HASHES[password])
    db.session.add(user)
    db.session.commit()
    return user


def make_dossier(proc: Procedure, *, received=None, channel: int = 2, actor=("citizen", None, ""),
                 **manifest_kw):
    """A submitted dossier (status 1) made through the real create_dossier path."""
    from app.services.dossiers import submissions
    from app.services.files import blobs
    from app.services.files.uploads import inspect

    docs = []
    for i, data in enumerate([jpeg_bytes(), pdf_bytes(f"doc {uuid.uuid4()}")]):
        blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
        docs.append((i, data))
    db.session.commit()
    dossier, _created = submissions.create_dossier(
        manifest(proc, docs, **manifest_kw), new_key(), received=received, channel=channel, actor=actor)
    return dossier


def load_test_holidays(*years: int) -> None:
    """Fill the holiday table from the `holidays` package for these years."""
    from app.services.catalogue.seed import load_holidays

    load_holidays(min(years), max(years))
