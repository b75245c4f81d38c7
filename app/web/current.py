"""The signed-in citizen or business account, as the submitting views need it."""

from dataclasses import dataclass

from flask_login import current_user

from app.lib import places
from app.models import Organisation
from app.services.accounts import memberships, organisations


def owner_id() -> int | None:
    """Return the account submitting now if it is a citizen or business (never staff)."""
    if current_user and current_user.is_authenticated and not current_user.is_staff:
        return current_user.id
    return None


@dataclass(frozen=True)
class FilingChoice:
    """An organisation the signed-in account may file for, as the apply form shows it."""

    id: int
    name: str
    tax_code: str
    address: str
    return_method: str  # the organisation's default: "post" or "counter"
    postal_address: str  # where results go by default (its first saved address), or ""


def filing_choices() -> list[FilingChoice]:
    """Return the organisations the signed-in account may file for (its active memberships)."""
    if owner_id() is None:
        return []
    choices = []
    for org in (m.organisation for m in memberships.of_user(current_user)):
        to = org.default_address
        postal = (f"{to.recipient_name}, {places.full_address(to.street, to.ward_code, to.province_code)}"
                  if to is not None else "")
        choices.append(FilingChoice(org.id, org.name, org.tax_code, org.address,
                                    default_return_method(org), postal))
    return choices


def start_values(requested: str | None, choices: list[FilingChoice], postal_allowed: bool) -> dict:
    """The apply form's first values: filing for the organisation asked in the URL (a
    business account: its first), prefilled from it with the person as contact; else personal."""
    if requested is not None:
        chosen = next((c for c in choices if str(c.id) == requested), None)
    else:
        chosen = choices[0] if choices and current_user.role == "business" else None
    values = {}
    if chosen is not None:
        values = {"organisation": str(chosen.id), "applicant.name": current_user.name,
                  "applicant.phone": current_user.phone or "", "applicant.email": current_user.email or "",
                  "applicant.address": chosen.address}
    if postal_allowed:
        values["return_method"] = chosen.return_method if chosen is not None else "counter"
    return values


def filing_for(chosen) -> Organisation | None:
    """Return the organisation the submission is for, checked against the account's membership."""
    return organisations.filing_for(current_user if owner_id() else None, chosen)


def default_return_method(org: Organisation | None = None) -> str:
    """Return "post" when filing for a business that asked for results by post, else "counter"."""
    return "post" if org is not None and org.default_return_post else "counter"
