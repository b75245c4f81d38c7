"""A real SMTP server on loopback for the tests that send mail (aiosmtpd): what it received."""

import email
import socket
from email.policy import default as default_policy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives; can refuse chosen messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_subjects: set[str] = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        if any(s in msg["Subject"] for s in self.refuse_subjects):
            return "451 Try again later"
        self.messages.append(msg)
        return "250 OK"
