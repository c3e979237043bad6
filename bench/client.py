"""The load driver's HTTP client: aiohttp, one kept-alive connection per simulated client.

A benchmark client must not eat the CPU it measures: it shares the machine's two cores with the
app and the store. httpx spent ~1.9 ms of CPU per outline request (its request and response
models, h11 in pure Python, a failed ``import sniffio`` on each of four locks); aiohttp, whose
HTTP parser is in C, ~0.35 ms (a 150 KB JSON answer from a bare Starlette app, 1,000 requests).
The app's and the store's work per request is the same either way. Every answer is still read
whole and the judges parse it (``Reply.json``, orjson) and check it.

Cookies are kept as a browser keeps them for one site, in a plain mapping the driver can clear
(each sign-in starts without a session, like a new browser): ``Set-Cookie`` sets a name's value,
an empty value or ``Max-Age=0`` removes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson


class ClientError(Exception):
    """The connection failed or timed out."""


@dataclass
class Reply:
    status_code: int
    headers: Mapping[str, str]
    content: bytes
    cookies: dict[str, str] = field(default_factory=dict)  # set by this answer ("" when removed)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return orjson.loads(self.content)


class Client:
    def __init__(self, base_url: str, cookies: Mapping[str, str] | None = None, timeout: float = 120) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = dict(cookies or {})
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def post(self, path: str, *, json: Any = None, headers: Mapping[str, str] | None = None) -> Reply:
        sent = {"content-type": "application/json", **(headers or {})}
        return await self.request("POST", path, orjson.dumps(json), sent)

    async def get(
        self, path: str, *, params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> Reply:
        return await self.request("GET", path, None, dict(headers or {}), params=params)

    async def request(
        self,
        method: str,
        path: str,
        body: bytes | None,
        headers: dict[str, str],
        params: Mapping[str, str] | None = None,
    ) -> Reply:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                self.base_url,
                connector=aiohttp.TCPConnector(limit=1),  # one connection, as one browser tab's requests
                cookie_jar=aiohttp.DummyCookieJar(),  # kept in ``self.cookies`` instead
                timeout=self.timeout,
            )
        if self.cookies:
            headers["cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            async with self._session.request(method, path, data=body, headers=headers, params=params) as response:
                content = await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ClientError(f"{type(error).__name__}: {error}") from error
        cookies = {name: "" if morsel["max-age"] == "0" else morsel.value for name, morsel in response.cookies.items()}
        for name, value in cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return Reply(response.status, response.headers, content, cookies)

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
