"""A real SMTP server for the tests (aiosmtpd on a free local port) and an app that sends to it.

The server keeps every message it accepts, parsed, and refuses recipients whose address
contains ``rejected`` with 550 — as a mail server refuses an unknown mailbox. It can be stopped
and started again on the same port to stage an outage.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from server.settings import Settings, SmtpServer
from tests.support import ManualClock, RunningApp, free_port, start_app


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, smtp: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if "rejected" in address:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.server.lock:
            self.server.received.extend((to, message) for to in envelope.rcpt_tos)
        return "250 Message accepted"


class MailServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[str, EmailMessage]] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self, to: str | None = None, subject: str = "") -> list[EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.received if (to is None or rcpt == to) and subject in str(m["Subject"])]

    async def wait_for(
        self, count: int, to: str | None = None, subject: str = "", timeout: float = 20
    ) -> list[EmailMessage]:
        """The messages once at least ``count`` have arrived (delivery is asynchronous)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = self.messages(to, subject)
            if len(found) >= count or asyncio.get_running_loop().time() > deadline:
                return found
            await asyncio.sleep(0.05)


def body(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    content = part.get_content()
    assert isinstance(content, str)
    return content


def attachments(message: EmailMessage) -> dict[str, Any]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def mail_app(
    settings: Settings, mongodb_uri: str, server: MailServer, clock: ManualClock, database: str | None = None
) -> RunningApp:
    """An app of its own database (seeded) that sends through ``server`` and looks for mail often."""
    own = Settings(
        **{
            **settings.__dict__,
            "database": database or f"udkast_mail_{secrets.token_hex(4)}",
            "smtp": SmtpServer("127.0.0.1", server.port, tls=False, username=None, password=None),
            "mail_poll_seconds": 0.1,
            "mail_from": "Udkast <udkast@test.example>",
        }
    )
    return start_app(own, mongodb_uri, clock, load_seed=database is None)


def clock_at(moment: datetime) -> ManualClock:
    clock = ManualClock()
    clock.advance(moment.astimezone(UTC) - clock.now())
    return clock


Advance = Callable[[timedelta], None]
