"""What the commands about an agency's integration (`flask api-token`, `flask webhook`) share:
the agency named by its code, and a refusal from the service as a one-line error.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import click

from app.models import Agency
from app.services.catalogue import queries as catalogue
from app.services.errors import DomainError


def agency_named(code: str) -> Agency:
    """Return the agency with this code (--agency), or stop with the option's error."""
    agency = catalogue.agency_by_code(code.strip())
    if agency is None:
        raise click.BadParameter(f"no agency with code {code}", param_hint="--agency")
    return agency


@contextmanager
def refusals() -> Iterator[None]:
    """Turn a DomainError raised inside into a ClickException: its message, then each problem."""
    try:
        yield
    except DomainError as exc:
        problems = "; ".join(m for msgs in (exc.details or {}).values() for m in msgs)
        raise click.ClickException(f"{exc.message} {problems}".strip()) from None
