"""The graphql-transport-ws connection, with one addition: idle connections are closed.

A connection that has carried no subscription and no message for ``idle_seconds`` is closed by
the server (code 4000), so abandoned sockets do not hold a worker's resources forever. Clients
reconnect and resume with ``afterSeq``.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

IDLE_CLOSE_CODE = 4000


class IdleClosingHandler(BaseGraphQLTransportWSHandler[Any, None]):
    idle_seconds: float = 600

    def on_request_accepted(self) -> None:
        super().on_request_accepted()
        self._last_activity = time.monotonic()
        self._idle_task = asyncio.create_task(self._close_when_idle())

    async def handle_message(self, message: Message) -> None:
        self._last_activity = time.monotonic()
        await super().handle_message(message)

    async def _close_when_idle(self) -> None:
        while True:
            await asyncio.sleep(min(30.0, self.idle_seconds / 2))
            idle_for = time.monotonic() - self._last_activity
            if not self.operations and idle_for >= self.idle_seconds:
                await self.websocket.close(code=IDLE_CLOSE_CODE, reason="Idle connection closed")
                return

    async def shutdown(self) -> None:
        self._idle_task.cancel()
        with suppress(asyncio.CancelledError):
            await self._idle_task
        await super().shutdown()
