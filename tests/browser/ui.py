"""What the browser journeys share: navigation, the accessibility check and screenshots."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Page, WebSocket, expect

BLOCKING = {"serious", "critical"}


@dataclass
class Ui:
    page: Page
    url: str
    axe: Path
    screenshots: Path
    checked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: self.subscribed.set() if '"subscribe"' in str(payload) else None)

    async def open(self, path: str) -> None:
        self.subscribed.clear()
        await self.page.goto(self.url + path)
        await self.settled()

    async def following(self, timeout: float = 10) -> None:
        """Wait until the page has subscribed to its document's live events."""
        await asyncio.wait_for(self.subscribed.wait(), timeout)

    async def settled(self) -> None:
        """Wait until the page shows content rather than a loading line."""
        await expect(self.page.locator("main h1").first).to_be_visible()
        await expect(self.page.locator("main .loading")).to_have_count(0)

    async def check(self, name: str, *, screenshot: bool = True) -> None:
        """axe-core must find no serious or critical violation on the screen as it is now."""
        if not await self.page.evaluate("typeof window.axe !== 'undefined'"):
            await self.page.add_script_tag(path=str(self.axe))
        result: dict[str, Any] = await self.page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(str(node.get("target")) for node in v["nodes"][:5])
            for v in result["violations"]
            if v.get("impact") in BLOCKING
        ]
        if screenshot:
            await self.page.screenshot(path=str(self.screenshots / f"{name}.png"), full_page=False)
        self.checked.append(name)
        assert not blocking, f"axe on {name}:\n" + "\n".join(blocking)
