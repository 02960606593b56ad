"""A sync killed with SIGKILL, then run again, ends as an uninterrupted one; two at once
do not corrupt the store.

`roadmap sync` runs as a real process against the test server; the test kills it at
points chosen by what the server has answered (while the store is being made, in the
issue list, in the comments, in the events, in the pull requests), a seeded few
milliseconds later so the kill lands in parsing or in a commit as well as in a wait.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from roadmap.store import Store

from .conftest import ROOT
from .github_server import GitHubServer
from .github_server.fixtures import seed_acme
from .syncing import REPO, TOKEN, snapshot, sync

ISSUES, COMMENTS = 600, 900
SEED = 20261128
Trigger = Callable[[], bool]


@pytest.fixture(scope="module")
def server() -> Iterator[GitHubServer]:
    """600 roadmap issues (every 7th a PR) and 900 comments; three in four issues closed
    in one second (pages that share a timestamp), so 11 pages of events. The pull request
    list, read last, answers slowly, or a sync could end before its kill. The search
    index lags as GitHub's does (six pages: the roadmap is probed, with a search count)."""
    with GitHubServer(search_lag=30) as running:
        seed_acme(running)
        numbers = running.bulk_create(REPO, issues=ISSUES, comments=COMMENTS, pr_every=7)
        for number in numbers[1::4] + numbers[2::4] + numbers[3::4]:
            running.close(REPO, number)
        running.set_rate_limit(TOKEN, limit=100_000, remaining=100_000, resource="search")
        running.faults.add("slow", path="/pulls", delay=0.3)
        running.warm()
        yield running


@pytest.fixture(scope="module")
def reference(server, tmp_path_factory) -> dict[str, Any]:
    """The snapshot of one uninterrupted sync."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('reference') / 'roadmap.db'}")
    try:
        sync(server, store)
        return snapshot(store)
    finally:
        store.close()


def start(server: GitHubServer, db: Path) -> subprocess.Popen[str]:
    """`roadmap sync --repo acme/widgets` in a process of its own."""
    env = {**os.environ, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": server.url,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    for name in ("GH_TOKEN", "ROADMAP_DATABASE_URL"):
        env.pop(name, None)
    command = [sys.executable, "-c", "from roadmap.cli import main; main()",
               "--db", f"sqlite:///{db}", "sync", "--repo", REPO]
    return subprocess.Popen(command, cwd=db.parent, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_when(process: subprocess.Popen[str], trigger: Trigger, lag: float) -> bool:
    """SIGKILL `process` `lag` seconds after `trigger` holds; False if it ended first."""
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if trigger():
            time.sleep(lag)
            process.send_signal(signal.SIGKILL)
            process.communicate()
            return process.returncode == -signal.SIGKILL
        time.sleep(0.002)
    process.communicate()
    return False


def after(server: GitHubServer, path: str, count: int) -> Trigger:
    """Holds once the server has answered `count` more requests whose path ends so."""
    state = {"read": len(server.log), "found": 0}

    def check() -> bool:
        fresh = server.log.records()[state["read"]:]
        state["read"] += len(fresh)
        state["found"] += sum(record.path.endswith(path) for record in fresh)
        return state["found"] >= count
    return check


def tables_made(db: Path) -> Trigger:
    """Holds once any table of the store is visible to another connection."""
    def check() -> bool:
        if not db.exists():
            return False
        try:
            connection = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=0.01)
        except sqlite3.Error:
            return False
        try:
            query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            return bool(connection.execute(query).fetchone()[0])
        except sqlite3.Error:
            return False
        finally:
            connection.close()
    return check


def integrity(db: Path) -> list[str]:
    """`PRAGMA integrity_check` (and foreign keys) of a copy of the store as it was left:
    opening the store itself would recover its write-ahead log before the next sync can."""
    copy = db.parent / "checked" / db.name
    copy.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal"):
        source, target = Path(f"{db}{suffix}"), Path(f"{copy}{suffix}")
        target.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, target)
    connection = sqlite3.connect(copy)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")] + [
            str(row) for row in connection.execute("PRAGMA foreign_key_check")]
    finally:
        connection.close()


def finish(server: GitHubServer, db: Path) -> subprocess.CompletedProcess[str]:
    process = start(server, db)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def stored(db: Path) -> dict[str, Any]:
    store = Store.open(f"sqlite:///{db}")
    try:
        return snapshot(store)
    finally:
        store.close()


def test_sync_killed_at_random_points_then_run_again_ends_as_one_run(server, reference,
                                                                     tmp_path):
    chance = random.Random(SEED)
    db = tmp_path / "roadmap.db"
    # each round resumes the store the previous one left; each kill waits for its point
    rounds: list[Callable[[], Trigger]] = [
        lambda: tables_made(db),  # while the store is being made
        lambda: after(server, "/issues", chance.randint(2, 5)),  # in the issue list
        lambda: after(server, "/issues/comments", chance.randint(1, 6)),  # in the comments
        lambda: after(server, "/issues/events", chance.randint(1, 10)),  # in the events
        lambda: after(server, "/pulls", 1),  # in the pull requests (answered slowly)
    ]
    kills = 0
    for make_trigger in rounds:
        process = start(server, db)
        kills += kill_when(process, make_trigger(), lag=chance.uniform(0, 0.03))
        assert not db.exists() or integrity(db) == ["ok"]
    done = finish(server, db)
    assert done.returncode == 0, done.stderr
    assert kills == len(rounds), "a sync ended before its kill"
    assert integrity(db) == ["ok"]
    assert stored(db) == reference


def test_two_syncs_at_once_one_waits_or_refuses(server, reference, tmp_path):
    db = tmp_path / "roadmap.db"
    # the first request waits, so the syncs overlap even when one process starts late
    server.faults.add("slow", path=f"^/repos/{REPO}$", delay=2.0, times=1)
    try:
        processes = [start(server, db), start(server, db)]
        results = []
        for process in processes:
            _, err = process.communicate(timeout=300)
            results.append((process.returncode, err))
    finally:
        server.faults.clear()
    assert 0 in [code for code, _ in results], results
    for code, err in results:
        assert code == 0 or (code == 1 and "another sync" in err), (code, err)
    assert integrity(db) == ["ok"]
    assert stored(db) == reference
