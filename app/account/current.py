"""The signed-in citizen or business account, as the submitting views need it."""

from flask_login import current_user

from app.services.organisations import of_user


def owner_id() -> int | None:
    """Return the account submitting now if it is a citizen or business (never staff)."""
    if current_user and current_user.is_authenticated and not current_user.is_staff:
        return current_user.id
    return None


def default_return_method() -> str:
    """Return "post" for a member of a business that asked for results by post, else "counter"."""
    if owner_id() is None:
        return "counter"
    return "post" if any(m.organisation.default_return_post for m in of_user(current_user)) else "counter"
