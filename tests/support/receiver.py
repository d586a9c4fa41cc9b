"""A real webhook receiver for tests: an HTTP server on a free 127.0.0.1 port, in a thread of the test process.

It records every request (path, headers, raw body) and answers from a script: each entry of `answers` is used
once, in order (a status code, or ("slow", seconds) to answer 200 only after that long: a client with a shorter
timeout gives up), then `default` for the rest; `delay_s` slows every answer. Dedupe by Idempotency-Key, as a
receiver is asked to, is `unique()`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    answers: list[Any] = field(default_factory=list)
    default: int = 200
    delay_s: float = 0.0
    requests: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers.items()), body, time.time()))
                    answer = receiver.answers.pop(0) if receiver.answers else receiver.default
                status = 200
                if isinstance(answer, tuple):
                    time.sleep(answer[1])
                else:
                    status = answer
                time.sleep(receiver.delay_s)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the client gave up first

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def unique(self) -> dict[str, Received]:
        """The first request of each Idempotency-Key: what a deduping receiver acts on."""
        seen: dict[str, Received] = {}
        for request in list(self.requests):
            seen.setdefault(request.headers.get("Idempotency-Key", ""), request)
        return seen
