"""Declarations filled online: a requirement's form, judged like any field, kept as a PDF document.

A requirement may carry a declaration (Requirement.declaration: its title, official form
number and fields, declared as data like Procedure.form_fields). The applicant fills it on
the apply form instead of printing, signing and photographing it; the manifest carries the
answers as `declarations` keyed by requirement id. Inside the one submission path
(services/submissions.create_dossier) each is drawn as a PDF (services/declaration_pdf.py),
stored through the blob store like an upload, and named as that requirement's document, so
staff, the receipt and the department API see it as any other file.
"""

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from app.lib.time import to_local
from app.models import Document, Dossier, Procedure, Requirement
from app.services.dossiers.declaration_pdf import Page, render, vietnamese_date
from app.services.dossiers.fields import validate_fields
from app.services.files import blobs
from app.services.files.uploads import CleanFile

PDF = "application/pdf"


def validate(procedure: Procedure, raw: dict) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """Return (answers by requirement id, errors keyed "declarations.<id>.<field>").

    A declaration with every answer empty was not chosen (the person uploads the form
    instead) and is left out, so a manifest without one hashes as it always did.
    """
    by_id = {str(r.id): r for r in procedure.requirements}
    clean: dict[str, dict] = {}
    errors: dict[str, list[str]] = {}
    for key, values in sorted(raw.items()):
        if not any(_given(v) for v in values.values()):
            continue
        req = by_id.get(key)
        if req is None or not req.declaration:
            errors["declarations"] = [_("Tờ khai không thuộc thủ tục này.")]
            continue
        if not req.active:
            errors[f"documents.{req.id}"] = [_("Thủ tục không còn yêu cầu giấy tờ này; vui lòng gửi lại "
                                               "hồ sơ không kèm tờ khai này.")]
            continue
        answers, problems = validate_fields(req.declaration["fields"], values, prefix=f"declarations.{key}")
        errors |= problems
        if not problems:
            clean[key] = answers
    return clean, errors


def _given(value) -> bool:
    return value.strip() != "" if isinstance(value, str) else value is not None


def page_for(requirement: Requirement, answers: dict | None, signer: str = "",
             when: datetime | None = None) -> Page:
    """Lay out a declaration in Vietnamese (the authority's language): filled, or blank if no answers."""
    spec = requirement.declaration or {}
    with force_locale("vi"):
        rows = [(f["label"], _show(f, answers.get(f["name"])) if answers is not None else None)
                for f in spec.get("fields", [])]
        day = vietnamese_date(to_local(when).date()) if when else "......, ngày .... tháng .... năm ......"
        agency = requirement.procedure.agency
        return Page(
            form=spec.get("form", ""), title=spec.get("title") or requirement.name,
            addressee=_("Kính gửi: %(agency)s", agency=agency.name),
            rows=rows,
            pledge=_("Tôi xin cam đoan những lời khai trên là đúng sự thật và chịu trách nhiệm "
                     "trước pháp luật về lời khai của mình."),
            place_date=day, signer_title=_("Người khai"), signer=signer,
            footnote=_("Tờ khai được điền trực tuyến và nộp kèm hồ sơ; thời điểm nộp thay cho "
                       "ngày ký.") if answers is not None
            else _("Mẫu tờ khai để in và điền tay; có thể điền trực tuyến khi nộp hồ sơ."),
        )


def _show(field: dict, value) -> str:
    if value in (None, ""):
        return "—"
    if field.get("type") == "date":
        y, m, d = str(value).split("-")
        return f"{d}/{m}/{y}"
    return str(value)


def file_name(requirement: Requirement) -> str:
    """The name the rendered PDF is listed under (receipt, staff page, downloads)."""
    spec = requirement.declaration or {}
    with force_locale("vi"):  # kept on the dossier: the authority's language, not the request's
        name = _("Tờ khai điền trực tuyến") + " - " + (spec.get("form") or requirement.name)
    return name.replace("/", "-")[:240] + ".pdf"


def rendered(procedure: Procedure, answers: dict[str, dict], signer: str,
             when: datetime) -> list[tuple[Requirement, bytes]]:
    """Draw each filled declaration of a dossier being submitted (before anything is written)."""
    by_id = {str(r.id): r for r in procedure.requirements}
    return [(by_id[key], render(page_for(by_id[key], values, signer, when), when))
            for key, values in sorted(answers.items())]


def attach(dossier: Dossier, drawn: list[tuple[Requirement, bytes]]) -> None:
    """Store each drawn PDF in the blob store and name it as its requirement's document."""
    for requirement, data in drawn:
        blob, _created = blobs.save_blob(data, CleanFile(data, PDF))
        dossier.documents.append(Document(
            requirement_id=requirement.id, original_name=file_name(requirement),
            media_type=PDF, size=blob.size, sha256=blob.sha256,
        ))


def blank(requirement: Requirement) -> bytes:
    """The blank declaration drawn from its fields, to print and fill by hand."""
    return render(page_for(requirement, None))


def for_dossier(dossier: Dossier) -> list[tuple[Requirement, Page]]:
    """Each declaration filled online with this dossier, laid out as it was drawn (printable page)."""
    by_id = {str(r.id): r for r in dossier.procedure.requirements}
    signer = dossier.contact_name or dossier.applicant_name  # the person, also when filed for a company
    return [(by_id[key], page_for(by_id[key], values, signer, dossier.submitted_at))
            for key, values in sorted((dossier.declarations or {}).items()) if key in by_id]
