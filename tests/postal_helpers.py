"""Factories for the postal and account tests."""

from app.extensions import db
from app.services.dossiers.tracking import access_token
from tests.factories import VALID_PHONE, make_dossier, make_procedure, new_key

TAY_NINH = 80
TAY_NINH_WARD = 27727  # Xã Hưng Điền, Tây Ninh
HANOI = 1


def preview_postal(page, province: int, ward: int) -> None:
    """On the postal form in a browser: choose the place (htmx brings the province's wards),
    ask for the preview and wait for the confirm step."""
    page.select_option("#province", str(province))
    page.wait_for_selector(f"#ward option[value='{ward}']", state="attached")
    page.select_option("#ward", str(ward))
    page.click("button[value=preview]")
    page.wait_for_selector("form#postal-form[data-step=confirm][data-enhanced]", state="attached")


def postal_body(**kw) -> dict:
    return {"direction": "result", "recipient_name": "Nguyễn Văn An", "phone": VALID_PHONE,
            "street": "12 Lê Lợi", "province": TAY_NINH, "ward": TAY_NINH_WARD, "note": ""} | kw


def dossier_with_token(proc=None, **proc_kw):
    """A submitted dossier and the signed link that opens it."""
    proc = proc or make_procedure(**proc_kw)
    dossier = make_dossier(proc)
    return dossier, access_token(dossier)


def post_postal(client, code: str, body: dict, key: str | None = None):
    return client.post(f"/api/v1/dossiers/{code}/postal-requests", json=body,
                       headers={"Idempotency-Key": key or new_key()})


def resolved(dossier, method: str = "post"):
    """Take a dossier to 9 (result ready) the way officers do, through the workflow."""
    from app.models import Blob, Document
    from app.services import workflow
    from app.services.actors import Actor
    from tests.factories import make_user

    rec, dep = make_user("reception"), make_user("department", agency=dossier.agency)
    workflow.accept(dossier, Actor.of(rec))
    workflow.forward(dossier, Actor.of(rec))
    blob = db.session.get(Blob, dossier.documents[0].sha256)
    result = Document(original_name="ket-qua.pdf", media_type=blob.media_type, size=blob.size,
                      sha256=blob.sha256)
    workflow.resolve(dossier, Actor.of(dep), [result], method)
    return dossier
