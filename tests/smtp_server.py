"""A real SMTP server for the tests (aiosmtpd on loopback, in a thread of the test process): the app
sends to it over a socket as it would to a mail relay, and the tests read what arrived."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Received:
    """One message as the server received it: the envelope and the parsed message."""

    def __init__(self, envelope: Envelope) -> None:
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        self.raw: bytes = envelope.original_content or b""
        self.message: EmailMessage = email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[assignment]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def to(self) -> str:
        return str(self.message["To"])

    def part(self, content_type: str) -> str:
        found = [p for p in self.message.walk() if p.get_content_type() == content_type]
        assert len(found) == 1, f"expected one {content_type} part, found {len(found)}"
        return found[0].get_content().replace("\r\n", "\n")

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")

    def links(self) -> list[str]:
        """The addresses in the plain-text body (each link sits on a line of its own)."""
        return re.findall(r"^(https?://\S+)$", self.text, flags=re.M)

    def link(self, containing: str) -> str:
        found = [link for link in self.links() if containing in link]
        assert len(found) == 1, f"expected one link with {containing!r}, found {found} in:\n{self.text}"
        return found[0]


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server, _session, envelope: Envelope) -> str:  # type: ignore[no-untyped-def]
        with self.server.lock:
            self.server.messages.append(Received(envelope))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.messages: list[Received] = []
        self.lock = threading.Lock()
        self.controller = Controller(_Handler(self), hostname=self.host, port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def config(self) -> dict:
        """The app's mail settings for sending here (what QUIZAPP_SMTP_URL=smtp://... gives)."""
        return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USE_SSL": False, "MAIL_USERNAME": None, "MAIL_PASSWORD": None}

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[Received]:
        """Messages that arrived for `address`, oldest first."""
        with self.lock:
            return [m for m in self.messages if address in m.rcpt_tos]

    def only_to(self, address: str) -> Received:
        found = self.to(address)
        assert len(found) == 1, f"expected one message to {address}, found {[m.subject for m in found]}"
        return found[0]
