"""Uploaded files: judged by content, decoded, stripped of location, stored atomically."""

import io
import os

import pytest
from PIL import Image

from app.services.errors import TooLarge, UnsupportedType
from app.services.files import blobs
from app.services.files.blobs import FolderStore
from app.services.files.uploads import GPS_IFD, inspect
from tests.factories import jpeg_bytes, pdf_bytes, png_bytes, sha

HOLDERS = ["a" * 64]  # a browser's name (web/sender.py)

MB = 1024 * 1024


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: kept
    exif[0x0112] = 6  # orientation: kept, or portrait photos would show sideways
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (10.0, 32.0, 10.0)
    gps[3], gps[4] = "E", (106.0, 24.0, 5.0)
    return exif


def test_jpeg_loses_gps_but_keeps_orientation_and_pixels():
    original = jpeg_bytes(exif=exif_with_gps())
    assert GPS_IFD in Image.open(io.BytesIO(original)).getexif()
    clean = inspect(original, 10 * MB, "anh.jpg")
    img = Image.open(io.BytesIO(clean.data))
    exif = img.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert exif[0x0112] == 6 and exif[0x010F] == "PhoneMaker"
    # The image data itself was not re-encoded.
    assert clean.data.endswith(original[original.index(b"\xff\xda"):])


def test_jpeg_without_location_is_kept_byte_for_byte():
    original = jpeg_bytes()
    assert inspect(original, 10 * MB).data == original


def test_png_and_pdf_accepted():
    assert inspect(png_bytes(), MB).media_type == "image/png"
    assert inspect(pdf_bytes(), MB).media_type == "application/pdf"


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00" + b"\x00" * 100,                     # an .exe renamed .jpg
    b"GIF89a" + b"\x00" * 100,                          # an image type we do not take
    b"PK\x03\x04" + b"\x00" * 100,                      # a .docx / zip
    b"<html><script>alert(1)</script></html>",
])
def test_other_types_refused_by_content(data):
    with pytest.raises(UnsupportedType) as err:
        inspect(data, MB, "giay-to.jpg")
    assert "giay-to.jpg" in err.value.message and "PDF" in err.value.message


def test_truncated_jpeg_is_refused():
    data = jpeg_bytes(200, 200)
    with pytest.raises(UnsupportedType, match="bị hỏng"):
        inspect(data[: len(data) // 2], MB)


def test_decompression_bomb_is_refused():
    buf = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buf, format="PNG")  # tiny file, 400 MP when decoded
    with pytest.raises(TooLarge, match="quá lớn"):
        inspect(buf.getvalue(), MB)


def test_oversize_refused_before_decoding():
    with pytest.raises(TooLarge, match="tối đa"):
        inspect(jpeg_bytes() + b"\x00" * MB, MB)


def test_store_is_content_addressed_and_idempotent(tmp_path):
    store = FolderStore(tmp_path)
    key = store.put(b"hello")
    assert key == sha(b"hello")
    assert store.read(key) == b"hello"
    assert store.put(b"hello") == key
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [key]


def test_crash_during_write_leaves_no_file_behind_the_name(tmp_path, monkeypatch):
    store = FolderStore(tmp_path)

    def crash(src, dst):
        raise OSError("disk unplugged")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.put(b"half a photo")
    assert not store.has(sha(b"half a photo"))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # temp file removed too


def test_lost_file_is_restored_on_reupload(ctx):
    data = jpeg_bytes()
    received, created = blobs.receive_blob(sha(data), data, holders=HOLDERS)
    assert created and received.sha256 == sha(data) and received.size == len(data)
    blobs.store().delete(blobs.get_blob(sha(data)).storage_key)
    received, created = blobs.receive_blob(sha(data), data, holders=HOLDERS)
    assert blobs.store().has(blobs.get_blob(sha(data)).storage_key)


@pytest.mark.parametrize("with_gps", [False, True])
def test_store_key_is_the_hash_of_the_bytes_kept(ctx, with_gps):
    # The sent bytes' hash names the blob; the file's own name is the hash of what is kept,
    # which differs once location data is removed.
    data = jpeg_bytes(exif=exif_with_gps()) if with_gps else jpeg_bytes(color=(9, 9, 9))
    blobs.receive_blob(sha(data), data, holders=HOLDERS)
    blob = blobs.get_blob(sha(data))
    kept = blobs.store().read(blob.storage_key)
    assert blob.storage_key == sha(kept)
    assert (kept != data) is with_gps


def test_jpeg_with_a_damaged_scan_is_refused_like_a_full_decode_would():
    buf = io.BytesIO()
    Image.effect_noise((640, 480), 60).convert("RGB").save(buf, format="JPEG", quality=85)
    damaged = bytearray(buf.getvalue())
    for i in range(2000, len(damaged) - 100, 997):
        damaged[i] = 0xFF
    damaged = bytes(damaged)
    with pytest.raises(OSError), Image.open(io.BytesIO(damaged)) as img:
        img.load()  # what a full-size decode says about these bytes
    with pytest.raises(UnsupportedType, match="bị hỏng"):
        inspect(damaged, 10 * 1024 * 1024)
