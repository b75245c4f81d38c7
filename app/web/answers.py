"""How a domain error reaches a person on a page: the same way on every form.

A view that catches a DomainError to draw its form again calls `refused(exc)`: the transaction
is rolled back (nothing the failed attempt wrote stays) and the answer is the field errors to
show beside each field and in the summary, or the message as the form's own error. Errors a
view does not catch reach app/errors.py, which rolls back and answers with the error page or
the API's JSON. Those are the only two places that roll back.
"""

from flask import flash

from app.extensions import db
from app.services.errors import DomainError


def refused(exc: DomainError) -> dict[str, list[str]]:
    """Roll back the failed attempt; return its errors by field ("_form" for the form itself)."""
    db.session.rollback()
    if isinstance(exc.details, dict) and exc.details:
        return exc.details
    return {"_form": [exc.message]}


def flash_refused(exc: DomainError) -> None:
    """Roll back the failed attempt and say why at the top of the next page."""
    db.session.rollback()
    flash(exc.message)
