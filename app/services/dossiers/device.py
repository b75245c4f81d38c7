"""Whose things a shared phone shows: an opaque tag per account, for the PWA's own storage.

The browser keeps drafts, queued items and remembered dossiers under the tag of the account
signed in when they were made (static/js/owner.js), and shows and sends only the current
account's, so the next person on the phone sees none of them. The tag is an HMAC of the
account id under SECRET_KEY: the same on every app server and every visit, unguessable, and
it names nobody (neither the id nor the e-mail can be read back from it).
"""

import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _

from app.schemas import ValidationError, flatten_errors
from app.schemas.device import DeviceOwnersSchema
from app.services.errors import Invalid

TAG_LENGTH = 32  # hex characters: 128 bits


def owner_tag(user_id: int) -> str:
    """Return the device tag of account `user_id`."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"device-owner:{user_id}".encode(), hashlib.sha256).hexdigest()[:TAG_LENGTH]


def claim_matches(claimed, user) -> bool:
    """Whether a queued item's `account` claim names `user`, the account signed in now (or None).

    Items queued since v3 of the device's storage claim the account's tag; items queued before
    claim its id, a number, and are still honoured.
    """
    if user is None or isinstance(claimed, bool):
        return False
    if isinstance(claimed, int):
        return claimed == user.id
    if isinstance(claimed, str) and len(claimed) == TAG_LENGTH and claimed.isascii():
        return hmac.compare_digest(claimed, owner_tag(user.id))
    return False


def own_accounts(payload: dict, user) -> list[int]:
    """Return those of the account ids a device's old records name that are `user`'s.

    Before v3 the device kept no owner, only the id an item was queued under; it asks once,
    while signed in, which of those ids is the account signed in now (static/js/legacy-owners.js).
    """
    try:
        accounts = DeviceOwnersSchema().load(payload)["accounts"]
    except ValidationError as exc:
        raise Invalid(_("Danh sách tài khoản không hợp lệ."), flatten_errors(exc.messages)) from exc
    return sorted({a for a in accounts if user is not None and a == user.id})
