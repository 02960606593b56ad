"""Faults injected on demand: server errors, secondary limits, exhausted budgets, dropped
connections, slow answers, and answers without an ETag."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

KINDS = ("500", "502", "503", "secondary", "429", "ratelimit", "drop", "slow", "no-etag")


@dataclass(slots=True, eq=False)
class Fault:
    """One injection rule; `seen` counts matching requests, `fired` injections."""

    kind: str
    times: int | None  # None: no limit
    every: int | None
    path: re.Pattern[str] | None
    method: str | None
    retry_after: int
    delay: float
    reset_in: float | None
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or self.path.search(path) is not None
        )

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times


class Faults:
    """The active fault rules, checked in the order they were added."""

    def __init__(self) -> None:
        self._rules: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        kind: str,
        *,
        times: int | None = None,
        every: int | None = None,
        path: str | None = None,
        method: str | None = None,
        retry_after: int = 1,
        delay: float = 0.5,
        reset_in: float | None = None,
    ) -> Fault:
        """Inject `kind` into matching requests (`path`: a regex searched in the request path;
        `method`: e.g. "GET").

        `every=N` injects into the Nth, 2Nth, ... matching request. `times` caps the number
        of injections: by default 1, or no cap when `every` is given. `retry_after` is the
        `Retry-After` of "secondary" and "429"; `delay` the seconds "slow" waits;
        `reset_in` when the budget "ratelimit" empties refills (default: unchanged);
        "no-etag" answers as usual but with no ETag (`no-cache`, as search does), so never
        304.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(KINDS)}")
        if times is None and every is None:
            times = 1
        pattern = None if path is None else re.compile(path)
        rule = Fault(kind, times, every, pattern, method, retry_after, delay, reset_in)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def __len__(self) -> int:
        return len(self._rules)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault to inject into this request, if any (counting it as seen/fired)."""
        with self._lock:
            chosen = None
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                rule.seen += 1
                due = rule.every is None or rule.seen % rule.every == 0
                if chosen is None and due:
                    chosen = rule
                    rule.fired += 1
            self._rules = [rule for rule in self._rules if not rule.spent]
            return chosen
