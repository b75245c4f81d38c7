"""The one error catalogue: every domain error, its stable code and its HTTP status.

A service raises one of these with a Vietnamese message for the person (and, for a form,
`details`: field name -> messages). Nothing else decides how an error reaches someone:
the JSON API answers {"error": code, "message", "details"} with the status (app/errors.py),
a page re-renders its form with the details or shows the message (app/web/answers.py), and
only those two places roll the transaction back. A new error belongs here, with a code no
other error has (tests/unit/test_error_catalogue.py).
"""


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str, details=None):
        super().__init__(message)
        self.message = message
        self.details = details


# Requests and their payloads
class Invalid(DomainError):
    """Field-level validation failed; details maps field name to a list of messages."""

    code, status = "invalid", 422


class InvalidJSON(DomainError, ValueError):
    """The body is not JSON this API reads. A ValueError, so `get_json(silent=True)` is None."""

    code, status = "invalid_json", 400


class KeyRequired(DomainError):
    code, status = "idempotency_key_required", 400


class IdempotencyConflict(DomainError):
    code, status = "idempotency_conflict", 409


class InvalidCursor(DomainError):
    code, status = "invalid_cursor", 400


class NotFound(DomainError):
    code, status = "not_found", 404


# Files
class UnsupportedType(DomainError):
    code, status = "unsupported_media_type", 415


class TooLarge(DomainError):
    code, status = "too_large", 413


class HashMismatch(DomainError):
    code, status = "hash_mismatch", 422


class BlobsMissing(DomainError):
    code, status = "blobs_missing", 409


# Who may do it
class Unauthorized(DomainError):
    """No token, or one we do not know or that was revoked: 401 with WWW-Authenticate."""

    code, status = "invalid_token", 401


class InsufficientScope(DomainError):
    code, status = "insufficient_scope", 403


class NotAllowed(DomainError):
    code, status = "not_allowed", 403


class LinkExpired(DomainError):
    """A genuine signed link, past its age: the holder must prove it again (phone or ID)."""

    code, status = "link_expired", 403


# The dossier's state
class WrongStatus(DomainError):
    code, status = "wrong_status", 409


class TooLate(WrongStatus):
    """The post already has the item (or the request was cancelled): 409."""


class Stale(DomainError):
    code, status = "changed_by_someone_else", 409


class VersionMismatch(DomainError):
    code, status = "version_mismatch", 412


class AlreadyRated(DomainError):
    code, status = "already_rated", 409


class NotRateable(DomainError):
    code, status = "not_rateable", 409


class InUse(DomainError):
    code, status = "requirement_in_use", 409


# The centre's own limits
class SequenceExhausted(DomainError):
    code, status = "sequence_exhausted", 503


class SigningFailed(DomainError):
    """The centre's certificate cannot be used: nothing is attached until an operator fixes it."""

    code, status = "signing_unavailable", 503
