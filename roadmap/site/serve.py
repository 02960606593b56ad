"""`roadmap site serve`: the built site on loopback, rebuilt when its inputs change.

A preview, not a web server to publish with: `http.server` on 127.0.0.1 only,
no caching, and a thread that looks at the roadmap file and the store (their size
and modification time) once a second and rebuilds when either moved. The rebuild
itself writes the store (the items are refreshed), so the stamps are read again
after each rebuild, not before it.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from roadmap.errors import InputError
from roadmap.store import Store

HOST = "127.0.0.1"
POLL_SECONDS = 1.0

Stamp = tuple[tuple[int, int] | None, ...]


class _Handler(SimpleHTTPRequestHandler):
    """Files from the site folder, never cached, with no log line per request."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def store_files(store: Store) -> list[Path]:
    """The files a SQLite store changes (none for a server database)."""
    database = store.engine.url.database
    if store.engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return []
    return [Path(database), Path(f"{database}-wal")]


def stamps(paths: list[Path]) -> Stamp:
    """Size and modification time of each path (None when it does not exist)."""
    found: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_size, stat.st_mtime_ns))
    return tuple(found)


class Preview:
    """A running preview: its URL, and a way to stop it (also on leaving a `with`)."""

    def __init__(self, server: ThreadingHTTPServer, watcher: threading.Thread,
                 stop: threading.Event) -> None:
        self._server, self._watcher, self._stop = server, watcher, stop
        host, port = server.server_address[:2]
        self.url = f"http://{host!s}:{port}/"
        self.rebuilds = 0

    def wait(self) -> None:
        """Block until stopped or interrupted (Ctrl-C); either way, stop cleanly."""
        with contextlib.suppress(KeyboardInterrupt):
            while not self._stop.wait(0.5):
                pass
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._watcher.join(timeout=10)


@contextlib.contextmanager
def serve_site(folder: Path, port: int, rebuild: Callable[[], str], watched: list[Path],
               report: Callable[[str], None] = lambda _line: None,
               interval: float = POLL_SECONDS) -> Iterator[Preview]:
    """Serve `folder` on 127.0.0.1:`port` (0: any free port); call `rebuild` (which says
    what it did) whenever a watched file changes, and `report` with its answer."""
    handler = functools.partial(_Handler, directory=str(folder))
    try:
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise InputError(f"cannot serve on {HOST}:{port}: {error.strerror or error} "
                         "(choose another --port, or 0 for any free one)") from None
    server.daemon_threads = True
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, name="site-serve", daemon=True).start()
    preview: Preview

    def watch() -> None:
        seen = stamps(watched)
        while not stop.wait(interval):
            if stamps(watched) == seen:
                continue
            try:
                report(rebuild())
                preview.rebuilds += 1
            except Exception as error:  # a half-saved roadmap must not end the preview
                report(f"rebuild failed: {error}")
            seen = stamps(watched)

    watcher = threading.Thread(target=watch, name="site-watch", daemon=True)
    preview = Preview(server, watcher, stop)
    watcher.start()
    try:
        yield preview
    finally:
        if not stop.is_set():
            preview.stop()
