"""The S3 document store against moto's standalone server: content addressing, hash checks, streaming."""

import hashlib

import pytest

from app.services.files.object_store import S3Store
from tests.s3_server import MotoServer, client, moto_available

pytestmark = pytest.mark.skipif(not moto_available(),
                                reason="moto_server not installed (pip install 'moto[server]')")


@pytest.fixture(scope="module")
def s3():
    server = MotoServer().start()
    s3 = client(server.url)
    s3.create_bucket(Bucket="motcua")
    yield server, s3
    server.stop()


def test_put_has_read_and_stream(s3):
    server, raw = s3
    store = S3Store("s3://motcua/documents", client=raw)
    data = b"%PDF-1.4 " + bytes(range(256)) * 4000  # about 1 MB, several chunks
    key = store.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert store.has(key) and not store.has("0" * 64)
    assert store.read(key) == data
    chunks = list(store.open(key))
    assert len(chunks) > 1 and b"".join(chunks) == data
    listed = raw.list_objects_v2(Bucket="motcua")["Contents"]
    assert [o["Key"] for o in listed] == [f"documents/{key[:2]}/{key[2:4]}/{key}"]
    assert list(store.keys()) == [key]
    assert store.put(data) == key  # idempotent


def test_a_key_that_is_not_the_hash_is_refused(s3):
    _server, raw = s3
    store = S3Store("s3://motcua/x", client=raw)
    with pytest.raises(ValueError):
        store.put(b"abc", "0" * 64)


def test_bytes_changed_on_the_way_never_appear_under_the_hash(s3):
    """A store that damages the body (as a broken proxy would) leaves nothing at the address."""
    _server, raw = s3

    class Damaging:
        def __getattr__(self, name):
            return getattr(raw, name)

        def put_object(self, **kw):
            return raw.put_object(**{**kw, "Body": kw["Body"][:-1] + b"X"})

    store = S3Store("s3://motcua/damaged", client=Damaging())
    data = b"%PDF-1.4 scanned page"
    with pytest.raises(OSError):
        store.put(data)
    assert not store.has(hashlib.sha256(data).hexdigest())
    assert raw.list_objects_v2(Bucket="motcua", Prefix="damaged/").get("KeyCount") == 0


def test_missing_object_reads_as_file_not_found(s3):
    _server, raw = s3
    store = S3Store("s3://motcua/x", client=raw)
    with pytest.raises(FileNotFoundError):
        store.read("f" * 64)
