"""Measure what the loopback GitHub test server itself costs at the sync benchmark's scale.

A report, not a test: it prints a table of wall times (best of `--repeat`) and exits 0.

    .venv/bin/python benchmarks/github_server_bench.py [--issues 10000] [--comments 20000]
        [--changed 50] [--lag 60] [--repeat 5]

It loads the server with `bulk_create` (which also indexes every issue for search), then
times, through the real PyGithub client over loopback: one page of 100 of the search that
matches every issue, live (`search_lag=0`) and lagging with `--changed` issues changed
inside the lag; one page of the issue list, and the same page answered 304.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests.github_server` lives in the checkout, not the venv
    sys.path.insert(0, str(ROOT))

REPO, TOKEN = "acme/widgets", "tok-alice"


def best(repeat: int, work: Callable[[], object]) -> float:
    """The best wall seconds of `repeat` runs of `work`."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    from tests.github_server import GitHubServer
    from tests.github_server.fixtures import client

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--lag", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rows: list[tuple[str, float]] = []
    with GitHubServer(limit=10**9, search_limit=10**9) as server:
        server.add_user("alice", token=TOKEN, search_needs_type=False)
        server.add_repo(REPO, collaborators={"alice"})
        started = time.perf_counter()
        server.bulk_create(REPO, issues=args.issues, comments=args.comments)
        rows.append((f"bulk_create {args.issues:,} issues, {args.comments:,} comments",
                     time.perf_counter() - started))
        server.clock.advance(args.lag)  # every bulk issue is older than the lag
        server.warm()
        search = {"q": f"repo:{REPO} is:issue label:roadmap", "per_page": 100}
        listing = {"state": "all", "per_page": 100}
        with client(server, TOKEN) as gh:
            requester = gh.requester

            def searched() -> int:
                _, data = requester.requestJsonAndCheck("GET", "/search/issues", search)
                return int(data["total_count"])

            rows.append(("search, live: one page of 100", best(args.repeat, searched)))
            server.search_lag = args.lag
            for number in range(1, args.changed + 1):
                server.remove_label(REPO, number, "roadmap")
            assert searched() == args.issues  # the changes are inside the lag
            rows.append((f"search, {args.lag} s behind, {args.changed} changed inside",
                         best(args.repeat, searched)))
            server.clock.advance(args.lag)
            assert searched() == args.issues - args.changed
            headers, _ = requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issues", listing)
            etag = {"If-None-Match": headers["etag"]}
            rows.append(("issue list: one page of 100", best(args.repeat, lambda: (
                requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issues", listing)))))
            rows.append(("issue list: the same page, 304", best(args.repeat, lambda: (
                requester.requestJson("GET", f"/repos/{REPO}/issues", listing, etag)))))
    width = max(len(name) for name, _ in rows)
    print(f"{'what':<{width}}  {'wall ms':>9}")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
