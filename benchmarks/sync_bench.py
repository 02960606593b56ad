"""Measure `roadmap sync` against the loopback GitHub test server.

A report, not a test: it prints tables and exits 0 unless `--check` is given and a
target is missed.

    .venv/bin/python benchmarks/sync_bench.py [--issues 10000] [--comments 20000]
        [--changed 50] [--history-days 730] [--scale 1000,5000,10000] [--no-g2s]
        [--profile DIR] [--check]

Every process does one job, so its CPU seconds and peak memory are its own: the test
server runs in a `multiprocessing` child (spawned: it shares nothing with this one), and
each sync, ours or github-to-sqlite's, runs in a fresh interpreter that reports its
`time.process_time()`, wall time and `ru_maxrss` as JSON. Requests and rate-limit points
are counted from the server's log, so both tools are counted the same way: GitHub meters
the core (REST) and search budgets apart, a 304 costs nothing, and search answers carry
no ETag (so every search costs a search point).

Targets (issue 11): no change, 0 core points and at most 1 search point; `--changed`
(50) issues changed by comments, edits and assignment, at most 6 core points; the full
sync within 1.1x of the minimum number of requests. Issue 16: the full sync's CPU at most
0.05x github-to-sqlite's `issues` on the same server, in the same run (github-to-sqlite
runs from a venv of its own, `G2S_VENV`, made once); peak memory of the largest `--scale`
sync at most 1.15x the smallest's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sqlite3
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

REPO = "acme/widgets"
TOKEN = "tok-alice"
LABEL = "roadmap"
REQUEST_TARGET = 1.1  # a full sync's requests within 1.1x of the minimum the API allows
NO_CHANGE_POINTS = (0, 1)  # core, search points of a sync when nothing changed
CHANGED_CORE_POINTS = 6  # core points of a sync after `--changed` changes
CPU_TARGET = 0.05  # full-sync CPU at most a twentieth of github-to-sqlite's `issues` (issue 16)
MEMORY_TARGET = 1.15  # peak RSS of the largest `--scale` sync over the smallest's (issue 16)
#: github-to-sqlite lives in a venv of its own, made once (it is no dependency of ours).
G2S_VENV = Path(os.environ.get("ROADMAP_BENCH_CACHE", Path.home() / ".cache" / "roadmap-bench")
                ) / "g2s-venv"
PER_PAGE = 100


# -- the server, in its own process ---------------------------------------------------------


def serve(conn: Connection, issues: int, comments: int, history_days: int,
          parents: int = 0) -> None:
    """Build and warm the server, send its URL, then answer commands until `stop`.

    The issues were opened evenly over `history_days` (0: all now), one in ten assigned
    as it was opened; then the comments came, one a second. One pull request per 20
    issues, spread over the same history, says "Fixes #N"; one in ten is still open.
    `parents` roadmap issues are broken down into three sub-issues each (unlabelled).
    """
    from tests.github_server import GitHubServer

    # No budget runs out: a sync that waited for a reset would time the wait, not the work.
    with GitHubServer(limit=10**9, search_limit=10**6) as server:
        server.add_user("alice", token=TOKEN)
        server.add_user("bob", token="tok-bob")
        server.add_repo(REPO, collaborators={"alice"})
        start = server.clock.now()
        spacing = history_days * 86_400 // max(1, issues)
        numbers = server.bulk_create(REPO, issues, comments, label=LABEL, assign_every=10,
                                     spacing=max(1, spacing))
        server.bulk_pulls(REPO, issues // 20, numbers[::7], since=start)
        step = max(1, len(numbers) // max(1, parents))
        for parent in numbers[::step][:parents]:
            for n in range(3):
                child = server.create_issue(REPO, f"Part {n + 1} of #{parent}")
                server.add_sub_issue(REPO, parent, REPO, child)
                if n == 0:
                    server.close(REPO, child)
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
    """The requests logged since `mark`: how many, how many 304, by endpoint, and the
    points they cost of each budget (an answered request costs one, a 304 none)."""
    records = server.log.records()[mark:]
    kinds = Counter(_kind(record.path) for record in records)
    paid = [r for r in records if r.status is not None and r.status != 304
            and r.path != "/rate_limit"]
    search = sum(r.path.startswith("/search/") for r in paid)
    return {"requests": len(records), "not_modified": sum(r.status == 304 for r in records),
            "errors": sum(r.status is None or r.status >= 400 for r in records),
            "kinds": dict(kinds), "core_points": len(paid) - search, "search_points": search}


def _change(server: Any, changed: int) -> dict[str, int]:
    """Change `changed` roadmap issues spread over the repository: a third edited, a
    third commented on, a third assigned."""
    numbers = sorted(n for n, issue in server.repo(REPO).issues.items()
                     if LABEL in issue.label_names() and not issue.is_pr)
    step = max(1, len(numbers) // max(1, changed))
    picked = numbers[::step][:changed]
    server.clock.advance(60)
    for n, number in enumerate(picked):
        if n % 3 == 0:
            server.edit(REPO, number, title=f"Issue #{number}, edited", body="Edited.")
        elif n % 3 == 1:
            server.comment(REPO, number, "bob", f"A new comment on #{number}.")
        else:
            server.assign(REPO, number, "carol")
    server.clock.advance(60)
    server.warm()  # re-render the changed issues now, not while a sync is timed
    return {"issues": len(picked), "comments": len(picked[1::3])}


COMMANDS: dict[str, Callable[[Any, Any], Any]] = {
    "mark": _mark, "tally": _tally, "change": _change,
}

_REPO_PATH = r"(?:/repos/[^/]+/[^/]+|/repositories/\d+)"  # `next` links use the second
_KINDS = [
    (r"/search/issues", "search"),
    (_REPO_PATH, "repo"),
    (_REPO_PATH + r"/issues", "issue list"),
    (_REPO_PATH + r"/issues/comments", "repo comments"),
    (_REPO_PATH + r"/issues/\d+", "one issue"),
    (_REPO_PATH + r"/issues/\d+/comments", "issue comments"),
    (_REPO_PATH + r"/issues/\d+/timeline", "timeline"),
    (_REPO_PATH + r"/issues/events", "repo events"),
    (_REPO_PATH + r"/pulls", "pulls"),
]


def _kind(path: str) -> str:
    return next((name for pattern, name in _KINDS if re.fullmatch(pattern, path)), path)


# -- one sync, in a fresh interpreter -------------------------------------------------------


def child_sync(url: str, db: str, full: bool, out: str, profile: str | None) -> None:
    """Our sync, as `roadmap sync` runs it: open the store, sync, close. Writes JSON to `out`.

    Opening the store (its migrations on a fresh file) is timed: every run pays it, as
    github-to-sqlite pays for creating its tables.
    """
    import resource
    import time

    from roadmap.github.client import GitHubClient
    from roadmap.store import Store
    from roadmap.sync import sync_repos

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu, wall = time.process_time(), time.perf_counter()

    def run() -> Any:
        store = Store.open(f"sqlite:///{db}")
        client = GitHubClient(url, TOKEN, wait_for_reset=False)
        try:
            (summary,) = sync_repos(store, client, [REPO], LABEL, full)
            return summary, client.counters.requests
        finally:
            client.close()
            store.close()

    summary, counted = _maybe_profiled(run, profile)
    result = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
              "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              "baseline_kb": baseline, "client_requests": counted,
              "summary": summary.to_dict()}
    Path(out).write_text(json.dumps(result))


def _maybe_profiled(run: Callable[[], Any], profile: str | None) -> Any:
    if profile is None:
        return run()
    import cProfile
    import time

    # CPU time, not wall time: the verdict is on CPU, and waiting for the server (which
    # answers one request at a time, on a shared machine) is no cost of ours.
    profiler = cProfile.Profile(time.process_time)
    try:
        return profiler.runcall(run)
    finally:
        profiler.dump_stats(profile)


#: Runs github-to-sqlite's own CLI in a fresh interpreter. It hard-codes
#: https://api.github.com and calls `requests.get` (a new Session per call), so every
#: Session request to that prefix is sent to the loopback server instead, and the pull
#: requests' URLs it splits on that prefix are given it back.
G2S_WRAPPER = """
import json, resource, sys, time
import requests
out, base, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
send = requests.Session.request
def request(self, method, url, *args, **kwargs):
    if url.startswith("https://api.github.com"):
        url = base + url[len("https://api.github.com"):]
    return send(self, method, url, *args, **kwargs)
requests.Session.request = request
from github_to_sqlite import utils
save_issues = utils.save_issues
def save_github_urls(db, issues, repo):  # it splits pull request URLs on GitHub's prefix
    def fixed():
        for issue in issues:
            pull = issue.get("pull_request") or {}
            if str(pull.get("url", "")).startswith(base):
                pull["url"] = "https://api.github.com" + pull["url"][len(base):]
            yield issue
    return save_issues(db, fixed(), repo)
utils.save_issues = save_github_urls
from github_to_sqlite.cli import cli
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu, wall = time.process_time(), time.perf_counter()
cli.main(argv, prog_name="github-to-sqlite", standalone_mode=False)
result = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
          "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          "baseline_kb": baseline}
open(out, "w").write(json.dumps(result))
"""


@dataclass(slots=True)
class Run:
    """One measured sync: the child's own numbers and the server's count of its requests."""

    name: str
    cpu: float
    wall: float
    peak_kb: int
    baseline_kb: int
    requests: int
    not_modified: int
    errors: int
    kinds: dict[str, int]
    core_points: int = 0
    search_points: int = 0
    minimum: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return self.requests / self.minimum if self.minimum else None


def measure(server: ServerProcess, name: str, argv: list[str], out: Path) -> Run:
    """Run one child process and pair its report with the server's tally of its requests."""
    mark = server.ask("mark")
    subprocess.run(argv, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    tally = server.ask("tally", mark)
    extra = {k: v for k, v in report.items() if k not in ("cpu", "wall", "peak_kb",
                                                          "baseline_kb")}
    return Run(name, report["cpu"], report["wall"], report["peak_kb"], report["baseline_kb"],
               tally["requests"], tally["not_modified"], tally["errors"], tally["kinds"],
               tally["core_points"], tally["search_points"], extra=extra)


def ours(server: ServerProcess, name: str, work: Path, full: bool, profile: Path | None) -> Run:
    out = work / f"{name}.json"
    argv = [sys.executable, __file__, "--child-sync", server.url, str(work / "roadmap.db"),
            "full" if full else "incremental", str(out)]
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
        argv.append(str(profile / f"{name.replace(' ', '-')}.pstats"))
    return measure(server, name, argv, out)


def g2s_python() -> Path:
    """The interpreter of github-to-sqlite's own venv (`G2S_VENV`), made and filled from
    PyPI the first time; a marker file says the install finished."""
    python, done = G2S_VENV / "bin" / "python", G2S_VENV / ".installed"
    if not done.exists():
        print(f"making {G2S_VENV} with github-to-sqlite (once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(G2S_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "github-to-sqlite"],
                       check=True)
        done.write_text(subprocess.run(
            [str(python), "-m", "pip", "show", "github-to-sqlite"], check=True,
            capture_output=True, text=True).stdout)
    return python


def github_to_sqlite(server: ServerProcess, command: str, work: Path) -> Run:
    auth = work / "auth.json"
    auth.write_text(json.dumps({"github_personal_token": TOKEN}))
    out = work / f"g2s-{command}.json"
    argv = [str(g2s_python()), "-c", G2S_WRAPPER, str(out), server.url, command,
            str(work / "g2s.db"), REPO, "--auth", str(auth)]
    run = measure(server, f"github-to-sqlite {command}", argv, out)
    with sqlite3.connect(work / "g2s.db") as db:
        table = "issue_comments" if command == "issue-comments" else "issues"
        run.extra["rows"] = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return run


# -- the benchmark --------------------------------------------------------------------------


def our_three_syncs(args: argparse.Namespace, work: Path) -> tuple[list[Run], list[Run]]:
    """Full, unchanged and after `--changed` changes; then github-to-sqlite, same server."""
    with ServerProcess(serve, args.issues, args.comments, args.history_days,
                       args.parents) as server:
        full = ours(server, "full sync", work, True, args.profile)
        # every page of the issues and of the comments, and each parent's sub-issue list
        full.minimum = _pages(args.issues) + _pages(args.comments) + args.parents
        same = ours(server, "no change", work, False, args.profile)
        same.minimum = 0  # in points: only conditional requests, answered 304
        changed = server.ask("change", args.changed)
        after = ours(server, f"{changed['issues']} changed", work, False, args.profile)
        # One listing page, then the comments added since the last sync through the
        # repository-wide list, and the new assignment events: one page each.
        after.minimum = 1 + _pages(changed["comments"]) + 1
        after.extra["changed"] = changed
        theirs = [] if args.no_g2s else [github_to_sqlite(server, command, work)
                                         for command in ("issues", "issue-comments")]
    return [full, same, after], theirs


def scaling(args: argparse.Namespace, work: Path, full: Run) -> list[tuple[int, Run]]:
    """A full sync at each `--scale` size (comments 2x), each on a fresh server and store."""
    runs = []
    for size in args.scale:
        if (size, 2 * size) == (args.issues, args.comments):
            runs.append((size, full))
            continue
        folder = work / f"scale-{size}"
        folder.mkdir()
        with ServerProcess(serve, size, 2 * size, args.history_days) as server:
            runs.append((size, ours(server, f"full sync {size}", folder, True, None)))
    return runs


#: The modules a sync runs (the rest of roadmap/ may change without changing these numbers).
SYNC_CODE = ["roadmap/sync.py", "roadmap/sync/*.py", "roadmap/github/*.py", "roadmap/model.py",
             "roadmap/errors.py", "roadmap/store/*.py", "migrations/versions/*.py"]


def code_version() -> str:
    """A digest of the sync's code (git's HEAD may move while it stays the same)."""
    digest = hashlib.sha256()
    for path in sorted(path for pattern in SYNC_CODE for path in ROOT.glob(pattern)):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return f"sync code sha256 {digest.hexdigest()[:12]}"


def git_head() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                          capture_output=True, check=False).stdout.strip() or "no git"


def _pages(count: int) -> int:
    return math.ceil(count / PER_PAGE)


# -- the report -----------------------------------------------------------------------------


def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def _kinds(run: Run) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(run.kinds.items(), key=lambda kv: -kv[1]))


def print_report(args: argparse.Namespace, syncs: list[Run], theirs: list[Run],
                 scale: list[tuple[int, Run]]) -> bool:
    """Print the tables; True when every target is met."""
    ok = True
    print(f"\n{args.issues:,} issues labelled `{LABEL}` opened over {args.history_days} days, "
          f"{args.comments:,} comments, {args.issues // 20:,} pull requests, "
          f"{args.parents} issues with 3 sub-issues each, {args.changed} changed; "
          "server in its own process\n")
    print("| sync | requests | 304s | core points | search points | minimum | target "
          "| verdict | CPU s | wall s | peak RSS MB (baseline) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |")
    full, same, after = syncs
    verdicts = [
        (full, f"requests <= {REQUEST_TARGET}x minimum",
         full.requests <= REQUEST_TARGET * (full.minimum or 0)),
        (same, f"core = {NO_CHANGE_POINTS[0]}, search <= {NO_CHANGE_POINTS[1]}",
         same.core_points <= NO_CHANGE_POINTS[0] and same.search_points <= NO_CHANGE_POINTS[1]),
        (after, f"core <= {CHANGED_CORE_POINTS}", after.core_points <= CHANGED_CORE_POINTS),
    ]
    for run, target, passed in verdicts:
        ok &= passed
        print(f"| {run.name} | {run.requests:,} | {run.not_modified} | {run.core_points:,} "
              f"| {run.search_points} | {run.minimum:,} | {target} "
              f"| {'PASS' if passed else 'MISS'} | {run.cpu:.2f} "
              f"| {run.wall:.2f} | {_mb(run.peak_kb)} ({_mb(run.baseline_kb)}) |")
    print("\nRequests by endpoint (from the server's log):")
    for run in [*syncs, *theirs]:
        print(f"  {run.name}: {_kinds(run)}" + (f"; {run.errors} errors" if run.errors else ""))
    for run in syncs:
        summary = run.extra["summary"]
        print(f"  {run.name}: summary issues_seen={summary['issues_seen']} new={summary['new']}"
              f" updated={summary['updated']} comments={summary['comments']}"
              f" (client counted {run.extra['client_requests']} requests)")
    if theirs:
        ok &= _print_g2s(syncs[0], theirs)
    elif not args.no_g2s:
        print("\nFull-sync CPU / github-to-sqlite `issues`: not measured: MISS")
        ok = False
    if scale:
        ok &= _print_scale(scale)
    return ok


def _print_g2s(full: Run, theirs: list[Run]) -> bool:
    print("\n| github-to-sqlite (same server) | requests | rows saved | CPU s | wall s "
          "| peak RSS MB (baseline) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for run in theirs:
        print(f"| {run.name} | {run.requests:,} | {run.extra['rows']:,} | {run.cpu:.2f} "
              f"| {run.wall:.2f} | {_mb(run.peak_kb)} ({_mb(run.baseline_kb)}) |")
    issues_cpu = theirs[0].cpu
    both_cpu = sum(run.cpu for run in theirs)
    passed = full.cpu <= CPU_TARGET * issues_cpu
    print(f"\nFull-sync CPU {full.cpu:.2f} s / github-to-sqlite `issues` {issues_cpu:.2f} s"
          f" = {full.cpu / issues_cpu:.2f}x; target <= {CPU_TARGET}x:"
          f" {'PASS' if passed else 'MISS'}")
    print(f"  (against `issues` + `issue-comments`, {both_cpu:.2f} s: "
          f"{full.cpu / both_cpu:.2f}x. github-to-sqlite's `issues` lists every issue, "
          "labelled or not, and no comments or events; here every issue is labelled.)")
    return passed


def _print_scale(scale: list[tuple[int, Run]]) -> bool:
    """The scale table and the memory row; True when memory stayed within its target."""
    print("\n| full sync at | requests | CPU s | wall s | peak RSS MB | above baseline MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for size, run in scale:
        print(f"| {size:,} issues, {2 * size:,} comments | {run.requests:,} | {run.cpu:.2f} "
              f"| {run.wall:.2f} | {_mb(run.peak_kb)} | {_mb(run.peak_kb - run.baseline_kb)} |")
    if len(scale) > 1:
        (small, first), (large, last) = scale[0], scale[-1]
        growth = (last.peak_kb - last.baseline_kb) - (first.peak_kb - first.baseline_kb)
        print(f"\nPeak memory above baseline grew {growth / 1024:.1f} MB from {small:,} to "
              f"{large:,} issues ({growth / 1024 / max(1, large - small) * 1000:.2f} MB per "
              f"1,000 issues); the whole process peaked at {_mb(first.peak_kb)} and "
              f"{_mb(last.peak_kb)} MB.")
        ratio = last.peak_kb / first.peak_kb
        passed = ratio <= MEMORY_TARGET
        print(f"Peak RSS at {large:,} issues {_mb(last.peak_kb)} MB / at {small:,} issues "
              f"{_mb(first.peak_kb)} MB = {ratio:.2f}x; target <= {MEMORY_TARGET}x: "
              f"{'PASS' if passed else 'MISS'}")
        return passed
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--parents", type=int, default=20,
                        help="roadmap issues broken down into three sub-issues each")
    parser.add_argument("--history-days", type=int, default=730,
                        help="the issues were opened over this many days (0: all at once, "
                        "so every event falls in a first sync's 30-day window)")
    parser.add_argument("--scale", type=lambda text: [int(n) for n in text.split(",") if n],
                        default=[1_000, 5_000, 10_000],
                        help="issue counts for the memory-growth runs ('' to skip)")
    parser.add_argument("--no-g2s", action="store_true", help="skip github-to-sqlite")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of our syncs here "
                        "(their CPU and wall times then include the profiler's overhead)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    if not args.no_g2s:
        g2s_python()  # before any timing: making the venv takes a while, once
    before, head, load = code_version(), git_head(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as folder:
        work = Path(folder)
        syncs, theirs = our_three_syncs(args, work)
        scale = scaling(args, work, syncs[0])
    ok = print_report(args, syncs, theirs, scale)
    after = code_version()
    print(f"\nLoad average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on "
          f"{os.cpu_count()} CPUs: other work on the machine slows wall times most.")
    print(f"Code measured: {before} (git {head} at the start)" if after == before else
          f"The sync's code changed during the run ({before} -> {after}): "
          "the runs mix versions")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child-sync"]:
        url, db, mode, out, *profile = sys.argv[2:]
        child_sync(url, db, mode == "full", out, profile[0] if profile else None)
        sys.exit(0)
    sys.exit(main())
