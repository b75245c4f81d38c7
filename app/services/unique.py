"""A row that may exist only once (a login, a tax code): the database's UNIQUE key decides.

The service checks first, so a person gets the field's message at once; two requests at the
same moment both pass that check, and the second write is refused by the key. `taken` turns
that refusal into the same Invalid the check gives, after rolling the session back.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services.errors import Invalid


@contextmanager
def taken(message: str, field: str, problem: str) -> Iterator[None]:
    """Run the write (a flush or commit); refused by a UNIQUE key: Invalid(message, {field: [problem]})."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        raise Invalid(message, {field: [problem]}) from None
