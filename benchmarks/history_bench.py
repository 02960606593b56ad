"""Measure the history's size: a year of daily syncs of a 10,000-issue roadmap.

A report, not a test: it prints a table and exits 0 unless `--check` is given and the
target (the store under 100 MB after `--days` daily records) is missed.

    .venv/bin/python benchmarks/history_bench.py [--issues 10000] [--items 300]
        [--days 365] [--busy 1.0] [--store FILE] [--check]

The facts are those a sync records (`history.current_facts`: each item's status, each
issue's presence, state and title, each claim's state), kept as a busy roadmap's change:
each day, at `--busy` 1, 25 issues are opened, 20 closed, 2 reopened, 3 leave the
roadmap, 10 retitled, 30 claims are made, 20 released, 15 go stale and 3 are active
again, and 5 items change status. Every day is written by `history.record_facts`, the
code each sync runs after reading GitHub, into one SQLite file that holds nothing else:
its size is the history's (tables and indexes). Printed at the end: rows, file size,
the CPU seconds of the last day's record (it reads the newest value of every fact, so it
grows with the history) and of a report's one-week `changes_between`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPO = "acme/widgets"
TARGET_MB = 100.0
START = datetime(2025, 12, 1, 6, 0, tzinfo=UTC)
#: Changes per day at `--busy` 1.
DAILY = {"opened": 25, "closed": 20, "reopened": 2, "left": 3, "retitled": 10,
         "claimed": 30, "released": 20, "went_stale": 15, "active_again": 3, "items": 5}
WORDS = ("runtime", "plugin", "loader", "cache", "network", "storage", "docs", "build",
         "release", "api", "cli", "config", "logging", "metrics", "tracing", "auth",
         "scheduler", "queue", "worker", "index", "search", "export", "import", "sync")
STATUSES = ("planned", "in-progress", "stalled", "done", "dropped")
LOGINS = [f"contributor-{n}" for n in range(400)]


class Roadmap:
    """The facts of a roadmap as they change day by day."""

    def __init__(self, issues: int, items: int, rng: random.Random) -> None:
        self.rng = rng
        self.items = {f"item-{n}": rng.choice(STATUSES) for n in range(items)}
        self.issues: dict[int, tuple[str, str]] = {}
        self.claims: dict[tuple[int, str], str] = {}
        self.next_number = 1
        for _ in range(issues):
            self.open_one()
        for number in rng.sample(sorted(self.issues), issues // 3):
            self.issues[number] = ("closed:completed", self.issues[number][1])
        for number in rng.sample(self.open_numbers(), issues // 5):
            self.claims[(number, rng.choice(LOGINS))] = rng.choice(("active", "stale"))

    def title(self) -> str:
        words = self.rng.sample(WORDS, self.rng.randint(3, 8))
        return " ".join(words).capitalize()

    def open_one(self) -> None:
        self.issues[self.next_number] = ("open", self.title())
        self.next_number += 1

    def open_numbers(self) -> list[int]:
        return [n for n, (state, _) in self.issues.items() if state == "open"]

    def day(self, busy: float) -> None:
        rng, count = self.rng, {k: round(v * busy) for k, v in DAILY.items()}
        for _ in range(count["opened"]):
            self.open_one()
        open_now = self.open_numbers()
        for number in rng.sample(open_now, min(count["closed"], len(open_now))):
            self.issues[number] = (rng.choice(("closed:completed", "closed:not_planned")),
                                   self.issues[number][1])
            self.claims = {k: v for k, v in self.claims.items() if k[0] != number}
        closed = [n for n, (state, _) in self.issues.items() if state != "open"]
        for number in rng.sample(closed, min(count["reopened"], len(closed))):
            self.issues[number] = ("open", self.issues[number][1])
        for number in rng.sample(sorted(self.issues), count["left"]):
            del self.issues[number]
            self.claims = {k: v for k, v in self.claims.items() if k[0] != number}
        for number in rng.sample(sorted(self.issues), count["retitled"]):
            self.issues[number] = (self.issues[number][0], self.title())
        open_now = self.open_numbers()
        for number in rng.sample(open_now, min(count["claimed"], len(open_now))):
            self.claims[(number, rng.choice(LOGINS))] = "active"
        held = sorted(self.claims)
        for key in rng.sample(held, min(count["released"], len(held))):
            del self.claims[key]
        active = [k for k, v in sorted(self.claims.items()) if v == "active"]
        for key in rng.sample(active, min(count["went_stale"], len(active))):
            self.claims[key] = "stale"
        stale = [k for k, v in sorted(self.claims.items()) if v == "stale"]
        for key in rng.sample(stale, min(count["active_again"], len(stale))):
            self.claims[key] = "active"
        for item in rng.sample(sorted(self.items), count["items"]):
            self.items[item] = rng.choice(STATUSES)

    def facts(self) -> dict[str, str]:
        """In the shape of `history.current_facts`."""
        facts = {f"item:{item}": status for item, status in self.items.items()}
        for number, (state, title) in self.issues.items():
            facts[f"issue:{REPO}#{number}"] = state
            facts[f"title:{REPO}#{number}"] = title
        for (number, login), state in self.claims.items():
            facts[f"claim:{REPO}#{number}:{login}"] = state
        return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--busy", type=float, default=1.0, help="times the daily changes")
    parser.add_argument("--store", type=Path, help="write here (a new file) and keep it")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)

    from roadmap.store import Store
    from roadmap.track.history import changes_between, record_facts

    with tempfile.TemporaryDirectory() as folder:
        path = args.store or Path(folder) / "history.db"
        if path.exists():
            sys.exit(f"{path} exists: give a new file")
        store = Store.open(f"sqlite:///{path}")
        empty = path.stat().st_size
        roadmap = Roadmap(args.issues, args.items, random.Random(1))
        rows = record_facts(store, roadmap.facts(), START)
        first_rows, started = rows, time.perf_counter()
        last_record = 0.0
        for day in range(1, args.days):
            roadmap.day(args.busy)
            facts = roadmap.facts()
            before = time.process_time()
            rows += record_facts(store, facts, START + timedelta(days=day))
            last_record = time.process_time() - before
        end = START + timedelta(days=args.days - 1)
        before = time.process_time()
        week = changes_between(store, end - timedelta(days=7), end)
        week_cpu = time.process_time() - before
        store.close()
        size = path.stat().st_size
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{path}{suffix}")
            size += extra.stat().st_size if extra.exists() else 0
        elapsed = time.perf_counter() - started

    mb = size / 1e6
    ok = mb < TARGET_MB
    print(f"{args.issues} issues, {args.items} items, {args.days} daily records at busy "
          f"{args.busy:g} ({elapsed:.0f} s)")
    print(f"{'rows':>9} {'first':>8} {'per day':>8} {'file MB':>8} {'empty MB':>9} "
          f"{'last record s':>14} {'week changes':>13} {'week read s':>12} {'verdict':>8}")
    per_day = (rows - first_rows) / max(1, args.days - 1)
    print(f"{rows:>9} {first_rows:>8} {per_day:>8.0f} {mb:>8.1f} {empty / 1e6:>9.2f} "
          f"{last_record:>14.3f} {len(week):>13} {week_cpu:>12.3f} "
          f"{'PASS' if ok else 'MISS':>8}")
    print(f"\nTarget: the store under {TARGET_MB:.0f} MB after {args.days} daily records "
          "(the file holds the history alone: its table and two indexes).")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
