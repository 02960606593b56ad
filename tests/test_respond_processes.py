"""`roadmap respond` and `roadmap webhook serve` as the processes users run, on a SQLite
file and on PostgreSQL: several workflow runs at once on one store, and a receiver killed
in the middle of its work and started again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from roadmap.store import Store
from roadmap.store.answers import load_answer_counts, load_delivery_counts

from .github_server import GitHubServer
from .github_server.fixtures import github_server_fixture
from .stores import BACKENDS, database_url
from .syncing import REPO
from .test_respond import (
    assignees,
    bot_comments,
    marker,
    project,
    roadmap_issue,
    seed,
    until,
)
from .webhooks import SECRET, comment_payload, deliver

github_server = github_server_fixture(setup=seed)
__all__ = ["github_server", "project"]

ROADMAP = str(Path(sys.executable).parent / "roadmap")


@pytest.fixture(params=BACKENDS)
def shared_store(request, tmp_path) -> Iterator[str]:
    """The URL of a store the processes share, its schema made (as a deployed one is)."""
    with database_url(request.param, tmp_path) as url:
        Store.open(url).close()
        yield url


def counts(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """The store's answers and deliveries, by kind and by state."""
    store = Store.open(url)
    try:
        return load_answer_counts(store), load_delivery_counts(store)
    finally:
        store.close()


def environment(url: str) -> dict[str, str]:
    return {**os.environ, "ROADMAP_DATABASE_URL": url,
            "ROADMAP_WEBHOOK_SECRET": SECRET.decode()}


def test_workflow_runs_at_once_make_one_claimant_one_refusal_and_no_repeat(
        github_server: GitHubServer, project: Path, shared_store: str) -> None:
    """Three `roadmap respond` runs started together on one store: alice's `/claim`, the
    same again (a re-run), and bob's `/claim` a second later."""
    n = roadmap_issue(github_server)
    github_server.clock.advance(1)
    first = github_server.comment(REPO, n, "alice", "/claim")
    github_server.clock.advance(1)
    second = github_server.comment(REPO, n, "bob", "/claim")
    files = []
    for k, comment_id in enumerate((first, first, second)):
        path = project / f"event-{k}.json"
        path.write_text(json.dumps(comment_payload(github_server, REPO, comment_id)),
                        encoding="utf-8")
        files.append(path)
    runs = [subprocess.Popen([ROADMAP, "respond", "--event", str(path), "--event-name",
                              "issue_comment"], cwd=project, env=environment(shared_store),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for path in files]
    said = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], said
    assert assignees(github_server, n) == ["alice"]
    answered = [body.rsplit("\n\n", 1)[1] for body in bot_comments(github_server, n)]
    assert sorted(answered) == sorted([marker(first, "claimed"), marker(second, "refused")])
    assert counts(shared_store)[0] == {"claimed": 1, "refused": 1}


class Receiver:
    """`roadmap webhook serve --port 0` as its own process; its URL read from its first line."""

    def __init__(self, folder: Path, url: str) -> None:
        self.process = subprocess.Popen(
            [ROADMAP, "webhook", "serve", "--port", "0", "--write-interval", "0"],
            cwd=folder, env=environment(url), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        assert self.process.stderr is not None
        self.said: list[str] = []  # what it said before it listened
        line = self.process.stderr.readline()
        while line and not line.startswith("receiving GitHub deliveries at "):
            self.said.append(line)
            line = self.process.stderr.readline()
        assert line, self.said
        self.url = line.split(" at ", 1)[1].split(" ", 1)[0]

    def send(self, payload: Any, delivery: str) -> tuple[int, str]:
        return deliver(self.url, "issue_comment", payload, delivery=delivery)

    def stop(self, how: signal.Signals) -> str:
        """Stop it with `how` (SIGINT: Ctrl-C; SIGKILL: a crash); what it said after."""
        self.process.send_signal(how)
        _, rest = self.process.communicate(timeout=60)
        return rest


def test_a_receiver_killed_mid_answer_and_started_again_answers_each_comment_once(
        github_server: GitHubServer, project: Path, shared_store: str) -> None:
    n = roadmap_issue(github_server)
    github_server.clock.advance(1)
    first = github_server.comment(REPO, n, "alice", "/claim")
    github_server.clock.advance(1)
    second = github_server.comment(REPO, n, "bob", "/claim")
    alice, bob = (comment_payload(github_server, REPO, c) for c in (first, second))

    receiver = Receiver(project, shared_store)
    try:
        assert receiver.send(alice, "d-1")[0] == 202
        assert until(lambda: len(bot_comments(github_server, n)) == 1)
        # GitHub is slow to show the issue: the receiver has taken bob's answer on (reserved
        # it in the store) and dies while it waits.
        slow = github_server.faults.add("slow", path=f"^/repos/{REPO}/issues/{n}$",
                                        method="GET", delay=3.0)
        assert receiver.send(bob, "d-2")[0] == 202
        assert until(lambda: slow.fired >= 1)
    finally:
        receiver.stop(signal.SIGKILL)
    github_server.faults.clear()
    assert counts(shared_store) == ({"claimed": 1, "pending": 1}, {"done": 1, "pending": 1})

    receiver = Receiver(project, shared_store)
    try:
        assert receiver.said == ["1 answer(s) left half-done by a stop are tried again\n"]
        assert until(lambda: len(bot_comments(github_server, n)) == 2)  # d-2, after the start
        assert receiver.send(alice, "d-1") == (
            200, "delivery d-1 was received before; nothing to do")
        assert receiver.send(alice, "d-3")[0] == 202  # the same comment, a new delivery
        assert until(lambda: counts(shared_store)[1] == {"done": 3})
    finally:
        said = receiver.stop(signal.SIGINT)
    assert receiver.process.returncode == 0
    assert said.endswith("stopped\n")
    assert f"d-3: {REPO}#{n}: comment {first} was answered" in said
    assert assignees(github_server, n) == ["alice"]
    assert [a.rsplit("\n\n", 1)[1] for a in bot_comments(github_server, n)] == [
        marker(first, "claimed"), marker(second, "refused")]
    assert counts(shared_store)[0] == {"claimed": 1, "refused": 1}
