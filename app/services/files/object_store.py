"""Documents in S3-compatible object storage (MinIO, Ceph, a cloud provider), for several servers.

`BLOB_STORE=s3://bucket/prefix` selects it; `S3_ENDPOINT_URL` points at a store other than
AWS, and credentials come from the usual AWS variables (AWS_ACCESS_KEY_ID, ...). The same
content addressing as the folder: an object's key is `prefix/ab/cd/<sha256>`.

The hash is verified before an object becomes visible under its address. A new file is
written to a staging key (`.incoming/<uuid>`) with its SHA-256 as `ChecksumSHA256` (stores
that check it refuse a damaged body there), read back and hashed as a stream, and only then
copied to its address and the staging object removed. Not every S3-compatible store checks
`ChecksumSHA256` (moto and older Ceph do not), so the read-back is what we rely on: a file
whose bytes changed on the way is never found under a hash it does not have. Reads stream
the body in chunks instead of holding a whole file in memory.
"""

import base64
import hashlib
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

CHUNK = 256 * 1024


class S3Store:
    """Files named by their SHA-256 in a bucket; a PUT is all-or-nothing and hash-checked."""

    def __init__(self, url: str, endpoint_url: str | None = None, client=None):
        parts = urlsplit(url)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client("s3", endpoint_url=endpoint_url or None, config=Config(
                retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=5, read_timeout=30))
        self.client = client

    def key(self, key: str) -> str:
        name = f"{key[:2]}/{key[2:4]}/{key}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def has(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def put(self, data: bytes, key: str | None = None, *, rewrite: bool = False) -> str:
        """Store `data` under its SHA-256 and return the key; the store checks the hash itself.

        `rewrite`: write even an object already there (the same bytes), as FolderStore.put.
        """
        digest = hashlib.sha256(data).digest()
        actual = digest.hex()
        if key is not None and key != actual:
            raise ValueError(f"key {key} is not the SHA-256 of the bytes ({actual})")
        if not rewrite and self.has(actual):
            return actual
        staging = "/".join(p for p in (self.prefix, ".incoming", uuid.uuid4().hex) if p)
        self.client.put_object(Bucket=self.bucket, Key=staging, Body=data,
                               ChecksumSHA256=base64.b64encode(digest).decode())
        try:
            stored = hashlib.sha256()
            body = self.client.get_object(Bucket=self.bucket, Key=staging)["Body"]
            for chunk in body.iter_chunks(CHUNK):
                stored.update(chunk)
            if stored.hexdigest() != actual:
                raise OSError(f"object store kept different bytes for {actual}")
            self.client.copy_object(Bucket=self.bucket, Key=self.key(actual),
                                    CopySource={"Bucket": self.bucket, "Key": staging})
        finally:
            self.client.delete_object(Bucket=self.bucket, Key=staging)
        return actual

    def read(self, key: str) -> bytes:
        return b"".join(self.open(key))

    def open(self, key: str) -> Iterator[bytes]:
        """Yield the object's bytes in chunks (FileNotFoundError if it is not there)."""
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(key) from None
            raise
        yield from answer["Body"].iter_chunks(CHUNK)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(key))

    def keys(self) -> Iterator[str]:
        """Yield every stored key (for pruning and backups)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else "")
        for page in pages:
            for item in page.get("Contents", []):
                if "/.incoming/" not in f"/{item['Key']}":
                    yield item["Key"].rsplit("/", 1)[-1]
