"""The log of requests the server answered (or dropped), for tests to assert on."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Record:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    status: int | None  # None: the connection was dropped
    conditional: bool  # If-None-Match was sent
    authorization: str | None  # the header as received
    fault: str | None  # the fault kind injected, if any
    request_id: str


class RequestLog:
    """Records in arrival order; thread-safe."""

    def __init__(self) -> None:
        self._records: list[Record] = []
        self._lock = threading.Lock()

    def append(self, record: Record) -> None:
        with self._lock:
            self._records.append(record)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def records(self) -> list[Record]:
        with self._lock:
            return list(self._records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records())

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> Record:
        return self.records()[index]

    def find(
        self, path_regex: str | None = None, status: int | None = None, method: str | None = None
    ) -> list[Record]:
        """Records whose path matches `path_regex` (searched), with this status and method."""
        pattern = None if path_regex is None else re.compile(path_regex)
        return [
            record
            for record in self.records()
            if (pattern is None or pattern.search(record.path))
            and (status is None or record.status == status)
            and (method is None or record.method == method)
        ]

    def count(
        self, path_regex: str | None = None, status: int | None = None, method: str | None = None
    ) -> int:
        return len(self.find(path_regex, status, method))

    def paths(self) -> list[str]:
        return [record.path for record in self.records()]
