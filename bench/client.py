"""The load driver's HTTP client: one keep-alive HTTP/1.1 connection per simulated client.

A benchmark client must not eat the CPU it measures: it shares the machine's two cores with the
app and the store. httpx spent ~1.9 ms of CPU per outline request (its request and response
models, h11 in pure Python, a failed ``import sniffio`` on each of four locks) against ~0.5 ms
here; the app's and the store's work per request is the same either way. This client still reads
every answer whole (``Content-Length`` or chunked) and the judges parse it (``Reply.json``,
orjson) and check it as before.

It speaks just what the app and the floor answer: HTTP/1.1 on loopback, cookies as a browser
keeps them for one site (``Set-Cookie`` name and value; an empty value or ``Max-Age=0`` removes
one), a connection reopened once when the server closed it while idle (uvicorn does after 5 s).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson


class ClientError(Exception):
    """The connection failed, timed out or the answer was not HTTP/1.1 as expected."""


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]
    content: bytes
    cookies: dict[str, str] = field(default_factory=dict)  # set by this answer

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return orjson.loads(self.content)


class Client:
    def __init__(self, base_url: str, cookies: Mapping[str, str] | None = None, timeout: float = 120) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise ValueError(f"an http://host:port URL: {base_url}")
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = dict(cookies or {})
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, *, json: Any = None, headers: Mapping[str, str] | None = None) -> Reply:
        sent = {"content-type": "application/json", **(headers or {})}
        return await self.request("POST", path, orjson.dumps(json), sent)

    async def get(
        self, path: str, *, params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> Reply:
        return await self.request("GET", f"{path}?{urlencode(params)}" if params else path, b"", dict(headers or {}))

    async def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Reply:
        head = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}", f"content-length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        if self.cookies:
            head.append("cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        message = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        try:
            async with asyncio.timeout(self.timeout):
                reused = self._writer is not None
                try:
                    reply = await self._exchange(message)
                except (asyncio.IncompleteReadError, ConnectionError) as error:
                    # Closed while idle before this request reached it: once more on a new connection.
                    if not reused or (isinstance(error, asyncio.IncompleteReadError) and error.partial):
                        raise
                    await self.aclose()
                    reply = await self._exchange(message)
        except (OSError, EOFError, TimeoutError, ValueError, asyncio.LimitOverrunError) as error:
            await self.aclose()
            raise ClientError(f"{type(error).__name__}: {error}") from error
        for name, value in reply.cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return reply

    async def _exchange(self, message: bytes) -> Reply:
        if self._writer is None or self._reader is None or self._reader.at_eof():
            await self.aclose()
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._reader, self._writer
        writer.write(message)
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        version, status, *_ = lines[0].split(" ", 2)
        if not version.startswith("HTTP/1."):
            raise ValueError(f"not an HTTP/1.x answer: {lines[0][:80]!r}")
        headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                pair, *attributes = value.split(";")
                cookie, _, kept = pair.partition("=")
                gone = any(a.strip().lower() == "max-age=0" for a in attributes)
                cookies[cookie.strip()] = "" if gone else kept.strip().strip('"')
            headers[name] = value
        if "content-length" in headers:
            content = await reader.readexactly(int(headers["content-length"]))
        elif "chunked" in headers.get("transfer-encoding", ""):
            content = await _chunked(reader)
        else:
            content = await reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.aclose()
        return Reply(int(status), headers, content, cookies)

    async def aclose(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            return b"".join(parts)
        parts.append((await reader.readexactly(size + 2))[:-2])
