"""Real records for the contract run, so the fuzzer reaches the API's logic, not only its 404s.

    python -m tests.contract.fixtures   (with the run's DATABASE_URL, BLOB_STORE, ... set)

Made through the services, as the outbox and the officers make them, on a demo procedure of
the department the run's token belongs to: a dossier just filed (with a postal request), one
waiting for a supplement, one refused (so it can be rated). One procedure more asks for no
field and no document of its own, so a generated manifest with a real applicant files a
dossier and the document's links (file -> track -> rate, post, cancel) are followed for real.
Prints what schemathesis should try as parameter values, as JSON.
"""

import json
from datetime import date

from app import create_app
from app.extensions import db
from app.models import Agency, Procedure, Requirement
from app.services import workflow
from app.services.actors import Actor
from app.services.catalogue.procedures import search_text_for
from app.services.dossiers import submissions
from app.services.dossiers.tracking import access_token
from app.services.files import blobs
from app.services.files.uploads import inspect
from app.services.postal import requests as postal
from tests.factories import VALID_ID, VALID_PHONE, applicant, make_user, new_key, pdf_bytes, png_bytes, sha
from tests.postal_helpers import postal_body

AGENCY = "000.01.00.H40"
PROCEDURE = "2.000635"  # of that department, by post too


def value_for(field: dict):
    """A value the procedure's own field accepts."""
    kind = field.get("type", "text")
    if kind == "number":
        return field.get("min", 1)
    if kind == "select":
        return field["choices"][0]
    if kind == "date":
        return date.today().isoformat()
    return "Bổ sung hồ sơ"


def file_dossier(proc: Procedure, documents: list[bytes]):
    for data in documents:
        blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
    db.session.commit()
    body = {"procedure": proc.code, "applicant": applicant(),
            "fields": {f["name"]: value_for(f) for f in proc.form_fields},
            "documents": [{"requirement": r.id, "sha256": sha(d), "name": f"tep-{n}.pdf"}
                          for n, (r, d) in enumerate(zip(proc.active_requirements, documents, strict=False))]}
    dossier, _ = submissions.create_dossier(body, new_key(), channel=2, actor=("citizen", None, ""))
    return dossier


def open_procedure(agency: Agency) -> Procedure:
    """A procedure any manifest with a real applicant satisfies: no own field, no document needed."""
    proc = Procedure(code="9.000001", agency=agency, name="Thủ tục kiểm thử hợp đồng API", field="Kiểm thử",
                     processing_time=5, time_unit="working_day", fee=0, postal_allowed=True, form_fields=[])
    proc.requirements = [Requirement(position=0, name="Giấy tờ kèm theo (nếu có)", mandatory=False)]
    proc.search_text = search_text_for(proc, agency)
    db.session.add(proc)
    db.session.commit()
    return proc


def main() -> dict:
    agency = db.session.execute(db.select(Agency).filter_by(code=AGENCY)).scalar_one()
    proc = db.session.execute(db.select(Procedure).filter_by(code=PROCEDURE)).scalar_one()
    anything = open_procedure(agency)
    documents = [pdf_bytes(f"to khai {n}") for n in range(len(proc.active_requirements))] + [png_bytes()]
    reception = Actor.of(make_user("reception", email="tiep-nhan@contract.test"))
    fresh = file_dossier(proc, documents)
    request, _ = postal.register(fresh, postal_body(), new_key(), Actor.citizen(fresh))
    waiting = file_dossier(proc, documents)
    workflow.accept(waiting, reception)
    workflow.request_supplement(waiting, reception, "Giấy khai sinh", date(2099, 1, 1))
    refused = file_dossier(proc, documents)
    workflow.refuse(refused, reception, "Không thuộc thẩm quyền")
    make_user("department", agency=agency, email="chuyen-vien@contract.test")
    db.session.commit()
    return {
        "codes": [fresh.code, waiting.code, refused.code],
        "secrets": [VALID_PHONE, VALID_ID],
        "phones": [VALID_PHONE],
        "id_numbers": [VALID_ID],
        "emails": ["", "an@example.vn"],
        "tokens": [access_token(d) for d in (fresh, waiting, refused)],
        "request_ids": [request.id],
        "sha256": [sha(d) for d in documents],
        "document_ids": [d.id for d in fresh.documents],
        "requirements": [r.id for r in proc.active_requirements + anything.active_requirements],
        "procedures": [anything.code, proc.code],
    }


if __name__ == "__main__":
    with create_app().app_context():
        print(json.dumps(main()))
