"""The sender: in every app process, delivers due outbox messages and writes reminders that come due.

Several processes may look at the same due message; each first claims the message's current
revision with a unique insert (``server.claims``), so one of them sends it. The claim is taken
before sending and the message is marked after: a crash in between leaves the message pending
with its claim, which is taken over after ``server.claims.ABANDONED`` — so in that case, and only
then, the message is sent a second time, with the same Message-ID (``<outbox id@host>``).

Without ``SMTP_URL`` messages go to a Maildir under ``DATA_DIR/mail`` (Python's ``mailbox``).
A temporary failure (the server down, a 4xx reply) is retried with growing waits; a refused
address (5xx) or used-up retries mark the message undeliverable, which the secretariat sees.
Every outcome is recorded as an event.
"""

from __future__ import annotations

import asyncio
import logging
import mailbox
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib
from pymongo.errors import PyMongoError

from server import sealing
from server.clock import Clock
from server.events.model import Origin
from server.notifications import model, service
from server.notifications.model import Kind, Notification, State
from server.notifications.render import compose, compose_digest
from server.settings import Settings, SmtpServer
from server.store import Store

log = logging.getLogger("udkast.mail")
SYSTEM = Origin(None, None, None)


class Undeliverable(Exception):
    """The mail server refused the message for good (an unknown address, say)."""


class Unavailable(Exception):
    """The mail server could not take the message now; try again later."""


class Transport(Protocol):
    async def deliver(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, server: SmtpServer, timeout: float = 30) -> None:
        self.server = server
        self.timeout = timeout

    async def deliver(self, message: EmailMessage) -> None:
        server = self.server
        try:
            await aiosmtplib.send(
                message,
                hostname=server.host,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.tls,
                # With credentials, STARTTLS is required; without, it is used when offered.
                start_tls=None if server.tls else (True if server.username else None),
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [r.code for r in refused.recipients]
            reason = "; ".join(f"{r.code} {r.message}" for r in refused.recipients)
            raise (Undeliverable if all(c >= 500 for c in codes) else Unavailable)(reason) from None
        except aiosmtplib.SMTPResponseException as error:
            raise (Undeliverable if error.code >= 500 else Unavailable)(f"{error.code} {error.message}") from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise Unavailable(f"{type(error).__name__}: {error}") from None


class MaildirTransport:
    def __init__(self, path: Path) -> None:
        self.path = path

    async def deliver(self, message: EmailMessage) -> None:
        def write() -> None:
            # Maildir creates tmp/, new/ and cur/ only when its folder does not exist yet; make them
            # ourselves, so that a folder made by hand (or by an older version) takes mail too.
            for folder in ("tmp", "new", "cur"):
                (self.path / folder).mkdir(parents=True, exist_ok=True)
            mailbox.Maildir(self.path, create=False).add(message)

        try:
            await asyncio.to_thread(write)
        except OSError as error:
            raise Unavailable(f"Maildir {self.path}: {error}") from None


def transport_for(settings: Settings) -> Transport:
    return SmtpTransport(settings.smtp) if settings.smtp else MaildirTransport(settings.maildir)


def describe(settings: Settings) -> str:
    """For the start-up banner: where mail goes."""
    if settings.smtp:
        return (
            f"Mail: sent through {'smtps' if settings.smtp.tls else 'smtp'}://{settings.smtp.host}:{settings.smtp.port}"
        )
    return f"Mail: no SMTP_URL set, so messages are written to the Maildir {settings.maildir.resolve()}"


class Sender:
    def __init__(self, store: Store, settings: Settings, clock: Clock, transport: Transport | None = None) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.transport = transport or transport_for(settings)

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except PyMongoError:
                log.warning("sending notifications failed (store unavailable); will retry")
            except Exception:
                log.exception("sending notifications failed; will retry")
            await asyncio.sleep(self.settings.mail_poll_seconds)

    async def tick(self) -> int:
        """Write the reminders that came due, then deliver what is due; how many messages went."""
        now = self.clock.now()
        await service.enqueue_due_reminders(self.store, self.settings.reminder_days, now)
        sent = 0
        for notification in await self.store.notifications.due(now):
            sent += await self._deliver(notification)
        return sent

    def _link(self, notification: Notification) -> str:
        base = self.settings.public_url
        if notification.kind == Kind.INVITATION:
            token = sealing.unseal(self.settings.secret_key, service.INVITATION_SEAL, notification.params["token"])
            return f"{base}/invitation#{token or ''}"
        return base + notification.params.get("path", "/")

    def _unsubscribe(self, notification: Notification) -> str | None:
        """The one-click link of a message that may be turned off (formal notices have none)."""
        if notification.kind not in model.CHOOSABLE or notification.user_id is None:
            return None
        token = service.unsubscribe_token(
            self.settings.secret_key, notification.user_id, notification.kind, self.clock.now()
        )
        return f"{self.settings.public_url}/unsubscribe/{token}"

    async def _deliver(self, due: Notification) -> int:
        outbox = self.store.notifications
        if not await outbox.claim(due):
            return 0  # another process has it
        notification = await outbox.message(due.id)
        if notification is None or notification.state != State.PENDING or notification.revision != due.revision:
            return 0  # finished by another process meanwhile
        now = self.clock.now()
        if not await service.still_wanted(self.store, notification, now):
            await outbox.settle(notification, State.SKIPPED, at=now)
            await self._record(notification, "notification.skipped", {})
            return 0
        batch = [notification]
        if notification.params.get("digest") and notification.user_id is not None:
            batch += await self._digest_companions(notification, now)
        try:
            message = self._message(batch, now)
        except Exception:  # a message that cannot be written must not hold up the others
            log.exception("mail %s could not be composed", notification.id)
            for n in batch:
                await outbox.settle(n, State.UNDELIVERABLE, at=now, error="could not be composed")
                await self._record(n, "notification.undeliverable", {"error": "could not be composed"})
            return 0
        try:
            await self.transport.deliver(message)
        except Undeliverable as refused:
            for n in batch:
                await outbox.settle(n, State.UNDELIVERABLE, at=now, error=str(refused)[:500])
                await self._record(n, "notification.undeliverable", {"error": str(refused)[:500]})
            return 0
        except Unavailable as error:
            for n in batch:
                retry = model.retry_at(n.attempts + 1, now)
                await outbox.settle(
                    n, State.PENDING if retry else State.UNDELIVERABLE, at=now, error=str(error)[:500], retry_at=retry
                )
                if retry is None:
                    await self._record(n, "notification.undeliverable", {"error": str(error)[:500]})
            log.warning("mail %s not delivered (%s)", notification.id, error)
            return 0
        for n in batch:
            await outbox.settle(n, State.SENT, at=now)
            await self._record(n, "notification.sent", {"message_id": message["Message-ID"]})
        return 1

    async def _digest_companions(self, first: Notification, now: datetime) -> list[Notification]:
        """The user's other digested messages that are due, each claimed like the first."""
        assert first.user_id is not None
        companions = []
        for other in await self.store.notifications.due_digest(first.user_id, now):
            if other.id == first.id or not await self.store.notifications.claim(other):
                continue
            fresh = await self.store.notifications.message(other.id)
            if fresh is None or fresh.state != State.PENDING or fresh.revision != other.revision:
                continue
            if await service.still_wanted(self.store, fresh, now):
                companions.append(fresh)
            else:
                await self.store.notifications.settle(fresh, State.SKIPPED, at=now)
        return companions

    def _message(self, batch: list[Notification], now: datetime) -> EmailMessage:
        settings = self.settings
        if len(batch) > 1 or batch[0].params.get("digest"):
            unsubscribe = f"{settings.public_url}/notifications"
            return compose_digest(
                [(n, self._link(n)) for n in batch],
                sender=settings.mail_from,
                public_url=settings.public_url,
                unsubscribe=unsubscribe,
                now=now,
            )
        return compose(
            batch[0],
            sender=settings.mail_from,
            public_url=settings.public_url,
            link=self._link(batch[0]),
            unsubscribe=self._unsubscribe(batch[0]),
            now=now,
        )

    async def _record(self, notification: Notification, kind: str, data: dict[str, str]) -> None:
        # Not on the document's feed (participants read it); the secretariat reads the outbox.
        await self.store.events.append(
            kind,
            SYSTEM,
            self.clock.now(),
            entity=("Notification", notification.id),
            data={"kind": notification.kind.value, "event_key": notification.event_key, **data},
        )
