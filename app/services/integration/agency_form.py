"""What issuing something to an agency checks alike (an API token, a webhook subscription):
which agency, and every field's problem at once rather than the first one only.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import gettext as _

from app.extensions import db
from app.models import Agency
from app.services.errors import Invalid

T = TypeVar("T")
MAX_ID = 2**31 - 1


def chosen_agency(agency_id: Any, errors: dict) -> Agency | None:
    """Return the agency picked on the form (or named on the command line); none: its message in `errors`."""
    known = isinstance(agency_id, int) and 0 < agency_id <= MAX_ID
    agency = db.session.get(Agency, agency_id) if known else None
    if agency is None:
        errors["agency_id"] = [_("Vui lòng chọn cơ quan.")]
    return agency


def checked(check: Callable[[Any], T], value: Any, errors: dict) -> T | None:
    """Return `check(value)`; refused (Invalid): None, and its messages added to `errors`."""
    try:
        return check(value)
    except Invalid as exc:
        errors |= exc.details or {}
        return None
