"""Primary rate limits: a budget per token (and one for anonymous callers) per resource.

Resets are in real epoch seconds, as GitHub sends them, so a client that sleeps until
`X-RateLimit-Reset` works unchanged; a budget refills once its reset time has passed.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

WINDOWS = {"core": 3600, "search": 60}


@dataclass(slots=True)
class Budget:
    limit: int
    remaining: int
    reset: float  # epoch seconds
    window: int

    @property
    def used(self) -> int:
        return self.limit - self.remaining

    def refill_if_due(self, now: float) -> None:
        if now >= self.reset:
            self.remaining, self.reset = self.limit, now + self.window

    def headers(self, resource: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset)),
            "X-RateLimit-Used": str(self.used),
            "X-RateLimit-Resource": resource,
        }

    def as_json(self) -> dict[str, int]:
        reset = math.ceil(self.reset)
        return {"limit": self.limit, "used": self.used, "remaining": self.remaining, "reset": reset}


class RateLimits:
    """Budgets keyed by (token or None, resource), created full on first use."""

    def __init__(
        self, limit: int = 5000, anonymous: int = 60, search: int = 30, anonymous_search: int = 10
    ) -> None:
        self.limits = {
            (True, "core"): limit, (False, "core"): anonymous,
            (True, "search"): search, (False, "search"): anonymous_search,
        }
        self._budgets: dict[tuple[str | None, str], Budget] = {}
        # points spent per (token, resource), from the server's own books: never refilled
        self._spent: dict[tuple[str | None, str], int] = {}
        self._lock = threading.Lock()

    def budget(self, token: str | None, resource: str = "core") -> Budget:
        """The live budget (refilled if its reset has passed)."""
        now = time.time()
        with self._lock:
            found = self._budgets.get((token, resource))
            if found is None:
                limit, window = self.limits[token is not None, resource], WINDOWS[resource]
                found = Budget(limit, limit, now + window, window)
                self._budgets[token, resource] = found
            found.refill_if_due(now)
            return found

    def charge(self, token: str | None, resource: str) -> bool:
        """Spend one request; False (and nothing spent) when the budget is exhausted."""
        budget = self.budget(token, resource)
        with self._lock:
            if budget.remaining <= 0:
                return False
            budget.remaining -= 1
            self._spent[token, resource] = self._spent.get((token, resource), 0) + 1
            return True

    def points(self, token: str | None) -> dict[str, int]:
        """Points `token` (None: anonymous callers) spent since start or the last reset."""
        with self._lock:
            return {name: self._spent.get((token, name), 0) for name in WINDOWS}

    def reset_points(self) -> None:
        with self._lock:
            self._spent.clear()

    def set(
        self, token: str | None, *, remaining: int | None = None, reset_in: float | None = None,
        limit: int | None = None, resource: str = "core",
    ) -> Budget:
        """Force a budget's state, e.g. `remaining=0, reset_in=1` to test waiting for reset."""
        budget = self.budget(token, resource)
        with self._lock:
            if limit is not None:
                budget.limit = limit
            if remaining is not None:
                budget.remaining = remaining
            if reset_in is not None:
                budget.reset = time.time() + reset_in
            return budget
