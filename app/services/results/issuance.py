"""Sign each PDF result as it is attached; images and other types are kept as sent (unsigned).

Called by the workflow's `resolve`, so the staff form and the department API sign the same
way. The signed PDF, stamped with its QR code and a fresh verification key, becomes the
document's blob: what the applicant downloads, and what /xac-thuc recognises byte for byte.
Each signed document gets its ResultSignature (the key's digest among it); a document without
one is not called signed anywhere. The unsigned upload is left for `prune-blobs`.
"""

from flask_babel import gettext as _

from app.models import Document, Dossier, ResultSignature
from app.services.errors import Invalid, SigningFailed
from app.services.files import blobs
from app.services.files.uploads import CleanFile
from app.services.results import keys
from app.services.results.certificate import SigningUnavailable, credentials
from app.services.results.signing import PDF, Unsignable, sign_pdf


def is_signed(document: Document) -> bool:
    """Say whether the centre signed this result document (on record, not guessed from its type)."""
    return document.signature is not None


def sign_results(dossier: Dossier, documents: list[Document]) -> list[Document]:
    """Replace each PDF result's bytes with the centre's signed copy, naming the dossier's code."""
    for doc in documents:
        if doc.media_type != PDF:
            continue
        blob = blobs.get_blob(doc.sha256)
        key = keys.new_key()
        try:
            signed = sign_pdf(blobs.store().read(blob.storage_key), dossier.code, key)
        except Unsignable as exc:
            raise Invalid(str(exc), {"result": [f"{doc.original_name}: {exc}"]}) from exc
        except SigningUnavailable as exc:
            raise SigningFailed(_("Chưa ký số được kết quả: chứng thư số của trung tâm chưa sẵn sàng. "
                                  "Vui lòng báo quản trị hệ thống.")) from exc
        kept, _new = blobs.save_blob(signed, CleanFile(signed, PDF))
        doc.sha256, doc.size = kept.sha256, kept.size
        doc.signature = ResultSignature(signer=credentials().name, key_digest=keys.digest(key))
    return documents
