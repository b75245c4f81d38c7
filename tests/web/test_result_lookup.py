"""Looking a signed result up by the code and key printed beside its QR code (/xac-thuc?ma=&k=):
what the paper says and the file's SHA-256 for the right pair, one neutral answer otherwise."""

import re

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import Document, ResultSignature, Status
from app.services import workflow
from app.services.actors import Actor
from app.services.files import blobs
from app.services.results import is_signed, lookup
from app.services.results.signing import sign_pdf
from tests.factories import VALID_PHONE, jpeg_bytes, make_user
from tests.helpers import csrf_token, fresh_client, sign_in
from tests.result_stamp_helpers import printed_key
from tests.results_helpers import flip, reload, resolved_with, result_pdf, upload

NEUTRAL = "Không tìm thấy kết quả"


@pytest.fixture
def issued(app, ctx):
    """A dossier resolved with a signed PDF result: the dossier, the issued bytes and their key."""
    dossier = resolved_with([(result_pdf(), "phieu-ly-lich-nguyen-van-an.pdf")])
    [doc] = [d for d in dossier.documents if d.round == "result"]
    data = blobs.store().read(blobs.get_blob(doc.sha256).storage_key)
    return dossier, doc, data, printed_key(data)


def another_resolved(proc, files: list[tuple[bytes, str]]):
    """A second dossier of the same procedure, resolved with these result files."""
    from app.services.files.uploads import inspect
    from tests.factories import make_dossier
    from tests.results_helpers import OFFICER

    dossier = make_dossier(proc, return_method="electronic")
    workflow.accept(dossier, OFFICER)
    workflow.forward(dossier, OFFICER)
    officer = make_user("department", agency=proc.agency, email=f"so.{dossier.id}@example.vn")
    docs = []
    for data, name in files:
        blob, _new = blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
        docs.append(Document(original_name=name, size=blob.size, sha256=blob.sha256,
                             media_type=blob.media_type))
    workflow.resolve(dossier, Actor.of(officer), docs, "electronic")
    return reload(dossier)


def ask(client, code: str, key: str):
    return client.get("/xac-thuc", query_string={"ma": code, "k": key})


def test_the_right_code_and_key_say_what_the_centre_issued_and_nothing_personal(app, issued):
    dossier, doc, data, key = issued
    page = ask(fresh_client(app), dossier.code, key)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-state="issued"' in html
    assert "Trung tâm đã cấp kết quả này" in html
    for shown in (dossier.code, dossier.procedure.name, dossier.procedure.agency.name,
                  app.config["CENTRE_NAME"], doc.sha256):
        assert shown in html
    # Not the applicant, not the file's name, not the file itself.
    assert "Nguyễn Văn An" not in html and VALID_PHONE not in html and "nguyen-van-an" not in html
    assert f"/ket-qua/{doc.id}" not in html and "Tải bản kết quả" not in html


@pytest.mark.parametrize("typed", [lambda k: k.lower(), lambda k: k.replace("-", " "),
                                   lambda k: f"  {k.replace('-', '')}  ", lambda k: k.replace("0", "O")])
def test_the_key_may_be_typed_loosely(app, issued, typed):
    dossier, _doc, _data, key = issued
    assert ask(fresh_client(app), dossier.code.lower(), typed(key)).status_code == 200


def _body(page, *typed: str) -> str:
    """The answer with what was typed taken out (the form shows it back)."""
    html = page.get_data(as_text=True)
    for text in typed:
        html = html.replace(text, "TYPED")
    return html


def test_a_wrong_key_an_unknown_code_and_a_code_without_signed_result_are_one_answer(app, issued):
    dossier, _doc, _data, key = issued
    unsigned = another_resolved(dossier.procedure, [(jpeg_bytes(), "anh.jpg")])  # an image: never signed
    other = "0" if key[0] != "0" else "1"
    client = fresh_client(app)
    answers = [ask(client, code, k) for code, k in [
        (dossier.code, other + key[1:]),  # wrong key
        ("000.00.00.H40-991231-9999", key),  # no such dossier
        (unsigned.code, key),  # a dossier whose result is not signed
        (dossier.code.replace("-0", "-9", 1), key),  # a code one digit off
    ]]
    assert {a.status_code for a in answers} == {404}
    bodies = {_body(a, dossier.code, unsigned.code, "000.00.00.H40-991231-9999",
                    dossier.code.replace("-0", "-9", 1), key, other + key[1:]) for a in answers}
    assert len(bodies) == 1 and NEUTRAL in bodies.pop()


def test_the_three_misses_do_the_same_work(app, issued):
    """Same statements, same comparisons: the answer's time does not tell which miss it was."""
    dossier, _doc, _data, key = issued
    unsigned = another_resolved(dossier.procedure, [(jpeg_bytes(), "anh.jpg")])
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        shapes = []
        for code, k in [(dossier.code, "00000-00000"), ("000.00.00.H40-991231-9999", key),
                        (unsigned.code, key)]:
            statements.clear()
            assert lookup.look_up(lookup.clean_code(code), lookup.clean_key(k)) is None
            shapes.append(tuple(statements))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(set(shapes)) == 1 and len(shapes[0]) == 1


@pytest.mark.parametrize(("code", "key", "words"), [
    ("", "", ["Vui lòng nhập mã hồ sơ", "Vui lòng nhập mã kiểm tra"]),
    ("abc", "7KQ2M-X9D4P", ["Mã hồ sơ có dạng"]),
    ("000.00.00.H40-261201-0007", "12345", ["Mã kiểm tra gồm 10 chữ và số"]),
    ("000.00.00.H40-261201-0007", "7KQ2U-X9D4P", ["Mã kiểm tra gồm 10 chữ và số"]),
    ("x" * 100_000, "y" * 100_000, ["Mã hồ sơ có dạng", "Mã kiểm tra gồm 10 chữ và số"]),
    ("000.00.00.H40-261201-0007\x00", "7KQ2M-X9D4P\x00", None),  # NUL dropped at the boundary
    ("'; DROP TABLE dossier; --", "<script>alert(1)</script>", ["Mã hồ sơ có dạng", "Mã kiểm tra gồm"]),
    ("000.00.00.H40-261201-0007", "７KQ2M-X9D4P", ["Mã kiểm tra gồm 10 chữ và số"]),
])
def test_malformed_input_is_told_by_its_field_never_a_500(app, ctx, code, key, words):
    page = ask(fresh_client(app), code, key)
    html = page.get_data(as_text=True)
    if words is None:  # clean once the NUL is gone: an ordinary miss
        assert page.status_code == 404 and NEUTRAL in html
        return
    assert page.status_code == 422 and 'id="error-summary"' in html and NEUTRAL not in html
    for w in words:
        assert w in html
    assert "<script>alert" not in html  # shown back escaped
    for name in ("ma", "k"):  # and cut (gunicorn refuses a request line past 4 KiB before this)
        assert len(re.search(rf'id="{name}" name="{name}" value="([^"]*)"', html).group(1)) <= 200


def test_the_plain_page_and_the_form_are_reachable_without_script(client):
    html = client.get("/xac-thuc").get_data(as_text=True)
    assert 'method="get"' in html and 'name="ma"' in html and 'name="k"' in html
    assert 'enctype="multipart/form-data"' in html and 'data-state' not in html


def _upload_from(client, page_html: str, data: bytes):
    form = {"csrf_token": csrf_token(page_html), "file": upload(data)}
    for name in ("ma", "k"):
        found = re.search(rf'type="hidden" name="{name}" value="([^"]*)"', page_html)
        if found:
            form[name] = found.group(1)
    return client.post("/xac-thuc", data=form, content_type="multipart/form-data")


def test_the_file_in_hand_is_compared_byte_for_byte_with_the_result_looked_up(app, issued):
    dossier, _doc, data, key = issued
    client = fresh_client(app)
    page = ask(client, dossier.code, key).get_data(as_text=True)
    same = _upload_from(client, page, data).get_data(as_text=True)
    assert 'data-same="yes"' in same and 'data-state="valid"' in same and 'data-state="issued"' in same
    another = sign_pdf(result_pdf("Phiếu khác"), dossier.code)  # genuinely signed, not this result
    told = _upload_from(client, page, another).get_data(as_text=True)
    assert 'data-same="no"' in told and "không phải bản kết quả này" in told
    tampered = _upload_from(client, page, flip(data, len(data) // 3)).get_data(as_text=True)
    assert 'data-same="no"' in tampered and 'data-state="tampered"' in tampered


def test_a_forged_hidden_key_gets_the_plain_check_only(app, issued):
    dossier, _doc, data, _key = issued
    client = fresh_client(app)
    page = client.get("/xac-thuc").get_data(as_text=True)
    answer = client.post("/xac-thuc", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "ma": dossier.code, "k": "00000-00000", "file": upload(data)})
    html = answer.get_data(as_text=True)
    assert 'data-state="valid"' in html and 'data-state="issued"' not in html and "data-same" not in html


def test_only_the_signed_in_owner_is_offered_the_file(app, issued):
    dossier, doc, data, key = issued
    owner = make_user("citizen", email="chu.ho.so@example.vn")
    dossier.owner_id = owner.id
    db.session.commit()
    mine = fresh_client(app)
    sign_in(mine, owner)
    html = ask(mine, dossier.code, key).get_data(as_text=True)
    assert "Mở hồ sơ để nhận kết quả" in html and "Tải bản kết quả" not in html  # not handed over yet
    workflow.return_result(reload(dossier), Actor.citizen(reload(dossier)), "electronic")
    html = ask(mine, dossier.code, key).get_data(as_text=True)
    link = f"/ho-so/{dossier.code}/ket-qua/{doc.id}"
    assert "Tải bản kết quả" in html and link in html
    assert mine.get(link).data == data
    stranger = fresh_client(app)
    sign_in(stranger, make_user("citizen", email="nguoi.la@example.vn"))
    html = ask(stranger, dossier.code, key).get_data(as_text=True)
    assert 'data-state="issued"' in html and link not in html and "Mở hồ sơ" not in html
    assert stranger.get(link).status_code == 404


def test_lookups_spend_the_checks_budget_reading_the_page_does_not(app, issued):
    dossier, _doc, _data, key = issued
    app.config["RESULT_VERIFY_RATE_LIMIT"] = "2 per minute"
    client = fresh_client(app)
    assert [ask(client, dossier.code, key).status_code for _ in range(3)] == [200, 200, 429]
    assert "thao tác quá nhanh" in ask(client, "sai", "sai").get_data(as_text=True)
    assert client.get("/xac-thuc").status_code == 200


def test_signed_on_record_not_guessed_from_the_type(app, issued):
    dossier, doc, _data, _key = issued
    signature = db.session.execute(db.select(ResultSignature).filter_by(document_id=doc.id)).scalar_one()
    assert signature.key_digest and len(signature.key_digest) == 64 and is_signed(doc)
    assert signature.signer == app.config["CENTRE_NAME"]
    # A PDF result attached before results were signed (no record): never called signed.
    legacy = another_resolved(dossier.procedure, [(jpeg_bytes(), "anh.jpg")])
    blob, _new = blobs.save_blob(result_pdf("cũ"), blobs_inspect(result_pdf("cũ")))
    db.session.add(Document(dossier_id=legacy.id, round="result", original_name="cu.pdf",
                            media_type="application/pdf", size=blob.size, sha256=blob.sha256))
    db.session.commit()
    legacy = reload(legacy)
    old = next(d for d in legacy.documents if d.original_name == "cu.pdf")
    assert not is_signed(old) and old.signature is None
    staff = fresh_client(app)
    sign_in(staff, make_user("admin", email="quan.tri@example.vn"))
    html = staff.get(f"/staff/ho-so/{legacy.code}").get_data(as_text=True)
    row = re.search(r"cu\.pdf.*?</li>", html, re.S).group(0)
    assert "chưa ghi nhận chữ ký số" in row and "có chữ ký số của trung tâm" not in row
    workflow.return_result(legacy, Actor.citizen(legacy), "electronic")
    from app.services.dossiers.tracking import access_token

    status = fresh_client(app).get(f"/ho-so/{legacy.code}?t={access_token(legacy)}").get_data(as_text=True)
    assert "· có chữ ký số" not in status and "Tệp PDF kết quả có chữ ký số" not in status
    assert "· chưa ghi nhận chữ ký số" in status and "· không có chữ ký số" in status
    assert "chưa được ghi nhận là có chữ ký số" in status
    assert reload(legacy).status == Status.RETURNED


def blobs_inspect(data: bytes):
    from app.services.files.uploads import inspect

    return inspect(data, 10 * 1024 * 1024)
