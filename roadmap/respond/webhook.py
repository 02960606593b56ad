"""`roadmap webhook serve`: the answers of `roadmap respond`, for a self-hosted receiver.

A delivery is checked (its `X-Hub-Signature-256`, an HMAC-SHA256 of the raw body with
the shared secret, compared in constant time; its size; its JSON), saved in the store
under GitHub's `X-GitHub-Delivery` id, and answered 202 at once: GitHub gives a receiver
10 seconds. One worker thread then works through the saved deliveries in the order they
came, so answers about one issue are never written at the same time, and a delivery
accepted before a restart is worked on after it. A delivery id seen before, a bad
signature, an oversized or malformed body: answered at once, and nothing is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from roadmap.errors import InputError, RoadmapError
from roadmap.respond.responder import Outcome, Responder
from roadmap.respond.route import respond
from roadmap.respond.trigger import parse_event
from roadmap.store import Store
from roadmap.store.answers import (
    drop_pending_answers,
    finish_delivery,
    load_delivery_counts,
    load_next_delivery,
    save_delivery,
)

log = logging.getLogger(__name__)

#: The largest body accepted. A comment event is a few kilobytes; even an issue and a
#: comment of GitHub's largest (65,536 characters each) stay well under it.
MAX_BODY = 1 << 20
#: An oversized body up to this size is read and dropped, so the sender sees the 413
#: (GitHub caps payloads at 25 MB); beyond it the connection is closed.
DISCARD_LIMIT = 25 << 20
#: The events worth keeping; others (a star, a push) are acknowledged and dropped.
HANDLED = frozenset({"issue_comment", "issues", "pull_request"})
SECRET_ENV = "ROADMAP_WEBHOOK_SECRET"
#: Seconds between housekeeping's rounds, when `[tool.roadmap.housekeeping]` turns it on.
SWEEP_EVERY = 3600.0


def signature_of(secret: bytes, body: bytes) -> str:
    """The `X-Hub-Signature-256` GitHub sends with `body`."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str | None) -> bool:
    """Whether `header` is the signature of `body`, compared in constant time."""
    if not header:
        return False
    return hmac.compare_digest(signature_of(secret, body).encode(), header.strip().encode())


@dataclass(slots=True, frozen=True)
class Verdict:
    """The receiver's answer to one delivery: status, message, and what to queue."""

    status: int
    message: str
    queued: bool = False


def receive(store: Store, secret: bytes, headers: dict[str, str], body: bytes,
            at: datetime) -> Verdict:
    """Check a delivery and save it for the worker; every refusal writes nothing."""
    if not verify(secret, body, headers.get("x-hub-signature-256")):
        return Verdict(401, "bad or missing X-Hub-Signature-256")
    event, delivery = headers.get("x-github-event", ""), headers.get("x-github-delivery", "")
    if not event or not delivery or len(delivery) > 100:
        return Verdict(400, "X-GitHub-Event and X-GitHub-Delivery are needed")
    try:
        payload = json.loads(body)
    except ValueError:
        return Verdict(400, "the body is not JSON")
    if event == "ping":
        return Verdict(200, "pong")
    if event not in HANDLED:
        return Verdict(202, f"{event} events are not answered; nothing to do")
    try:
        parse_event(event, payload)
    except InputError as error:
        return Verdict(400, str(error))
    if not save_delivery(store, delivery, event, body.decode(), at):
        return Verdict(200, f"delivery {delivery} was received before; nothing to do")
    return Verdict(202, f"delivery {delivery} accepted", queued=True)


class Worker:
    """One thread that works through the saved deliveries, oldest first."""

    def __init__(self, store: Store, handle: Callable[[str, Any], list[Outcome]],
                 report: Callable[[str], None],
                 sweep: Callable[[], list[Outcome]] | None = None) -> None:
        self.store, self.handle, self.report, self.sweep = store, handle, report, sweep
        self._swept: float | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._busy = True  # until it has looked once
        self._thread = threading.Thread(target=self._run, name="webhook-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        with self._idle:
            self._busy = True
            self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every saved delivery is worked on; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy, timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            item = load_next_delivery(self.store)
            if item is None and self._sweep_due():
                continue
            if item is None:
                with self._idle:
                    if not self._wake.is_set():  # nothing came in since it looked
                        self._busy = False
                        self._idle.notify_all()
                self._wake.wait(timeout=1.0)
                continue
            self._work(item.seq, item.delivery, item.event, item.payload, item.attempts)

    def _sweep_due(self) -> bool:
        """Housekeeping's round, when it is on: at start, then hourly, between deliveries.
        True when it ran (so the worker looks for deliveries again before idling)."""
        now = time.monotonic()
        if self.sweep is None or (self._swept is not None and now - self._swept < SWEEP_EVERY):
            return False
        self._swept = now
        try:
            said = "; ".join(o.message for o in self.sweep())
        except RoadmapError as error:
            said = f"housekeeping failed: {error}"
        self.report(said)
        return True

    def _work(self, seq: int, delivery: str, event: str, payload: str, attempts: int) -> None:
        try:
            outcomes = self.handle(event, json.loads(payload))
        except RoadmapError as error:
            self._failed(seq, delivery, str(error), attempts)
            return
        except Exception as error:  # a bug: keep serving, and say what it was
            log.exception("delivery %s", delivery)
            self._failed(seq, delivery, f"internal error: {type(error).__name__}", attempts)
            return
        said = "; ".join(o.message for o in outcomes)
        finish_delivery(self.store, seq, said, _now())
        self.report(f"{delivery}: {said}")

    def _failed(self, seq: int, delivery: str, message: str, attempts: int) -> None:
        finish_delivery(self.store, seq, message, _now(), failed=True)
        self.report(f"{delivery}: failed (attempt {attempts + 1}): {message}")
        self._stop.wait(min(2.0 * (attempts + 1), 10.0))  # GitHub may be briefly down


def _now() -> datetime:
    return datetime.now(UTC)


class _Handler(BaseHTTPRequestHandler):
    server: _Httpd
    server_version = "roadmap-webhook"
    sys_version = ""
    timeout = 15  # a client that sends nothing is dropped

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the worker reports each delivery's outcome."""

    def do_GET(self) -> None:
        self._send(Verdict(200, "roadmap webhook receiver: POST GitHub deliveries here"))

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._send(Verdict(411, "Content-Length is needed"))
            return
        if int(length) > MAX_BODY:
            self._discard(int(length))
            self._send(Verdict(413, f"the body is larger than {MAX_BODY} bytes"))
            return
        body = self.rfile.read(int(length))
        headers = {name.lower(): value for name, value in self.headers.items()}
        verdict = self.server.accept(headers, body)
        self._send(verdict)

    def _discard(self, length: int) -> None:
        """Read an oversized body away in small pieces, so the sender reads the 413 (up
        to GitHub's own cap; a larger one is cut off)."""
        self.close_connection = True
        left = min(length, DISCARD_LIMIT)
        while left > 0:
            piece = self.rfile.read(min(left, 1 << 16))
            if not piece:
                return
            left -= len(piece)

    def _send(self, verdict: Verdict) -> None:
        data = json.dumps({"message": verdict.message}).encode()
        self.send_response(verdict.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Httpd(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: Store, secret: bytes,
                 worker: Worker) -> None:
        super().__init__(address, _Handler)
        self.store, self.secret, self.worker = store, secret, worker

    def accept(self, headers: dict[str, str], body: bytes) -> Verdict:
        try:
            verdict = receive(self.store, self.secret, headers, body, _now())
        except Exception:  # the store failed: GitHub may deliver again
            log.exception("receiving a delivery")
            return Verdict(500, "the delivery could not be saved")
        if verdict.queued:
            self.worker.wake()
        return verdict


@dataclass(slots=True)
class Receiver:
    """A running receiver: where it listens, and its worker."""

    url: str
    worker: Worker
    httpd: _Httpd

    def pending(self) -> int:
        return load_delivery_counts(self.worker.store).get("pending", 0)

    def wait_forever(self) -> None:
        """Serve until interrupted (Ctrl-C)."""
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


@contextlib.contextmanager
def serve_webhooks(responder: Responder, secret: bytes, host: str = "127.0.0.1",
                   port: int = 8080,
                   report: Callable[[str], None] = lambda line: None) -> Iterator[Receiver]:
    """Listen on `host:port` and answer deliveries until the block ends."""
    if not secret:
        raise InputError(f"{SECRET_ENV} is empty: set the webhook's secret")

    def handle(event: str, payload: Any) -> list[Outcome]:
        return respond(responder, parse_event(event, payload))

    def sweep() -> list[Outcome]:
        from roadmap.respond.housekeeping import sweep

        return sweep(responder)

    left = drop_pending_answers(responder.store)
    if left:
        report(f"{left} answer(s) left half-done by a stop are tried again")
    worker = Worker(responder.store, handle, report,
                    sweep if responder.config.housekeeping.sweeps else None)
    try:
        httpd = _Httpd((host, port), responder.store, secret, worker)
    except OSError as error:
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                              name="webhook-http", daemon=True)
    worker.start()
    thread.start()
    try:
        yield Receiver(f"http://{host}:{httpd.server_address[1]}/", worker, httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
        worker.stop()
