"""The SMS gateway interface. Operators plug in their provider by dotted path (SMS_GATEWAY)."""

from pathlib import Path
from typing import Protocol

from flask import current_app
from werkzeug.utils import import_string


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send one text message or raise OSError."""


class SpoolGateway:
    """Writes each message as a line to a file: for development and for the demo."""

    def __init__(self, path: str | None = None):
        self.path = Path(path or current_app.config["SMS_SPOOL"])

    def send(self, phone: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(f"{phone}\t{text.replace(chr(10), ' ')}\n")


def gateway() -> SmsGateway:
    """Return the configured gateway instance."""
    return import_string(current_app.config["SMS_GATEWAY"])()
