"""Domain errors: each carries a stable code, an HTTP status and a Vietnamese message."""


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str, details=None):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code, status = "not_found", 404


class Invalid(DomainError):
    """Field-level validation failed; details maps field name to a list of messages."""

    code, status = "invalid", 422


class UnsupportedType(DomainError):
    code, status = "unsupported_media_type", 415


class TooLarge(DomainError):
    code, status = "too_large", 413


class HashMismatch(DomainError):
    code, status = "hash_mismatch", 422


class BlobsMissing(DomainError):
    code, status = "blobs_missing", 409


class IdempotencyConflict(DomainError):
    code, status = "idempotency_conflict", 409
