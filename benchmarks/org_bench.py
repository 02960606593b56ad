"""Measure `roadmap sync --org` of an organisation of many repositories (issue 16).

A report, not a test: it prints a table and exits 0 unless `--check` is given and a
target is missed.

    .venv/bin/python benchmarks/org_bench.py [--repos 100] [--issues 100] [--comments 100]
        [--pulls 5] [--plain 0] [--history-days 730] [--budget 0.5] [--check]

The loopback GitHub test server runs in a process of its own (`server_process.py`) and
each sync in a fresh interpreter, as `roadmap sync --org` runs it (`sync_github`), into
one SQLite file. Requests and points are counted from the server's log: GitHub meters the
core and search budgets apart, a 304 costs nothing, and search answers carry no ETag.

Targets: a first sync within 1.1x of the minimum number of requests; a sync with no
change costs 0 core points and at most one search point per repository (printed); a
sync under a budget too small for all of it stops (`--no-wait`) and the next run
resumes where it stopped: no request answered in the first run is answered again, no
repository it finished is asked again, and the two cost what one first sync costs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests.github_server` lives in the checkout, not the venv
    sys.path.insert(0, str(ROOT))

from benchmarks.server_process import ServerProcess  # noqa: E402

ORG = "acme"
TOKEN = "tok-alice"
LABEL = "roadmap"
REQUEST_TARGET = 1.1
PER_PAGE = 100
WINDOW_DAYS = 30  # a first sync reads events and pull requests this far back


# -- the server, in its own process ---------------------------------------------------------


def serve(conn: Connection, repos: int, issues: int, comments: int, pulls: int, plain: int,
          history_days: int) -> None:
    """`repos` repositories of `issues` roadmap issues (opened over `history_days`, one in
    ten assigned as it was opened) and `comments` comments each, `pulls` pull requests
    that fix some of them; `plain` more repositories with issues but none labelled."""
    from tests.github_server import GitHubServer

    with GitHubServer(limit=10**9, search_limit=10**6) as server:
        server.add_user("alice", token=TOKEN)
        start = server.clock.now()
        spacing = max(1, history_days * 86_400 // max(1, issues))
        for k in range(repos):
            name = f"{ORG}/repo-{k:03d}"
            server.add_repo(name, collaborators={"alice"})
            server.clock.set(start)
            numbers = server.bulk_create(name, issues, comments, label=LABEL,
                                         assign_every=10, spacing=spacing)
            server.bulk_pulls(name, pulls, numbers[::7] or numbers, since=start)
        for k in range(plain):
            name = f"{ORG}/plain-{k:03d}"
            server.add_repo(name)
            server.bulk_create(name, 3, 0, label=None)
        server.clock.advance(60)
        server.warm()
        conn.send(server.url)
        while True:
            command, argument = conn.recv()
            if command == "stop":
                return
            conn.send(COMMANDS[command](server, argument))


def _mark(server: Any, _: object) -> int:
    return len(server.log)


def _tally(server: Any, mark: int) -> dict[str, Any]:
    """The requests logged since `mark`, by endpoint; the points they cost of each budget;
    and each answered one's path and query, to see what a later run asks again."""
    records = server.log.records()[mark:]
    paid = [r for r in records if r.status is not None and r.status < 400 and r.status != 304]
    search = sum(r.path.startswith("/search/") for r in paid)
    return {"requests": len(records), "not_modified": sum(r.status == 304 for r in records),
            "refused": sum(r.status is None or r.status >= 400 for r in records),
            "kinds": dict(Counter(_kind(r.path) for r in records)),
            "core_points": len(paid) - search, "search_points": search,
            "answered": sorted({_key(r) for r in paid}),
            "repos_asked": sorted({m.group(1) for r in records
                                   if (m := re.match(r"/repos/([^/]+/[^/]+)", r.path))})}


def _key(record: Any) -> str:
    return str(record.path) + "?" + "&".join(f"{k}={v}" for k, v in sorted(record.query.items()))


def _minimum(server: Any, _: object) -> dict[str, int]:
    """The fewest requests a first sync can make, from what the server holds.

    Per repository with labelled issues: every page of them, and the page after a full
    last one (it must be read once so that a later sync can ask it conditionally: an
    issue created with the label joins the end of the list); every page of its comments
    (at least one, which later syncs ask conditionally); its events and pull requests
    changed within the window (at least one page each, for the same reason). Per
    repository without: its one empty page. The organisation's list: its pages and the
    one after a full last page, for the same reason as the issues'."""
    now = server.clock.now()
    floor = now - WINDOW_DAYS * 86_400
    parts = Counter[str]()
    listed = 0
    for repo in server.repos.values():
        if repo.owner.login != ORG:
            continue
        listed += 1
        labelled = [i for i in repo.issues.values() if LABEL in i.label_names()]
        parts["issue pages"] += len(labelled) // PER_PAGE + 1
        if not labelled:
            continue
        parts["comment pages"] += max(1, math.ceil(len(repo.comments) / PER_PAGE))
        recent = sum(event.created_at >= floor for event in repo.events)
        parts["event pages"] += max(1, math.ceil((recent + 1) / PER_PAGE))
        pulls = [i for i in repo.issues.values() if i.is_pr
                 and (i.state == "open" or i.updated_at >= floor)]
        parts["pull pages"] += max(1, math.ceil(len(pulls) / PER_PAGE))
    parts["organisation pages"] = listed // PER_PAGE + 1
    return dict(parts)


def _budget(server: Any, remaining: int | None) -> None:
    """The core budget left (None: lifted again)."""
    if remaining is None:
        server.set_rate_limit(TOKEN, remaining=10**9, reset_in=3600)
    else:
        server.set_rate_limit(TOKEN, remaining=remaining, reset_in=3600)


COMMANDS: dict[str, Callable[[Any, Any], Any]] = {
    "mark": _mark, "tally": _tally, "minimum": _minimum, "budget": _budget,
}

_KINDS = [
    (r"/search/issues", "search"),
    (r"/(?:orgs/[^/]+|organizations/\d+)/repos", "org repos"),
    (r"/repos/[^/]+/[^/]+", "repo"),
    (r"/repos/[^/]+/[^/]+/issues", "issue list"),
    (r"/repos/[^/]+/[^/]+/issues/comments", "repo comments"),
    (r"/repos/[^/]+/[^/]+/issues/events", "repo events"),
    (r"/repos/[^/]+/[^/]+/pulls", "pulls"),
    (r"/repos/[^/]+/[^/]+/issues/\d+", "one issue"),
]


def _kind(path: str) -> str:
    path = re.sub(r"^/repositories/\d+", "/repos/o/r", path)  # `next` links use this form
    return next((name for pattern, name in _KINDS if re.fullmatch(pattern, path)), path)


# -- one sync, in a fresh interpreter -------------------------------------------------------


def child_sync(url: str, db: str, wait: bool, large: bool, out: str) -> None:
    """`roadmap sync --org` (with `--no-wait` unless `wait`; each roadmap synced as one of
    more than 500 issues is, when `large`): JSON of what it did to `out`."""
    import time

    from roadmap.store import Store
    from roadmap.sync import Options, SyncSettings, SyncStopped, sync_github

    cpu, wall = time.process_time(), time.perf_counter()
    store = Store.open(f"sqlite:///{db}")
    stopped = False
    try:
        summaries = sync_github(store, SyncSettings(TOKEN, url, wait_for_reset=wait), [],
                                LABEL, False, Options(sweep_pages=0) if large else Options(),
                                org=ORG)
    except SyncStopped as stop:
        summaries, stopped = stop.summaries, True
    finally:
        store.close()
    Path(out).write_text(json.dumps({
        "cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
        "stopped": stopped, "summaries": [s.to_dict() for s in summaries]}))


@dataclass(slots=True)
class Sync:
    """One measured sync: the child's report and the server's tally of its requests."""

    name: str
    cpu: float
    wall: float
    stopped: bool
    summaries: list[dict[str, Any]]
    tally: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> list[str]:
        return [s["repo"] for s in self.summaries if s["outcome"] == "ok"]


def measure(server: ServerProcess, name: str, db: Path, work: Path, wait: bool = True,
            large: bool = False) -> Sync:
    out = work / f"{name.replace(' ', '-')}.json"
    mark = server.ask("mark")
    argv = [sys.executable, __file__, "--child-sync", server.url, str(db),
            "wait" if wait else "no-wait", "large" if large else "small", str(out)]
    subprocess.run(argv, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    return Sync(name, report["cpu"], report["wall"], report["stopped"], report["summaries"],
                server.ask("tally", mark))


# -- the benchmark --------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    what: str
    measured: str
    target: str
    met: bool


def run_benchmark(args: argparse.Namespace, work: Path) -> tuple[list[Row], dict[str, Any]]:
    with ServerProcess(serve, args.repos, args.issues, args.comments, args.pulls, args.plain,
                       args.history_days) as server:
        minimum = server.ask("minimum")
        first = measure(server, "first sync", work / "org.db", work)
        same = measure(server, "no change", work / "org.db", work)
        allowed = max(1, int(first.tally["requests"] * args.budget))
        server.ask("budget", allowed)
        cut = measure(server, "stopped", work / "budget.db", work, wait=False)
        server.ask("budget", None)
        resumed = measure(server, "resumed", work / "budget.db", work, wait=False)
        measure(server, "large first", work / "large.db", work, large=True)
        large = measure(server, "large same", work / "large.db", work, large=True)
    least = sum(minimum.values())
    ratio = first.tally["requests"] / least
    labelled = args.repos
    again = set(cut.tally["answered"]) & set(resumed.tally["answered"])
    asked_again = set(cut.finished) & set(resumed.tally["repos_asked"])
    both = cut.tally["core_points"] + resumed.tally["core_points"]
    rows = [
        Row("first sync: requests / minimum",
            f"{first.tally['requests']} / {least} = {ratio:.3f}x", f"<= {REQUEST_TARGET}x",
            ratio <= REQUEST_TARGET and not first.stopped),
        Row("no change: core points", str(same.tally["core_points"]), "0",
            same.tally["core_points"] == 0),
        Row("no change: search points", str(same.tally["search_points"]),
            f"<= {labelled} (1 a repository)", same.tally["search_points"] <= labelled),
        Row("no change, as larger roadmaps: core points", str(large.tally["core_points"]),
            "0", large.tally["core_points"] == 0),
        Row("no change, as larger roadmaps: search points", str(large.tally["search_points"]),
            f"<= {labelled} (1 a repository)", large.tally["search_points"] <= labelled),
        Row(f"budget of {allowed} core points: --no-wait stops",
            f"stopped after {len(cut.finished)} of {len(first.summaries)} repositories",
            "stops, exit 4", cut.stopped and 0 < len(cut.finished) < len(first.summaries)),
        Row("next run resumes: answered again", f"{len(again)} requests, "
            f"{len(asked_again)} finished repositories asked", "0 and 0",
            not again and not asked_again and not resumed.stopped),
        Row("stopped + resumed core points vs first sync",
            f"{both} vs {first.tally['core_points']}", "equal",
            both == first.tally["core_points"]),
    ]
    detail = {"minimum": minimum, "syncs": [first, same, cut, resumed, large],
              "resumed_repos": len(resumed.summaries)}
    return rows, detail


def render(rows: list[Row], detail: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [f"organisation of {args.repos} repositories x {args.issues} roadmap issues, "
             f"{args.comments} comments and {args.pulls} pull requests each"
             + (f", {args.plain} without labelled issues" if args.plain else ""), ""]
    lines.append(f"{'sync':<12} {'requests':>8} {'304':>6} {'core':>6} {'search':>6} "
                 f"{'refused':>7} {'repos':>5} {'CPU s':>7} {'wall s':>7}")
    for sync in detail["syncs"]:
        t = sync.tally
        lines.append(f"{sync.name:<12} {t['requests']:>8} {t['not_modified']:>6} "
                     f"{t['core_points']:>6} {t['search_points']:>6} {t['refused']:>7} "
                     f"{len(sync.summaries):>5} {sync.cpu:>7.2f} {sync.wall:>7.2f}")
    lines += ["", "requests by endpoint:"]
    for sync in detail["syncs"]:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(sync.tally["kinds"].items()))
        lines.append(f"  {sync.name}: {kinds}")
    minimum = detail["minimum"]
    lines += ["", "minimum: " + " + ".join(f"{v} {k}" for k, v in minimum.items())
              + f" = {sum(minimum.values())}", ""]
    width = max(len(row.what) for row in rows)
    lines.append(f"{'target':<{width}}  {'measured':<44} {'wanted':<22} verdict")
    for row in rows:
        lines.append(f"{row.what:<{width}}  {row.measured:<44} {row.target:<22} "
                     f"{'PASS' if row.met else 'MISS'}")
    load = os.getloadavg()
    lines += ["", f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"]
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repos", type=int, default=100)
    parser.add_argument("--issues", type=int, default=100, help="roadmap issues a repository")
    parser.add_argument("--comments", type=int, default=100, help="comments a repository")
    parser.add_argument("--pulls", type=int, default=5, help="pull requests a repository")
    parser.add_argument("--plain", type=int, default=0,
                        help="more repositories with issues, none labelled")
    parser.add_argument("--history-days", type=int, default=730)
    parser.add_argument("--budget", type=float, default=0.5,
                        help="the stopped run's core budget, as a share of the first sync's")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child-sync"]:
        url, db, wait, size, out = argv[1:6]
        child_sync(url, db, wait == "wait", size == "large", out)
        return 0
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="org-bench-") as folder:
        rows, detail = run_benchmark(args, Path(folder))
    print(render(rows, detail, args))
    return 1 if args.check and not all(row.met for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
