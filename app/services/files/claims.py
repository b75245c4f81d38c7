"""A blob is "held" for a sender only if that sender uploaded it: lookups cannot enumerate.

Blobs are stored once by SHA-256 and shared: two people photographing the same printed form
send the same bytes. Whether a row exists therefore says whether *anybody* ever sent a file,
and someone holding a copy of a person's ID-card photo could learn that it was filed here.
So every answer a sender gets about a blob depends on that sender's own claims only:

- PUT /api/v1/blobs/<sha256> always reads, verifies and stores the whole body (blobs.receive_blob),
  then records the claim: 201 when it is new, 200 when this sender had sent the file before;
- GET /api/v1/blobs/<sha256> is 200 only for a blob this sender claimed, otherwise the 404 of a
  hash nobody ever sent;
- a dossier, supplement answer or agency result naming a hash this sender did not claim is told
  it is missing (409 blobs_missing, the same list as for a hash nobody sent), and the device
  uploads it: that claims it. Items queued before claims existed go through that way once.

A sender is one or more `holders`, digests naming who sent: the browser's name (web/sender.py,
kept in its session) and the account signed in, if any (`account`: a file sent from another
session of the same account counts), or an agency of the department API (`agency`: all its
tokens, so a renewed token keeps its uploads). A browser's name is the digest of a random
secret the server drew, so no browser can be given an account's or an agency's holder.
Files the server receives itself in a form (the apply form without JavaScript, counter intake,
papers at the desk) need no claim: their callers pass holders None. Claims go with their blob
(files/prune.py).
"""

import hashlib
from collections.abc import Collection, Iterable

from flask_babel import gettext as _
from sqlalchemy import exists

from app.extensions import db
from app.lib.time import utcnow
from app.models import Blob
from app.models.blob import BlobClaim
from app.services.errors import BlobsMissing
from app.services.sql import insert


def agency(agency_id: int) -> str:
    """The holder of an agency's uploads through the department API, whichever token sent them."""
    return hashlib.sha256(f"agency:{agency_id}".encode()).hexdigest()


def account(user_id: int) -> str:
    """The holder of what an account sent while signed in, from any browser."""
    return hashlib.sha256(f"account:{user_id}".encode()).hexdigest()


def claim(sha256: str, holder: str) -> bool:
    """Record that `holder` sent this blob; True if it had not before. Twins racing: one wins."""
    stmt = insert(BlobClaim).values(sha256=sha256, holder=holder, created_at=utcnow()) \
        .on_conflict_do_nothing(index_elements=[BlobClaim.sha256, BlobClaim.holder]) \
        .returning(BlobClaim.sha256)
    return db.session.execute(stmt).first() is not None  # rowcount is not portable here


def held(hashes: Iterable[str], holders: Collection[str] | None) -> dict[str, Blob]:
    """The blobs among `hashes` one of `holders` claimed (None: every stored one)."""
    query = db.select(Blob).where(Blob.sha256.in_(list(hashes)))
    if holders is not None:  # per blob found, a look-up on the claim's key (sha256, holder)
        query = query.where(exists().where(BlobClaim.sha256 == Blob.sha256,
                                           BlobClaim.holder.in_(list(holders) or [""])))
    return {b.sha256: b for b in db.session.execute(query).scalars()}


def find(sha256: str, holders: Collection[str]) -> Blob | None:
    """The blob if one of `holders` claimed it; None otherwise, whether or not anybody else sent it."""
    return held([sha256], holders).get(sha256)


def require(hashes: Iterable[str], holders: Collection[str] | None) -> dict[str, Blob]:
    """The blobs named, every one held for `holders`; BlobsMissing lists those to upload."""
    hashes = sorted(set(hashes))
    found = held(hashes, holders)
    if missing := [h for h in hashes if h not in found]:
        raise BlobsMissing(_("Một số tệp chưa được tải lên máy chủ."), {"missing": missing})
    return found
