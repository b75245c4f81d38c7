"""Marking strings for translation without Flask: the gettext convention's `N_`."""


def N_(message: str) -> str:  # noqa: N802  (the gettext convention's name)
    """Mark `message` for extraction; it is translated later, when it is shown."""
    return message
