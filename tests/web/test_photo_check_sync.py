"""A photo's check travels with it: the manifest carries it, the document keeps it, staff read it.

The phone (static/js/photo-check.js) sends, with each photo it judged, what failed and a few
figures; the server takes only the names it knows, in a short list, and stores them on the
document. An item queued by an older phone carries no check: it still files, and its replay
is still the same dossier (the check is not part of what the digest says the dossier is).
"""

import pytest

from app.extensions import db
from app.models import Document, Dossier
from app.services import idempotency
from app.services.dossiers.submissions import validate_manifest
from tests.factories import jpeg_bytes, make_procedure, make_user, manifest, new_key, pdf_bytes, sha
from tests.helpers import post_dossier, put_blob, sign_in

BLURRED = {"issues": ["blurry"], "width": 1600, "height": 1200, "sharpness": 0.0931, "glare": 0.0,
           "p50": 181, "p95": 214}


@pytest.fixture
def files(client, ctx):
    """A procedure and two uploaded files: a photo (requirement 0) and a PDF (requirement 1)."""
    proc = make_procedure()
    photo, scan = jpeg_bytes(), pdf_bytes()
    put_blob(client, photo)
    put_blob(client, scan)
    return proc, photo, scan


def body_with(proc, photo, scan, check=None) -> dict:
    body = manifest(proc, [(0, photo), (1, scan)])
    if check is not None:
        body["documents"][0]["check"] = check
    return body


def documents() -> dict[str, Document]:
    return {d.sha256: d for d in db.session.execute(db.select(Document)).scalars()}


def test_a_kept_photo_brings_its_check_to_the_document(client, files):
    proc, photo, scan = files
    answer = post_dossier(client, body_with(proc, photo, scan, BLURRED | {"kept": True}), new_key())
    assert answer.status_code == 201, answer.json
    stored = documents()
    assert stored[sha(photo)].photo_check == BLURRED  # what the phone sent, nothing else
    assert stored[sha(scan)].photo_check is None  # a PDF is not judged: nothing


def test_a_photo_that_passed_is_stored_as_passed(client, files):
    proc, photo, scan = files
    assert post_dossier(client, body_with(proc, photo, scan, {"issues": []}), new_key()).status_code == 201
    assert documents()[sha(photo)].photo_check == {"issues": []}


@pytest.mark.parametrize(("check", "field", "message"), [
    ({"issues": ["blur"]}, "documents.0.check.issues.0", "Không có phép kiểm tra ảnh này."),
    ({"issues": ["<script>"]}, "documents.0.check.issues.0", "Không có phép kiểm tra ảnh này."),
    ({"issues": [7]}, "documents.0.check.issues.0", "Không có phép kiểm tra ảnh này."),
    ({"issues": "blurry"}, "documents.0.check.issues", "Kết quả kiểm tra ảnh không hợp lệ."),
    ({"issues": None}, "documents.0.check.issues", "Kết quả kiểm tra ảnh không hợp lệ."),
    ({"sharpness": 0.1}, "documents.0.check.issues", "Kết quả kiểm tra ảnh không hợp lệ."),
    ({"issues": ["blurry"] * 100_000}, "documents.0.check.issues", "Quá nhiều lỗi ảnh."),
    ({"issues": ["dark", "dark"]}, "documents.0.check.issues", "Quá nhiều lỗi ảnh."),
    (["blurry"], "documents.0.check", "Kết quả kiểm tra ảnh không hợp lệ."),
    ("blurry", "documents.0.check", "Kết quả kiểm tra ảnh không hợp lệ."),
    ({"issues": [], "sharpness": "0.1"}, "documents.0.check.sharpness", "Số đo ảnh không hợp lệ."),
    ({"issues": [], "width": True}, "documents.0.check.width", "Số đo ảnh không hợp lệ."),
    ({"issues": [], "width": 12.5}, "documents.0.check.width", "Số đo ảnh không hợp lệ."),
    ({"issues": [], "p95": 256}, "documents.0.check.p95", "Số đo ảnh không hợp lệ."),
    ({"issues": [], "glare": -1}, "documents.0.check.glare", "Số đo ảnh không hợp lệ."),
    ({"issues": [], "width": 10**12}, "documents.0.check.width", "Số đo ảnh không hợp lệ."),
])
def test_a_check_not_of_ours_is_refused_whole_and_nothing_is_stored(client, files, check, field, message):
    proc, photo, scan = files
    answer = post_dossier(client, body_with(proc, photo, scan, check), new_key())
    assert answer.status_code == 422, answer.json
    assert answer.json["error"] == "invalid" and answer.json["message"] == "Hồ sơ còn thông tin chưa hợp lệ."
    assert answer.json["details"][field] == [message], answer.json["details"]
    assert len(answer.get_data()) < 2000  # a huge list is refused whole, not item by item
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 0


def test_null_is_no_check(client, files):
    proc, photo, scan = files
    body = body_with(proc, photo, scan)
    body["documents"][0]["check"] = None
    assert post_dossier(client, body, new_key()).status_code == 201
    assert documents()[sha(photo)].photo_check is None


def test_an_item_queued_by_an_older_phone_files_and_replays_as_the_same_dossier(client, files, app):
    proc, photo, scan = files
    old, key = body_with(proc, photo, scan), new_key()  # no check anywhere: the old build's item
    with app.test_request_context():
        clean, _proc = validate_manifest(old)
        before = idempotency.digest(clean)  # the digest as it was computed before checks existed
    first = post_dossier(client, old, key)
    assert first.status_code == 201, first.json
    dossier = db.session.execute(db.select(Dossier)).scalar_one()
    assert dossier.payload_hash == before
    assert all(d.photo_check is None for d in dossier.documents)

    replay = post_dossier(client, old, key)  # the answer was lost; the phone sends it again
    assert replay.status_code == 200 and replay.json["code"] == first.json["code"]
    # The same files and answers with a check are the same dossier: the check is advice.
    checked = post_dossier(client, body_with(proc, photo, scan, BLURRED), key)
    assert checked.status_code == 200 and checked.json["code"] == first.json["code"]
    changed = body_with(proc, photo, scan) | {"return_method": "post"}
    assert post_dossier(client, changed, key).json["error"] == "idempotency_conflict"
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 1


def test_a_checked_item_replays_as_the_same_dossier(client, files):
    proc, photo, scan = files
    body, key = body_with(proc, photo, scan, BLURRED), new_key()
    first = post_dossier(client, body, key)
    again = post_dossier(client, body, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["code"] == first.json["code"]


def test_staff_see_the_check_beside_the_document(client, files):
    proc, photo, scan = files
    check = {"issues": ["dark", "blurry"]}
    code = post_dossier(client, body_with(proc, photo, scan, check), new_key()).json["code"]
    sign_in(client, make_user("reception"))
    html = client.get(f"/staff/ho-so/{code}").get_data(as_text=True)
    assert html.count('class="photo-note"') == 1  # beside the photo only, not the PDF
    assert "Ảnh có thể quá tối, bị mờ — người nộp vẫn gửi ảnh này." in html
    photo_row = html.split('class="photo-note"')[0].rsplit("<li>", 1)[1]
    assert "tep-0.jpg" in photo_row


def test_staff_see_nothing_for_a_photo_that_passed_or_was_not_checked(client, files):
    proc, photo, scan = files
    passed = post_dossier(client, body_with(proc, photo, scan, {"issues": []}), new_key()).json["code"]
    unchecked = post_dossier(client, body_with(proc, photo, scan), new_key()).json["code"]
    sign_in(client, make_user("reception"))
    for code in (passed, unchecked):
        html = client.get(f"/staff/ho-so/{code}").get_data(as_text=True)
        assert "photo-note" not in html and "người nộp vẫn gửi ảnh này" not in html


def test_the_manifest_documents_the_check_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    check = spec["components"]["schemas"]["PhotoCheck"]
    assert check["properties"]["issues"]["items"]["enum"] == ["small", "dark", "bright", "glare", "blurry"]
    assert check["properties"]["issues"]["maxItems"] == 5
