"""Bad input answers a clear Vietnamese 4xx and changes nothing; resource limits hold.

One test per attack the outside review found (issue 9, "Bad input must never reach a 500" and
"Resource limits"); tests/web/test_hostile_input.py drives every route with the same classes.
"""

import io
import json
import struct
import zlib

import pytest
from PIL import Image, ImageFile

from app.extensions import db
from app.models import Blob, Dossier, PostalRequest, Rating
from app.services.dossiers.tracking import access_token
from tests.factories import (
    VALID_PHONE,
    jpeg_bytes,
    make_dossier,
    make_procedure,
    make_user,
    manifest,
    new_key,
    pdf_bytes,
    png_bytes,
    sha,
)
from tests.helpers import csrf_token, post_dossier, put_blob, sign_in
from tests.postal_helpers import postal_body


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def post_json(client, url: str, raw: bytes):
    return client.post(url, data=raw, content_type="application/json",
                       headers={"Idempotency-Key": new_key()})


# --- One JSON parser for the whole API --------------------------------------------------------


@pytest.mark.parametrize("raw", [b"[]", b"[{}]", b"1", b"true", b"null", b'"code"'])
def test_a_body_that_is_not_an_object_is_a_400_in_the_api_shape(client, raw):
    response = post_json(client, "/api/v1/track", raw)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_json"
    assert response.json["message"] == "Nội dung gửi lên phải là một đối tượng JSON ({...})."
    assert set(response.json) == {"error", "message", "details"}


def test_a_track_lookup_missing_or_mistyping_its_fields_is_a_422_with_details(client, ctx):
    dossier = make_dossier(make_procedure())
    for body, fields in (({}, {"code", "secret"}), ({"code": ["x"], "secret": 1}, {"code", "secret"}),
                         ({"code": dossier.code, "secret": "  "}, {"secret"})):
        response = client.post("/api/v1/track", json=body)
        assert response.status_code == 422 and response.json["error"] == "invalid"
        assert set(response.json["details"]) == fields
    # Older outbox items send the secret as `phone` (or `id_number`).
    assert client.post("/api/v1/track", json={"code": dossier.code, "phone": VALID_PHONE}).status_code == 200


def test_json_nested_1000_deep_is_refused_before_any_view(client, ctx):
    proc = make_procedure()
    deep = b'{"procedure": "' + proc.code.encode() + b'", "fields": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    response = post_json(client, "/api/v1/dossiers", deep)
    assert response.status_code == 400 and response.json["error"] == "invalid_json"
    assert "lồng nhau quá sâu (tối đa 32 tầng)" in response.json["message"]
    assert response.json["details"]["max_depth"] == 32
    assert count(Dossier) == 0


def test_a_lone_surrogate_anywhere_is_refused_and_says_where(client, ctx):
    dossier = make_dossier(make_procedure())
    body = postal_body(recipient_name="An \ud800") | {"token": access_token(dossier)}
    response = post_json(client, f"/api/v1/dossiers/{dossier.code}/postal-requests",
                         json.dumps(body).encode())
    assert response.status_code == 400 and response.json["error"] == "invalid_json"
    assert response.json["details"] == {"at": "recipient_name"}
    assert "nửa cặp UTF-16" in response.json["message"]
    assert count(PostalRequest) == 0


@pytest.mark.parametrize("raw", [b'{"level": 18446744073709551616}', b'{"level": NaN}', b'{"level": 1e400}',
                                 b'{"level": "\xff"}'])
def test_numbers_and_bytes_json_cannot_carry_here_are_400(client, ctx, raw):
    dossier = make_dossier(make_procedure())
    response = post_json(client, f"/api/v1/dossiers/{dossier.code}/rating", raw)
    assert response.status_code == 400 and response.json["error"] == "invalid_json"
    assert count(Rating) == 0


def test_a_json_body_past_its_limit_is_413_before_it_is_read(client, app):
    app.config["MAX_JSON_BYTES"] = 1000
    response = post_json(client, "/api/v1/track", b'{"code": "' + b"x" * 2000 + b'"}')
    assert response.status_code == 413
    assert response.json["error"] == "request_entity_too_large"


def test_a_document_without_requirement_is_a_422_with_field_details(client, ctx):
    proc = make_procedure()
    data = jpeg_bytes()
    put_blob(client, data)
    body = manifest(proc, [(0, data)])
    body["documents"].append({"sha256": sha(data), "name": "thieu.jpg"})  # no requirement
    response = post_dossier(client, body, new_key())
    assert response.status_code == 422
    assert response.json["details"]["documents.1.requirement"] == ["Vui lòng nhập thông tin này."]
    assert count(Dossier) == 0


def test_documents_are_capped_per_dossier_and_per_requirement(client, app, ctx):
    app.config.update(MAX_DOCUMENTS_PER_DOSSIER=4, MAX_DOCUMENTS_PER_REQUIREMENT=2)
    proc = make_procedure()
    files = [jpeg_bytes(color=(i, 9, 9)) for i in range(5)]
    for data in files:
        put_blob(client, data)
    too_many = post_dossier(client, manifest(proc, [(i % 2, d) for i, d in enumerate(files)]), new_key())
    assert too_many.status_code == 422
    assert too_many.json["details"]["documents"] == ["Một hồ sơ có tối đa 4 tệp."]
    one_kind = post_dossier(client, manifest(proc, [(0, d) for d in files[:3]] + [(1, files[3])]), new_key())
    assert one_kind.status_code == 422
    assert one_kind.json["details"]["documents"] == ["Mỗi giấy tờ có tối đa 2 tệp."]
    assert count(Dossier) == 0
    fine = post_dossier(client, manifest(proc, [(0, files[0]), (0, files[1]), (1, files[2])]), new_key())
    assert fine.status_code == 201


# --- Integers past 64 bits, dates out of range ------------------------------------------------


def test_ids_no_row_can_have_in_urls_are_not_found(client, app, ctx):
    # Past 2**31-1 on PostgreSQL ("integer out of range" even in a WHERE), 2**63-1 on SQLite.
    dossier = make_dossier(make_procedure())
    link = access_token(dossier)
    for n in (2**31, 2**63, 2**64):
        assert client.get(f"/ho-so/{dossier.code}/ket-qua/{n}?t={link}").status_code == 404
        assert client.get(f"/to-chuc/{n}").status_code == 404
    assert client.get(f"/ho-so/{dossier.code}/ket-qua/{2**31 - 1}?t={link}").status_code == 404  # the largest


def test_integers_no_column_holds_in_query_strings_are_ignored(client, ctx):
    make_procedure()
    for n in (2**31, 2**63):
        page = client.get(f"/thu-tuc?co-quan={n}")
        assert page.status_code == 200 and "Cấp Phiếu lý lịch tư pháp" in page.get_data(as_text=True)


def test_staff_pages_take_huge_numbers_and_dates_out_of_range(app, ctx):
    from tests.helpers import fresh_client

    make_procedure()
    client = fresh_client(app)
    sign_in(client, make_user("admin"))
    assert client.get(f"/staff/?agency={2**31}&procedure=-{2**63 + 1}&page={2**64}").status_code == 200
    for query in ("tu=0001-01-01", "den=9999-12-31", "tu=0001-01-01&den=9999-12-31"):
        for page in ("/staff/bao-cao", "/staff/bao-cao.csv", "/staff/bao-cao.xlsx"):
            response = client.get(f"{page}?{query}")
            assert response.status_code < 500, (page, query, response.status_code)


def test_a_stale_page_version_like_two_squared_is_refused_not_a_crash(app, ctx):
    from tests.helpers import fresh_client

    dossier = make_dossier(make_procedure())
    client = fresh_client(app)
    sign_in(client, make_user("reception"))
    page = client.get(f"/staff/ho-so/{dossier.code}").get_data(as_text=True)
    for version in ("²", str(2**64)):
        response = client.post(f"/staff/ho-so/{dossier.code}/tiep-nhan",
                               data={"csrf_token": csrf_token(page), "version": version})
        assert response.status_code in (303, 409), response.status_code


def test_nul_in_a_form_is_dropped_before_it_reaches_the_database(client, ctx):
    # PostgreSQL refuses NUL in text outright ("cannot contain NUL (0x00) bytes").
    dossier = make_dossier(make_procedure())
    page = client.get("/tra-cuu").get_data(as_text=True)
    response = client.post("/tra-cuu", data={"code": dossier.code[:5] + "\x00" + dossier.code[5:],
                                             "secret": "09\x0012345678", "csrf_token": csrf_token(page)})
    assert response.status_code == 303  # found: the NUL was not part of what was typed


# --- Images: pixels counted from the header; EXIF that cannot be written back -----------------


def png_of(width: int, height: int) -> bytes:
    """A real 1-bit PNG, all black: a few KB that decode to width x height pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)
    squeeze = zlib.compressobj(9)
    pixels = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def test_a_9400_square_png_is_refused_from_its_header_without_decoding(client, ctx, monkeypatch):
    bomb = png_of(9400, 9400)  # 88 MP: under Pillow's own bomb warning (89 MP)
    assert len(bomb) < 400_000

    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    response = put_blob(client, bomb)
    assert response.status_code == 413
    assert "9400×9400" in response.json["message"] and "tối đa 40 triệu điểm ảnh" in response.json["message"]
    assert count(Blob) == 0


def test_the_pixel_limit_is_configurable(client, app, ctx):
    app.config["MAX_IMAGE_PIXELS"] = 32 * 32 - 1
    assert put_blob(client, png_bytes(32, 32)).status_code == 413
    app.config["MAX_IMAGE_PIXELS"] = 32 * 32
    assert put_blob(client, png_bytes(32, 32)).status_code == 201


def jpeg_with_mistyped_exif() -> bytes:
    """A photo whose Orientation (SHORT by the standard) is stored as LONG 70000, with a GPS block."""
    entries = [(0x0112, 4, 1, 70000), (0x8825, 4, 1, 8 + 2 + 2 * 12 + 4)]
    ifd0 = struct.pack("<H", 2) + b"".join(struct.pack("<HHII", *e) for e in entries) + b"\0\0\0\0"
    gps = struct.pack("<H", 1) + struct.pack("<HHI4s", 1, 2, 2, b"N\0\0\0") + b"\0\0\0\0"
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(
        buf, format="JPEG", exif=b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + ifd0 + gps)
    return buf.getvalue()


def test_a_jpeg_whose_exif_cannot_be_written_back_loses_its_exif_not_the_upload(client, ctx):
    data = jpeg_with_mistyped_exif()
    with Image.open(io.BytesIO(data)) as img:  # Pillow reads it, but cannot pack 70000 as SHORT
        assert img.getexif().get_ifd(0x8825) == {1: "N"}
    response = put_blob(client, data)
    assert response.status_code == 201
    from app.services.files import blobs
    stored = blobs.store().read(db.session.get(Blob, sha(data)).storage_key)
    with Image.open(io.BytesIO(stored)) as img:
        assert not img.getexif().get_ifd(0x8825) and img.size == (32, 24)


# --- PUT /api/v1/blobs: any media type, the limit applied while streaming ----------------------


@pytest.mark.parametrize(("data", "kind"), [(png_bytes(), "image/png"), (pdf_bytes(), "application/pdf"),
                                             (jpeg_bytes(), "image/jpeg"), (pdf_bytes("x"), "text/plain")])
def test_a_blob_may_be_sent_with_its_own_media_type(client, ctx, data, kind):
    response = client.put(f"/api/v1/blobs/{sha(data)}", data=data, content_type=kind)
    assert response.status_code == 201, response.json
    assert response.json["media_type"] == {"text/plain": "application/pdf"}.get(kind, kind)


class Counted(io.BytesIO):
    """A request body that counts how much of it the server read."""

    taken = 0

    def read(self, size=-1):
        data = super().read(size)
        self.taken += len(data)
        return data

    def readinto(self, buffer):
        n = super().readinto(buffer)
        self.taken += n
        return n


def test_a_chunked_upload_is_cut_off_at_the_file_limit(client, app, ctx):
    app.config["MAX_FILE_BYTES"] = 200_000
    body = Counted(b"%PDF-1.4\n" + b"\0" * 20_000_000)
    # Chunked: no Content-Length to refuse early; the server (gunicorn, Werkzeug) ends the stream.
    response = client.put(f"/api/v1/blobs/{'0' * 64}", input_stream=body, content_type="application/pdf",
                          headers={"Transfer-Encoding": "chunked"},
                          environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413 and response.json["error"] == "too_large"
    assert "tối đa 195 KB" in response.json["message"]
    assert body.taken <= 200_000 + 64 * 1024  # stopped within one chunk of the limit, not at 20 MB
    assert count(Blob) == 0


def test_a_declared_length_past_the_limit_is_refused_before_reading(client, app):
    app.config["MAX_FILE_BYTES"] = 1000
    body = Counted(b"\0" * 5000)
    response = client.put(f"/api/v1/blobs/{'0' * 64}", input_stream=body, content_type="application/pdf")
    assert response.status_code == 413 and body.taken == 0
