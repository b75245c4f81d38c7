"""Marking strings for translation where they must stay plain strings until shown."""


def N_(message: str) -> str:  # noqa: N802  (the gettext convention's name)
    """Mark `message` for extraction; it is translated later, when it is shown."""
    return message
