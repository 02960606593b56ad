"""HTTP: the request handler, and the order every request goes through.

fault → authentication (401) → injected error → primary rate limit (403) → endpoint →
ETag / 304 → charge the budget (not for 304 or `/rate_limit`) → headers → log.

The headers are those of the recorded exchanges: every answer has the security and CORS
headers; a 2xx answer with a body has a weak ETag and `Cache-Control: private` (a search
answer has `no-cache` and no ETag instead); 204s and errors have neither.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import itertools
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .call import Call
from .faults import Fault
from .log import Record
from .model import User
from .reply import Reply, error
from .routes import route

if TYPE_CHECKING:
    from .server import GitHubServer

RATE_DOCS = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {}."
)
FIXED_HEADERS = {
    "X-GitHub-Media-Type": "github.v3; format=json",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, "
        "X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, "
        "X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, "
        "X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset"
    ),
    "Strict-Transport-Security": "max-age=31536000; includeSubdomains; preload",
    "X-Frame-Options": "deny",
    "X-Content-Type-Options": "nosniff",
    "X-XSS-Protection": "0",
    "Referrer-Policy": "origin-when-cross-origin, strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'none'",
    "X-Accepted-OAuth-Scopes": "repo",
}
PRIVATE_CACHE = "private, max-age=60, s-maxage=60"
_request_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    pairs: list[tuple[str, str]]
    body: bytes
    authorization: str | None
    if_none_match: str | None


def answer(server: GitHubServer, request: Request) -> Reply | None:
    """The reply to a request, or None to drop the connection; logs it either way."""
    number = next(_request_ids)
    request_id = f"{number:04X}:{number * 7919 % 65536:04X}:{number:07X}:{number:07X}:00000000"
    fault = server.faults.take(request.method, request.path)
    reply = None if fault and fault.kind == "drop" else _answer(server, request, fault, request_id)
    if reply is not None:
        reply.headers["X-GitHub-Request-Id"] = request_id
    server.log.append(Record(
        request.method, request.path, dict(request.pairs),
        None if reply is None else reply.status, request.if_none_match is not None,
        request.authorization, None if fault is None else fault.kind, request_id,
    ))
    return reply


def _answer(server: GitHubServer, request: Request, fault: Fault | None, request_id: str) -> Reply:
    if fault and fault.kind == "slow":
        time.sleep(fault.delay)
    token = _token(request.authorization)
    user = server.tokens.get(token) if token else None
    if token and user is None:
        reply = error(401, "Bad credentials").reply
        return _finish(server, reply, None, "core")
    key = token if user else None
    resource = "search" if request.path.startswith("/search/") else "core"
    if fault and fault.kind in ("500", "502", "503", "secondary", "429"):
        return _finish(server, _fault_reply(fault, request_id), key, resource)
    if fault and fault.kind == "ratelimit":
        server.limits.set(key, remaining=0, reset_in=fault.reset_in, resource=resource)
    free = request.path == "/rate_limit"
    if not free and server.limits.budget(key, resource).remaining <= 0:
        who = f"user ID {user.id}" if user else "127.0.0.1"
        return _finish(server, error(403, f"API rate limit exceeded for {who}.", RATE_DOCS).reply,
                       key, resource)
    call = Call(server, server.limits, request.method, request.path, request.pairs,
                request.body, user, key, server.omit_last_link)
    reply = route(call)
    if fault and fault.kind == "no-etag":
        reply.headers["Cache-Control"] = "no-cache"  # `_conditional` then adds no ETag
    reply = _conditional(reply, request)
    if reply.status != 304 and not free:
        server.limits.charge(key, resource)
    return _finish(server, reply, key, resource, user)


def _token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    # an unknown scheme is as good as a bad token: 401
    return value.strip() if scheme.lower() in ("token", "bearer") else authorization


def _fault_reply(fault: Fault, request_id: str) -> Reply:
    if fault.kind in ("secondary", "429"):
        docs = f"{RATE_DOCS}#about-secondary-rate-limits"
        status = 403 if fault.kind == "secondary" else 429
        reply = error(status, SECONDARY.format(request_id), docs).reply
        reply.headers["Retry-After"] = str(fault.retry_after)
        return reply
    messages = {"500": "Server Error", "502": "Bad Gateway", "503": "Service Unavailable"}
    return error(int(fault.kind), messages[fault.kind]).reply


def _conditional(reply: Reply, request: Request) -> Reply:
    """A weak ETag on every 2xx answer with a body (but a search's, which says `no-cache`);
    a GET whose If-None-Match has it answers 304 with no body."""
    if reply.status // 100 != 2 or reply.body is None or "Cache-Control" in reply.headers:
        return reply
    etag = f'W/"{hashlib.sha256(reply.body).hexdigest()}"'
    reply.headers["ETag"] = etag
    reply.headers["Cache-Control"] = PRIVATE_CACHE
    if request.method != "GET":
        return reply
    sent = {tag.strip().removeprefix("W/") for tag in (request.if_none_match or "").split(",")}
    if etag.removeprefix("W/") in sent or "*" in sent:
        return Reply(304, None, dict(reply.headers))
    return reply


def _finish(
    server: GitHubServer, reply: Reply, key: str | None, resource: str, user: User | None = None
) -> Reply:
    reply.headers.update(server.limits.budget(key, resource).headers(resource))
    reply.headers.update(FIXED_HEADERS)
    if user is not None:
        reply.headers["X-OAuth-Scopes"] = "repo, read:org"
    return reply


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a client's connection pool expects
    server_version = "GitHub.com"
    sys_version = ""
    timeout = 30  # an idle kept-alive connection ends by itself eventually
    server: Httpd

    def setup(self) -> None:
        super().setup()
        # headers and body are two writes: without this, Nagle's algorithm meets the
        # client's delayed ACK and every answer waits ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        self.server.untrack(self.connection)
        super().finish()

    def parse_request(self) -> bool:
        self.server.set_busy(self.connection, True)  # a request line arrived
        return super().parse_request()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: `server.log` records every request."""

    def send_response(self, code: int, message: str | None = None) -> None:
        """The status line and `Date`; no `Server` header, as in the recorded exchanges."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The `Date` header tells the server's clock, as GitHub's tells its own."""
        return email.utils.formatdate(self.server.app.clock.now(), usegmt=True)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        try:
            self._exchange(method)
        finally:
            if not self.server.set_busy(self.connection, False):
                self.close_connection = True  # the server is stopping

    def _exchange(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(
            method, url.path.rstrip("/") or "/", parse_qsl(url.query, keep_blank_values=True),
            body, self.headers.get("Authorization"), self.headers.get("If-None-Match"),
        )
        reply = answer(self.server.app, request)
        if reply is None:  # the "drop" fault: close without a word
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != 304:
            payload = reply.body or b""
            if payload:  # a 204 has no type
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if reply.body and reply.status != 304:
            self.wfile.write(reply.body)


class Httpd(ThreadingHTTPServer):
    """A threading HTTP server that, when stopping, ends its idle kept-alive connections and
    lets the requests under way finish."""

    daemon_threads = False  # server_close() joins the handler threads
    block_on_close = True

    def __init__(self, address: tuple[str, int], app: GitHubServer) -> None:
        super().__init__(address, Handler)
        self.app = app
        self._busy: dict[socket.socket, bool] = {}  # open connections: answering a request?
        self._lock = threading.Lock()
        self._stopping = False

    def track(self, connection: socket.socket) -> None:
        with self._lock:
            self._busy[connection] = False
            if self._stopping:
                _hang_up(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._busy.pop(connection, None)

    def set_busy(self, connection: socket.socket, busy: bool) -> bool:
        """Mark a connection busy or idle; False once the server is stopping."""
        with self._lock:
            self._busy[connection] = busy
            return not self._stopping

    def hang_up_idle(self) -> None:
        """End idle connections, so their handler threads (blocked reading) can finish;
        busy ones close after their answer."""
        with self._lock:
            self._stopping = True
            for connection, busy in self._busy.items():
                if not busy:
                    _hang_up(connection)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that went away
            super().handle_error(request, client_address)


def _hang_up(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        connection.shutdown(socket.SHUT_RDWR)
