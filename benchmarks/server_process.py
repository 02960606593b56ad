"""The GitHub test server in a process of its own, for the benchmarks that time a client.

A benchmark's `serve(conn, *args)` builds the server, sends its URL on `conn`, then
answers `(command, argument)` pairs until `("stop", None)`. The child is spawned, so it
shares nothing with the measuring process: the server's CPU and memory are not the
client's, and neither process's garbage slows the other.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


class ServerProcess:
    """The handle on a server process: start it, send it commands, stop it."""

    def __init__(self, serve: Callable[..., None], *args: object) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child, *args),
                                        name="github-test-server", daemon=True)
        self._process.start()
        self.url: str = self._conn.recv()

    def ask(self, command: str, argument: object = None) -> Any:
        """Send a command; the server's answer."""
        self._conn.send((command, argument))
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.send(("stop", None))
        self._process.join(30)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
