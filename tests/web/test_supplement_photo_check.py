"""A supplement photo's check travels with it, as on the dossier (issue 14): kept on the document.

The phone judges each photo of a supplement answer as it does on the apply form; a photo kept
despite the advice brings what was found, the document stores it, and the staff page says it
beside that document. A check not of ours is refused whole in Vietnamese, nothing stored. The
check is advice, not part of the answer: with or without it the same files are the same answer.
"""

from datetime import date

import pytest

from app.extensions import db
from app.models import Document, SupplementRequest
from app.schemas.supplement import SupplementAnswerSchema
from app.services import idempotency, workflow
from app.services.actors import Actor
from app.services.dossiers import supplements
from app.services.dossiers.tracking import access_token
from tests.factories import jpeg_bytes, make_dossier, make_procedure, make_user, new_key, pdf_bytes, sha
from tests.helpers import fresh_client, put_blob, sign_in

BLURRED = {"issues": ["blurry"], "width": 1600, "height": 1200, "sharpness": 0.0931, "glare": 0.0,
           "p50": 181, "p95": 214}
NOTE = "Ảnh có thể bị mờ — người nộp vẫn gửi ảnh này."


@pytest.fixture
def waiting(ctx):
    officer = Actor.of(make_user("reception"))
    dossier = make_dossier(make_procedure())
    workflow.accept(dossier, officer)
    workflow.request_supplement(dossier, officer, "Ảnh chân dung", date(2099, 1, 1))
    return dossier


@pytest.fixture
def files(client, waiting):
    """A photo and a PDF, uploaded: the documents of the answer."""
    photo, scan = jpeg_bytes(), pdf_bytes("bản sao")
    put_blob(client, photo)
    put_blob(client, scan)
    return [{"sha256": sha(photo), "name": "anh.jpg"}, {"sha256": sha(scan), "name": "ban-sao.pdf"}]


def post(client, dossier, docs: list[dict], key: str):
    return client.post(f"/api/v1/dossiers/{dossier.code}/supplements",
                       json={"token": access_token(dossier), "documents": docs, "supplement": 1},
                       headers={"Idempotency-Key": key})


def round_of(dossier) -> SupplementRequest:
    db.session.expire_all()
    return db.session.execute(db.select(SupplementRequest).filter_by(dossier_id=dossier.id)).scalar_one()


def stored() -> dict[str, Document]:
    return {d.original_name: d for d in db.session.execute(
        db.select(Document).where(Document.round == "supplement-1")).scalars()}


def test_a_kept_photo_brings_its_check_and_staff_read_it(app, client, waiting, files):
    photo, scan = files
    answer = post(client, waiting, [{**photo, "check": BLURRED | {"kept": True}}, {**scan, "check": None}],
                  new_key())
    assert answer.status_code == 201, answer.json
    docs = stored()
    assert docs["anh.jpg"].photo_check == BLURRED  # what the phone sent, nothing else
    assert docs["ban-sao.pdf"].photo_check is None

    staff = fresh_client(app)
    sign_in(staff, make_user("reception"))
    html = staff.get(f"/staff/ho-so/{waiting.code}").get_data(as_text=True)
    assert html.count(NOTE) == 1


@pytest.mark.parametrize(("check", "field", "message"), [
    ({"issues": ["blur"]}, "documents.0.check.issues.0", "Không có phép kiểm tra ảnh này."),
    ({"issues": "blurry"}, "documents.0.check.issues", "Kết quả kiểm tra ảnh không hợp lệ."),
    ({"issues": ["blurry"] * 100_000}, "documents.0.check.issues", "Quá nhiều lỗi ảnh."),
    ("blurry", "documents.0.check", "Kết quả kiểm tra ảnh không hợp lệ."),
    ({"issues": [], "width": True}, "documents.0.check.width", "Số đo ảnh không hợp lệ."),
])
def test_a_check_not_of_ours_is_refused_in_vietnamese_and_nothing_is_stored(client, waiting, files,
                                                                             check, field, message):
    photo, _scan = files
    answer = post(client, waiting, [{**photo, "check": check}], new_key())
    assert answer.status_code == 422, answer.json
    assert answer.json["error"] == "invalid"
    assert answer.json["message"] == "Phần bổ sung còn thông tin chưa hợp lệ."
    assert answer.json["details"][field] == [message], answer.json["details"]
    assert len(answer.get_data()) < 2000
    assert stored() == {} and round_of(waiting).is_open


def test_an_answer_queued_before_checks_replays_as_the_same_answer(app, client, waiting, files):
    photo, scan = files
    old, key = {"documents": [photo, scan], "supplement": 1}, new_key()
    with app.test_request_context():  # the digest an answer without checks always had
        clean = SupplementAnswerSchema().load(old)
        clean["documents"].sort(key=lambda d: (d["sha256"], d["name"]))
        before = idempotency.digest(clean)
    first = post(client, waiting, [photo, scan], key)
    assert first.status_code == 201, first.json
    assert round_of(waiting).answer_hash == before
    # The same files with a check are the same answer: advice, not content.
    again = post(client, waiting, [{**photo, "check": BLURRED}, scan], key)
    assert again.status_code == 200 and again.json == first.json
    assert len(stored()) == 2 and all(d.photo_check is None for d in stored().values())
    assert supplements.by_key(key).number == 1
