"""Measure `roadmap site build` on a large store: a full build, then a rebuild with nothing
changed (target: no file written, under a tenth of the full build's CPU time), then a
rebuild after one issue changed.

A report, not a test: it prints a table and PASS/MISS, and exits 1 with `--check` when a
target is missed.

    .venv/bin/python benchmarks/site_bench.py [--issues 10000] [--items 300] [--check]

The store is made through the store's own API (`save_items`, `save_issue_page`,
`save_comments`, `record_history`): a roadmap of `--items` items in ten numbered areas,
each naming its share of the issues; two comments per issue, every fifth issue claimed
in a comment, every fourth assigned, a third closed. Each build runs in a fresh
interpreter and reports its own CPU seconds (`time.process_time()` around the build,
imports excluded and given apart), wall seconds, files written, and peak memory
(`ru_maxrss`, beside the same process's figure just before the build).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPO = "acme/widgets"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TARGET = 0.1  # a no-change rebuild under a tenth of the full build's CPU time
LOGINS = [f"contributor-{n}" for n in range(200)]
LABELS = ["roadmap", "good first issue", "enhancement", "bug", "area/runtime", "area/docs"]


def roadmap_text(items: int, issues: int) -> str:
    """Ten numbered areas; every other item names its slice of the issue numbers."""
    areas = 10
    per_area = max(1, items // areas - 1)
    leaves = areas * per_area
    share = max(1, issues // leaves)
    lines = ["# Large roadmap", "", "How to help: comment on an issue first.", ""]
    n = 1
    for area in range(areas):
        lines += [f"## {area + 1}. Area {area}", "", "What this area is about.", ""]
        for k in range(per_area):
            refs = " ".join(f"#{i}" for i in range(n, min(n + share, issues + 1)))
            n += share
            lines += [f"### {area + 1}.{k + 1} Feature {area}-{k}", "",
                      f"Work on **feature {k}** of area {area}. See [the docs](docs/{k}.md).",
                      "", f"Tracking issues: {refs}", "", "- [x] design", "- [ ] build", ""]
    return "\n".join(lines)


def make_store(url: str, items: int, issues: int) -> dict[str, Any]:
    """Fill a fresh store through its API; how long it took and what it holds."""
    from roadmap.config import Config
    from roadmap.model import RemoteComment, RemoteIssue, RemoteRepo
    from roadmap.parse import parse_roadmap
    from roadmap.store import Store
    from roadmap.track.history import record_history
    from roadmap.track.overview import gather

    started = time.perf_counter()
    rng = random.Random(1)
    store = Store.open(url)
    roadmap = parse_roadmap(roadmap_text(items, issues), "ROADMAP.md", repo=REPO)
    store.save_items(roadmap)
    repo_id = store.save_repo(RemoteRepo(1, REPO, f"https://github.com/{REPO}"))
    for start in range(1, issues + 1, 500):
        numbers = range(start, min(start + 500, issues + 1))
        page, comments = [], []
        for n in numbers:
            updated = NOW - timedelta(minutes=issues - n + 60)
            closed = n % 3 == 0
            page.append(RemoteIssue(
                n, n, f"Issue {n}: {rng.choice(['improve', 'add', 'fix'])} thing {n}",
                f"Body of issue {n}.", "closed" if closed else "open", None, False,
                rng.choice(LOGINS), ["roadmap", *rng.sample(LABELS[1:], 2)],
                [rng.choice(LOGINS)] if n % 4 == 0 else [], None, 2,
                f"https://github.com/{REPO}/issues/{n}", updated - timedelta(days=30),
                updated, updated if closed else None))
            for c in range(2):
                cid = n * 10 + c
                body = "/claim" if c == 0 and n % 5 == 0 else "Looks good to me."
                comments.append(RemoteComment(
                    cid, n, rng.choice(LOGINS), False, body,
                    f"https://github.com/{REPO}/issues/{n}#issuecomment-{cid}",
                    updated - timedelta(days=c), updated - timedelta(days=c)))
        store.save_issue_page(repo_id, page, "roadmap", None)
        store.save_comments(repo_id, comments, None)
    config = Config(roadmap=Path("ROADMAP.md"), repos=(REPO,))
    record_history(store, gather(store, config, NOW), NOW)
    counts = store.load_counts()
    store.close()
    return {"seconds": round(time.perf_counter() - started, 1), **counts}


def change_one_issue(url: str) -> None:
    from roadmap.model import RemoteIssue
    from roadmap.store import Store

    store = Store.open(url)
    repo_id = store.load_repo_id(REPO)
    assert repo_id is not None
    store.save_issue_page(repo_id, [RemoteIssue(
        7, 7, "Issue 7: retitled", "Body.", "open", None, False, "contributor-1", ["roadmap"],
        [], None, 2, f"https://github.com/{REPO}/issues/7", NOW - timedelta(days=40),
        NOW - timedelta(minutes=30), None)], "roadmap", None)
    store.close()


# -- one build, in a fresh interpreter -----------------------------------------------------


def child(url: str, out: str) -> None:
    """Build the site once and print what it cost, as JSON."""
    import resource

    started = time.process_time()
    from roadmap.config import Config
    from roadmap.site.build import build_site
    from roadmap.site.render import site_env
    from roadmap.store import Store

    site_env()  # Jinja and the templates' folder, imported like the rest
    imports = time.process_time() - started
    store = Store.open(url)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    config = Config(roadmap=Path("ROADMAP.md"), repos=(REPO,))
    cpu, wall = time.process_time(), time.perf_counter()
    result = build_site(store, config, Path(out), NOW, title="Large roadmap", repo=REPO)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    files = sum(1 for p in Path(out).rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    print(json.dumps({"cpu": cpu, "wall": wall, "imports": imports,
                      "written": len(result.written), "unchanged": result.unchanged,
                      "removed": len(result.removed), "skipped": result.skipped,
                      "files": files, "bytes": size, "peak_kb": peak, "baseline_kb": baseline}))


def measure(url: str, out: Path) -> dict[str, Any]:
    answer = subprocess.run(
        [sys.executable, __file__, "--child", url, str(out)], capture_output=True, text=True,
        check=False, cwd=ROOT)
    if answer.returncode != 0:
        raise SystemExit(f"build failed:\n{answer.stderr}")
    data: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return data


def stats(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*")
            if p.is_file()}


def render(rows: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [f"{'build':<22}{'CPU s':>8}{'wall s':>8}{'written':>9}{'unchanged':>11}"
             f"{'removed':>9}{'peak MB':>9}{'(before)':>10}"]
    for name, r in rows:
        lines.append(f"{name:<22}{r['cpu']:>8.2f}{r['wall']:>8.2f}{r['written']:>9}"
                     f"{r['unchanged']:>11}{r['removed']:>9}{r['peak_kb'] / 1024:>9.0f}"
                     f"{r['baseline_kb'] / 1024:>10.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--child", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="site-bench-") as scratch:
        url = f"sqlite:///{scratch}/store.db"
        out = Path(scratch) / "site"
        made = make_store(url, args.items, args.issues)
        print(f"store: {made['issues']} issues, {made['comments']} comments, {made['items']} "
              f"items, made in {made['seconds']}s")
        full = measure(url, out)
        before = stats(out)
        again = measure(url, out)
        untouched = stats(out) == before
        change_one_issue(url)
        one = measure(url, out)
    print(f"site: {full['files']} files, {full['bytes'] / 1e6:.1f} MB; imports "
          f"{full['imports']:.2f} CPU s per process, not counted below\n")
    print(render([("full build", full), ("no change", again), ("one issue changed", one)]))
    ratio = again["cpu"] / full["cpu"] if full["cpu"] else 0.0
    verdicts = [
        ("no-change rebuild writes nothing", again["written"] == 0 and untouched,
         f"{again['written']} written, files untouched: {untouched}"),
        (f"no-change rebuild under {TARGET:.0%} of the full build's CPU", ratio < TARGET,
         f"{again['cpu']:.3f}s / {full['cpu']:.2f}s = {ratio:.3f}"),
    ]
    print()
    for name, ok, detail in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    return 1 if args.check and not all(ok for _, ok, _ in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
