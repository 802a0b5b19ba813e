"""uvicorn's HTTP protocol (httptools) with the two limits it lacks when it faces the internet
without a proxy in front:

- a deadline for a request's line and headers: uvicorn closes an idle keep-alive connection, but
  not one that never sends a request, or sends its headers a byte at a time (slowloris);
- a cap on the size of the request line and headers: httptools has none (a 50 MiB header was read
  into memory whole); past the cap the client gets 431 and the connection is closed.

`limit_concurrency` and `timeout_keep_alive` are uvicorn's own (see cli.py)."""
from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_TOO_LARGE = b"request line and headers too large\n"


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    max_header_bytes = 32 * 1024
    header_timeout_s = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._awaiting_headers = True  # the bytes coming are a request line and headers
        self._header_bytes = 0
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        counting = self._awaiting_headers
        if counting:
            self._header_bytes += len(data)
        super().data_received(data)
        # Judged after parsing: a chunk that ends the headers may carry a body of any size.
        if counting and self._awaiting_headers and self._header_bytes > self.max_header_bytes:
            self._refuse_too_large()

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._cancel_deadline()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._awaiting_headers, self._header_bytes = True, 0  # what follows is the next request

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._awaiting_headers:
            self._arm_deadline()  # the client's turn again: its next request has the same deadline

    def _arm_deadline(self) -> None:
        self._cancel_deadline()
        self._deadline = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        responding = self.cycle is not None and not self.cycle.response_complete
        if self._awaiting_headers and not responding and not self.transport.is_closing():
            self.transport.close()

    def _refuse_too_large(self) -> None:
        self.transport.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_LARGE), _TOO_LARGE))
        self.transport.close()


def guarded_protocol(max_header_bytes: int, header_timeout_s: float) -> type[GuardedHttpToolsProtocol]:
    """The protocol class for `uvicorn.run(http=...)`, with these limits."""
    return type("GuardedHttpTools", (GuardedHttpToolsProtocol,),
                {"max_header_bytes": max_header_bytes, "header_timeout_s": header_timeout_s})
