"""uvicorn's HTTP protocol (httptools), tolerant of raw UTF-8 in the request line.

curl and some scripts send `GET /search?q=Ségou` without percent-encoding; llhttp (and h11)
refuse it with a 400. Before the parser sees a request line, its bytes above 0x7F are
percent-encoded, exactly as a browser would have sent them. Headers and bodies are untouched.
"""

from __future__ import annotations

import re

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_HIGH = re.compile(rb"[\x80-\xff]")


class Utf8UrlProtocol(HttpToolsProtocol):
    _in_request_line = True  # at the start of a request, until its first line has ended

    def data_received(self, data: bytes) -> None:
        if self._in_request_line:
            end = data.find(b"\n")
            head, tail = (data, b"") if end < 0 else (data[:end], data[end:])
            if _HIGH.search(head):
                head = _HIGH.sub(lambda m: b"%%%02X" % m[0][0], head)
            data = head + tail
            self._in_request_line = end < 0
        super().data_received(data)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_request_line = True
