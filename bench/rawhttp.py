"""Just enough HTTP/1.1 for a load generator.

httpx spends roughly 100-200 µs of CPU per request; at 2,000 req/s on one core the
client would saturate and the figures would describe the client, not the server. Here
requests are pre-encoded bytes and a response is parsed only as far as needed to find
where it ends (status line, Content-Length, chunked framing, Connection: close), so a
request costs a few µs of Python.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, cast
from urllib.parse import urlsplit

# Load is only ever aimed at this machine: a typo must not turn into a flood elsewhere.
ALLOWED_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_NO_BODY_STATUSES = frozenset({204, 304})


@dataclass(frozen=True, slots=True)
class Target:
    """Where the load goes; built only from a loopback http:// URL."""

    host: str
    port: int
    path_prefix: str

    @classmethod
    def from_url(cls, url: str) -> Target:
        parts = urlsplit(url)
        if parts.scheme != "http":
            raise ValueError(f"only plain http:// is supported, got {url!r}")
        if parts.hostname not in ALLOWED_HOSTS:
            raise ValueError(f"refusing non-loopback host {parts.hostname!r}")
        return cls(parts.hostname, parts.port or 80, parts.path.rstrip("/"))

    @property
    def host_header(self) -> str:
        return f"{self.host}:{self.port}"


def encode_request(
    target: Target,
    method: str,
    path: str,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
) -> bytes:
    """Encode one keep-alive request once, so sending it later is a single write."""
    lines = [
        f"{method} {target.path_prefix}{path} HTTP/1.1",
        f"Host: {target.host_header}",
        "Connection: keep-alive",
    ]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class ResponseParser:
    """Incremental parser for one response at a time (the client never pipelines).

    `feed` returns the status once the whole response has arrived. `until_eof` means
    the body is delimited by the server closing the connection; the caller then
    completes the response in `connection_lost` via `finish_at_eof`.
    """

    __slots__ = (
        "_buf",
        "_chunked",
        "_left",
        "_pos",
        "status",
        "until_eof",
        "will_close",
    )

    def __init__(self) -> None:
        self._buf = bytearray()
        self._reset()

    def _reset(self) -> None:
        self._pos = 0
        self.status: int | None = None
        self._left = 0
        self._chunked = False
        self.will_close = False
        self.until_eof = False

    def feed(self, data: bytes) -> int | None:
        buf = self._buf
        buf += data
        if self.status is None and not self._parse_head(buf):
            return None
        if self.until_eof:
            return None
        done = self._chunks_done(buf) if self._chunked else self._length_done(buf)
        if not done:
            return None
        status = self.status
        will_close = self.will_close
        del buf[: self._pos]
        self._reset()
        self.will_close = will_close
        return status

    def finish_at_eof(self) -> int | None:
        """Status of a response whose body ran until EOF, if one was in progress."""
        return self.status if self.until_eof else None

    def _parse_head(self, buf: bytearray) -> bool:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(buf[:end]).lower()
        self.status = status = int(head[9:12])
        self._pos = end + 4
        self.will_close = b"\r\nconnection: close" in head
        if status in _NO_BODY_STATUSES or status < 200:
            self._left = 0
        elif b"\r\ntransfer-encoding: chunked" in head:
            self._chunked = True
        elif (at := head.find(b"\r\ncontent-length:")) >= 0:
            line_end = head.find(b"\r\n", at + 2)
            self._left = int(head[at + 17 : line_end if line_end >= 0 else None])
        else:
            self.until_eof = True
        return True

    def _length_done(self, buf: bytearray) -> bool:
        if len(buf) - self._pos < self._left:
            return False
        self._pos += self._left
        return True

    def _chunks_done(self, buf: bytearray) -> bool:
        while True:
            line_end = buf.find(b"\r\n", self._pos)
            if line_end < 0:
                return False
            size = int(bytes(buf[self._pos : line_end]).split(b";")[0], 16)
            data_start = line_end + 2
            if size == 0:
                # Last chunk: an empty line, or trailers ending with one.
                if buf[data_start : data_start + 2] == b"\r\n":
                    self._pos = data_start + 2
                    return True
                trailer_end = buf.find(b"\r\n\r\n", data_start)
                if trailer_end < 0:
                    return False
                self._pos = trailer_end + 4
                return True
            if len(buf) < data_start + size + 2:
                return False
            self._pos = data_start + size + 2


class ConnectionOwner(Protocol):
    """What a connection reports to: the run that schedules and accounts requests."""

    def on_made(self, conn: KeepAliveConnection) -> None: ...
    def on_response(self, conn: KeepAliveConnection, status: int) -> None: ...
    def fail(self, conn: KeepAliveConnection, kind: str) -> None: ...
    def on_lost(self, conn: KeepAliveConnection) -> None: ...


class KeepAliveConnection(asyncio.Protocol):
    """One keep-alive connection carrying at most one request at a time.

    A Protocol (callbacks) rather than stream reader/writer tasks: no task or future
    per request, which is most of the saving over a stream-based client.
    """

    def __init__(self, owner: ConnectionOwner) -> None:
        self.owner = owner
        self.parser = ResponseParser()
        # Set by connection_made, before the owner can hand this connection out.
        self.transport: asyncio.Transport
        self.intended = 0.0
        self.busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        self.owner.on_made(self)

    def send(self, request: bytes, intended: float) -> None:
        self.intended = intended
        self.busy = True
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        try:
            status = self.parser.feed(data)
        except ValueError:
            self.owner.fail(self, "bad_response")
            return
        if status is not None and self.busy:
            self.owner.on_response(self, status)

    def connection_lost(self, exc: Exception | None) -> None:
        status = self.parser.finish_at_eof()
        if status is not None and self.busy:
            self.owner.on_response(self, status)
        self.owner.on_lost(self)
