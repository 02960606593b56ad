"""Measure `roadmap report` on a large store: CPU time and peak memory per format.

A report, not a test: it prints a table and exits 0 unless `--check` is given and a
target is missed.

    .venv/bin/python benchmarks/report_bench.py [--issues 10000] [--comments 20000]
        [--items 300] [--repeat 3] [--rounds 3] [--store FILE] [--profile] [--check]

The store is built directly through the store API (no server): a 300-item roadmap
(10 sections of 29 items), synthetic issues linked by reference, label and body marker
(some linked to nothing), comments with claims, releases, chatter, quoted and fenced
commands, assignees, stale and conflicting claims, label and assignment events, a linked
pull request per twenty issues, and two recorded syncs with changes between them. Each
format is then measured in a fresh interpreter of its own, after one unmeasured run
(imports, template compilation): the best of `--repeat` runs of the whole report
(gather from the store, build, render), each stage's CPU seconds, the peak of Python
allocations under `tracemalloc` (one more run) and the process's peak RSS.

A shared machine's speed drifts by a third or more over tens of seconds, so the formats
take turns: `--rounds` rounds, each measuring every format once in that way. The table
gives each format's best round and, for the spread, its worst.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPO = "acme/widgets"
#: `text` is the plain text of a pipe or a file; `text-tty` the rich view of a terminal.
FORMATS = ("json", "md", "html", "text", "text-tty")
CPU_TARGET = 0.5  # seconds of CPU for one report, each format (issue 16)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
WORDS = ("runtime", "plugin", "loader", "cache", "network", "storage", "docs", "build",
         "release", "api", "cli", "config", "logging", "metrics", "tracing", "auth", "tokens",
         "scheduler", "queue", "worker", "index", "search", "export", "import", "sync",
         "backup", "restore", "upgrade", "migrate", "schema", "theme", "layout", "render")
CHATTER = ("Thanks for the report.", "Any update on this?", "I can reproduce it on main.",
           "> /claim\n\nQuoting the above: who has this?", "```\n/claim\n```\nThat is how.",
           "Is this still planned for the next release?", "+1", "See also the design doc.")


# -- the store -------------------------------------------------------------------------------


def roadmap_text(items: int, sections: int = 10) -> str:
    """A numbered roadmap: `sections` areas, the rest of `items` spread under them."""
    per = max(1, (items - sections) // sections)
    lines = ["# Widgets roadmap", "", "Where the project is going.", ""]
    number = 1
    for s in range(1, sections + 1):
        lines += [f"# {s}. {WORDS[s % len(WORDS)].title()} area", ""]
        for m in range(1, per + 1):
            done = " ✅" if m % 5 == 0 else ""
            title = f"{WORDS[(s * 7 + m) % len(WORDS)].title()} {WORDS[m % len(WORDS)]} {m}"
            lines += [f"## {s}.{m} {title}{done}", "",
                      f"Tracked in #{number} and #{number + 1}.", ""]
            number += 2
    return "\n".join(lines) + "\n"


def build_store(path: Path, issues: int, comments: int, items: int, seed: int = 1) -> None:
    """A large store at `path`, through the store API, with two recorded syncs."""
    from roadmap.config import Config
    from roadmap.parse import parse_roadmap
    from roadmap.store import Store
    from roadmap.track.history import record_history
    from roadmap.track.overview import gather

    rng = random.Random(seed)
    store = Store.open(f"sqlite:///{path}")
    roadmap = parse_roadmap(roadmap_text(items), repo=REPO)
    store.save_items(roadmap)
    ids = [item.id for item in roadmap.items if item.parent is not None]
    repo_id = store.save_repo(_repo())
    made = [_issue(n, rng, ids) for n in range(1, issues + 1)]
    for start in range(0, len(made), 1000):
        store.save_issue_page(repo_id, made[start:start + 1000], "roadmap", None)
    store.save_comments(repo_id, _comments(made, comments, rng), None)
    store.save_events(repo_id, _events(made, rng), None, store.load_issue_ids(repo_id))
    store.save_pulls(_pulls(made, rng), store.load_issue_keys())
    record_history(store, gather(store, Config(), NOW - timedelta(days=8)),
                   NOW - timedelta(days=8))
    _change(store, repo_id, made, rng, ids)
    record_history(store, gather(store, Config(), NOW - timedelta(days=1)),
                   NOW - timedelta(days=1))
    run = store.begin_run(REPO, False)
    store.finish_run(run, outcome="ok")
    store.close()


def _repo() -> Any:
    from roadmap.model import RemoteRepo

    return RemoteRepo(1, REPO, f"https://github.com/{REPO}")


def _issue(number: int, rng: random.Random, ids: list[str], title: str | None = None) -> Any:
    from roadmap.model import RemoteIssue

    created = NOW - timedelta(days=rng.randint(10, 400))
    updated = created + (NOW - created) * rng.random()
    closed = rng.random() < 0.3
    labels = ["roadmap"]
    link = rng.random()
    body = f"Issue {number}: {' '.join(rng.choices(WORDS, k=30))}."
    if link < 0.6:
        labels.append(f"roadmap:{rng.choice(ids)}")
    elif link < 0.9:
        body += f"\n\nRoadmap: {rng.choice(ids)}\n"
    labels += [name for name, odds in (("good first issue", 0.05), ("help wanted", 0.1),
                                       (rng.choice(WORDS), 0.5)) if rng.random() < odds]
    return RemoteIssue(
        id=10_000_000 + number, number=number,
        title=title or " ".join(rng.choices(WORDS, k=rng.randint(3, 8))).capitalize(),
        body=body, state="closed" if closed else "open",
        state_reason=("not_planned" if rng.random() < 0.2 else "completed") if closed else None,
        is_pull_request=False, author=f"user{rng.randint(1, 500)}", labels=labels,
        assignees=[f"user{rng.randint(1, 500)}"] if rng.random() < 0.1 else [],
        milestone=None, comments=0, html_url=f"https://github.com/{REPO}/issues/{number}",
        created_at=created, updated_at=updated, closed_at=updated if closed else None)


def _comments(issues: list[Any], count: int, rng: random.Random) -> list[Any]:
    from roadmap.model import RemoteComment

    found = []
    for n in range(count):
        issue = issues[rng.randrange(len(issues))]
        at = issue.created_at + (NOW - issue.created_at) * rng.random()
        roll = rng.random()
        said = ("/claim" if roll < 0.15 else "I'm working on this" if roll < 0.2
                else "/unclaim" if roll < 0.22 else rng.choice(CHATTER))
        # every body its own, as on GitHub: a report may read each distinct body once
        body = f"{said}\n\nSeen with the {rng.choice(WORDS)} {n} build on #{issue.number}."
        found.append(RemoteComment(
            50_000_000 + n, issue.number, f"user{rng.randint(1, 500)}", rng.random() < 0.02,
            body, f"{issue.html_url}#issuecomment-{50_000_000 + n}", at, at))
    return found


def _events(issues: list[Any], rng: random.Random) -> list[tuple[int, Any]]:
    """Each issue labelled when opened; its assignments, and one in thirty unassigned."""
    from roadmap.model import RemoteEvent

    found: list[tuple[int, Any]] = []
    for issue in issues:
        found.append((issue.number, RemoteEvent(len(found) + 1, "labeled", issue.author,
                                                "roadmap", issue.created_at)))
        for login in issue.assignees:
            found.append((issue.number, RemoteEvent(len(found) + 1, "assigned", "maintainer",
                                                    login, issue.created_at)))
        if rng.random() < 1 / 30:
            login, at = f"user{rng.randint(1, 500)}", issue.created_at + timedelta(days=1)
            found.append((issue.number, RemoteEvent(len(found) + 1, "assigned", "maintainer",
                                                    login, at)))
            found.append((issue.number, RemoteEvent(len(found) + 1, "unassigned",
                                                    "maintainer", login, at + timedelta(1))))
    return found


def _pulls(issues: list[Any], rng: random.Random) -> list[tuple[Any, dict[tuple[str, int], str]]]:
    """One pull request per twenty issues, each closing one; one in ten still open."""
    from roadmap.model import RemotePull

    found = []
    for n, issue in enumerate(rng.sample(issues, len(issues) // 20), start=1):
        number = 100_000 + n
        pull = RemotePull(f"https://github.com/{REPO}/pull/{number}", REPO, number,
                          f"Fix #{issue.number}", "open" if n % 10 == 0 else "closed",
                          n % 10 != 0, f"user{rng.randint(1, 500)}", "closing",
                          issue.updated_at)
        found.append((pull, {(REPO, issue.number): "closing"}))
    return found


def _change(store: Any, repo_id: int, issues: list[Any], rng: random.Random,
            ids: list[str]) -> None:
    """Between the two recorded syncs: closes, renames, claims and new issues."""
    from dataclasses import replace

    from roadmap.model import RemoteComment

    at = NOW - timedelta(days=3)
    picked = rng.sample(issues, 600)
    changed = [replace(i, state="closed", state_reason="completed", closed_at=at, updated_at=at)
               for i in picked[:300]]
    changed += [replace(i, title=i.title + " (renamed)", updated_at=at) for i in picked[300:]]
    new = [_issue(len(issues) + n, rng, ids) for n in range(1, 101)]
    store.save_issue_page(repo_id, changed + new, "roadmap", None)
    claims = [RemoteComment(60_000_000 + n, i.number, f"user{rng.randint(1, 500)}", False,
                            "/claim", f"{i.html_url}#issuecomment-{60_000_000 + n}", at, at)
              for n, i in enumerate(rng.sample(issues, 300))]
    store.save_comments(repo_id, claims, None)


# -- one format, measured in its own interpreter --------------------------------------------


def measure(store_path: str, fmt: str, repeat: int, profile: bool) -> dict[str, Any]:
    """Best-of-`repeat` CPU seconds of each stage and of the whole, peak memory."""
    import resource
    import tracemalloc

    from roadmap.collector import collector_paused
    from roadmap.config import Config
    from roadmap.report.gather import build_report
    from roadmap.report.render import render_report
    from roadmap.store import Store
    from roadmap.track.overview import gather

    store = Store.open(f"sqlite:///{store_path}")
    since = NOW - timedelta(days=7)

    def once() -> tuple[dict[str, float], int]:
        with collector_paused():  # as `roadmap report` does
            return _once()

    def _once() -> tuple[dict[str, float], int]:
        marks = [time.process_time()]
        overview = gather(store, Config(), NOW)
        marks.append(time.process_time())
        report = build_report(store, overview, "Widgets roadmap", NOW, since)
        marks.append(time.process_time())
        text = render_report(report, fmt.removesuffix("-tty"), None,
                             120 if fmt == "text-tty" else None)
        marks.append(time.process_time())
        stages = {"gather": marks[1] - marks[0], "build": marks[2] - marks[1],
                  "render": marks[3] - marks[2], "total": marks[3] - marks[0]}
        return stages, len(text.encode())

    once()  # imports, templates, caches: not what a report costs
    runs = [once() for _ in range(repeat)]
    best = min(runs, key=lambda r: r[0]["total"])
    tracemalloc.start()
    once()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {"format": fmt, **best[0], "bytes": best[1], "peak_alloc": peak,
              "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    if profile:
        result["profile"] = _profile(once)
    store.close()
    return result


def _profile(run: Any) -> str:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(run)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def end_to_end(store_path: str, fmt: str) -> dict[str, float]:
    """`roadmap report` as a user runs it, in a fresh interpreter: CPU with imports.

    With a byte-code cache (a temporary `PYTHONPYCACHEPREFIX`, filled by one unmeasured
    run), as for an installed package, even where `PYTHONDONTWRITEBYTECODE` is set.
    """
    code = ("import resource, sys; from roadmap.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "u = resource.getrusage(resource.RUSAGE_SELF)\n"
            "print(u.ru_utime + u.ru_stime, u.ru_maxrss, file=sys.stderr)\n")
    # The same changes as `measure` (the store's times are fixed), unless the clock is behind.
    since = NOW - timedelta(days=7)
    when = since.isoformat() if since < datetime.now(UTC) else "7d"
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(folder) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for _ in range(2):  # the first fills the cache
            done = subprocess.run(
                [sys.executable, "-c", code, "--db", f"sqlite:///{store_path}", "report",
                 "--format", fmt, "--since", when, "-o", str(Path(folder) / "out")],
                cwd=folder, env=env, capture_output=True, text=True, check=True)
    cpu, rss = done.stderr.split()[-2:]
    return {"cpu": float(cpu), "max_rss": int(rss) * 1024}


# -- the table -------------------------------------------------------------------------------


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB"


def print_table(rounds: dict[str, list[dict[str, Any]]],
                ends: dict[str, dict[str, float]]) -> bool:
    print(f"{'format':<8} {'gather':>7} {'build':>7} {'render':>7} {'total':>7} "
          f"{'target':>7} {'ratio':>6} {'verdict':>7} {'worst':>7} {'output':>10} "
          f"{'peak alloc':>11} {'peak RSS':>10} {'CLI CPU':>8}")
    passed = True
    for fmt, runs in rounds.items():
        r = min(runs, key=lambda run: run["total"])
        worst = max(run["total"] for run in runs)
        ok = r["total"] <= CPU_TARGET
        passed &= ok
        print(f"{fmt:<8} {r['gather']:>7.3f} {r['build']:>7.3f} {r['render']:>7.3f} "
              f"{r['total']:>7.3f} {CPU_TARGET:>7.3f} {r['total'] / CPU_TARGET:>6.2f} "
              f"{'PASS' if ok else 'MISS':>7} {worst:>7.3f} "
              f"{mib(r['bytes']):>10} {mib(max(run['peak_alloc'] for run in runs)):>11} "
              f"{mib(max(run['max_rss'] for run in runs)):>10} {ends[fmt]['cpu']:>8.3f}")
    print(f"\nTarget (issue 16): at most {CPU_TARGET:.1f} s of CPU per report, each format "
          "(gather + build + render, imports and template compilation excluded): the best "
          "round's total; ratio is total / target; worst is the slowest round's best, the "
          "machine's drift. CLI CPU is the whole `roadmap report` process, imports and "
          "start-up included, for context.")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="runs per format per round")
    parser.add_argument("--rounds", type=int, default=3, help="turns the formats take")
    parser.add_argument("--store", type=Path, help="reuse (or build once) this SQLite file")
    parser.add_argument("--profile", action="store_true", help="print a cProfile per format")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--measure", nargs=2, metavar=("STORE", "FORMAT"),
                        help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], args.repeat, args.profile)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        store = args.store or Path(folder) / "roadmap.db"
        if not store.exists():
            started = time.perf_counter()
            build_store(store, args.issues, args.comments, args.items)
            print(f"built {store}: {args.issues} issues, {args.comments} comments, "
                  f"{args.items} items in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
        rounds: dict[str, list[dict[str, Any]]] = {fmt: [] for fmt in FORMATS}
        for _ in range(max(1, args.rounds)):
            for fmt in FORMATS:
                rounds[fmt].append(_child(store, fmt, args))
        ends = {fmt: end_to_end(str(store), fmt.removesuffix("-tty")) for fmt in FORMATS}
    for fmt, runs in rounds.items():
        if "profile" in runs[0]:
            print(f"== {fmt}\n{runs[0]['profile']}")
    passed = print_table(rounds, ends)
    return 1 if args.check and not passed else 0


def _child(store: Path, fmt: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", str(store), fmt,
               "--repeat", str(args.repeat), *(["--profile"] if args.profile else [])]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


if __name__ == "__main__":
    sys.exit(main())
