"""What the sync's fast paths must keep (issue 16): the same rows, the same requests, the
same claims, and the proxy settings of the environment (speed is benchmarks/sync_bench.py's)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert, update

from roadmap.errors import GitHubError
from roadmap.model import RemoteComment, RemoteIssue, RemoteRepo, SubIssues
from roadmap.parse.comments import (
    _MAY_COMMAND,
    DEFAULT_CLAIM_PATTERNS,
    DEFAULT_PATTERNS,
    Patterns,
    _line_command,
    commands,
)
from roadmap.store import CursorState, Store
from roadmap.store.issues import _comment_row, _issue_row
from roadmap.store.models import Comment, Cursor, Issue

from .github_server import GitHubServer
from .syncing import REPO, TOKEN, sync

MOMENT = datetime(2026, 11, 28, 19, 0, 0, 123456, tzinfo=UTC)


def _issue(number: int, **changes: object) -> RemoteIssue:
    fields: dict[str, object] = dict(
        id=1000 + number, number=number, title=f"Issue \u2018{number}\u2019", body="Body\n\0 é",
        state="closed", state_reason="completed", is_pull_request=number % 2 == 0,
        author="alice", labels=["roadmap", "ünïcode"], assignees=["bob", "carol"],
        milestone="v2", comments=3, html_url=f"https://github.com/{REPO}/issues/{number}",
        created_at=MOMENT.astimezone(timezone(timedelta(hours=5, minutes=30))),
        updated_at=MOMENT + timedelta(days=number), closed_at=None if number % 3 else MOMENT,
        sub_issues=SubIssues(3, 1, 33) if number % 2 else None, parent_url=None)
    fields.update(changes)
    return RemoteIssue(**fields)  # type: ignore[arg-type]


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables a sync's pages write, as SQLite holds them (types too)."""
    with sqlite3.connect(path) as db:
        dump = {}
        for table in ("issues", "comments", "cursors"):
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            kept = ", ".join(f"{name}, typeof({name})" for name in columns)
            dump[table] = db.execute(f"SELECT {kept} FROM {table} ORDER BY 1, 3").fetchall()
        return dump


def test_batched_rows_are_those_of_sqlalchemys_typed_insert(tmp_path):
    """The store's driver-level executemany on SQLite writes, byte for byte and type for
    type, the rows SQLAlchemy's own typed insert writes from the same values."""
    fast, typed = (Store.open(f"sqlite:///{tmp_path / name}.db") for name in ("fast", "typed"))
    try:
        issues = [_issue(n) for n in range(1, 8)]
        comment = RemoteComment(77, 1, "bob", False, "> quoted /claim\n\nI'd like to take it",
                                "https://github.com/c/77", MOMENT, MOMENT + timedelta(hours=1))
        cursor = ("sweep:1", CursorState(None, "[1, 2]", 'W/"etag"'))
        for store in (fast, typed):
            repo_id = store.save_repo(RemoteRepo(9, REPO, f"https://github.com/{REPO}"))
        fast.save_issue_page(repo_id, issues, "roadmap", cursor)
        ids = fast.load_issue_ids(repo_id)
        fast.save_comments(repo_id, [comment], None, ids=ids)
        with typed.engine.begin() as connection:
            synced = fast.load_issue_ids(repo_id)  # the same ids in both (same order)
            rows = [_issue_row(repo_id, issue, "roadmap", MOMENT) for issue in issues]
            connection.execute(insert(Issue), rows)
            connection.execute(insert(Comment), [_comment_row(synced[1], comment)])
            connection.execute(insert(Cursor), [{"repo_id": repo_id, "name": cursor[0],
                                                 "position": None, "url": cursor[1].url,
                                                 "etag": cursor[1].etag}])
        with fast.engine.begin() as connection:  # synced_at is a moment of the page
            connection.execute(update(Issue).values(synced_at=MOMENT))
        assert _dump(tmp_path / "fast.db") == _dump(tmp_path / "typed.db")
        # An upsert of the same page again changes nothing.
        fast.save_issue_page(repo_id, issues, "roadmap", cursor)
        with fast.engine.begin() as connection:
            connection.execute(update(Issue).values(synced_at=MOMENT))
        assert _dump(tmp_path / "fast.db") == _dump(tmp_path / "typed.db")
    finally:
        fast.close()
        typed.close()


def test_a_naive_moment_is_refused_on_the_fast_path_too(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        repo_id = store.save_repo(RemoteRepo(9, REPO, f"https://github.com/{REPO}"))
        with pytest.raises(ValueError, match="naive"):
            store.save_issue_page(repo_id, [_issue(1, updated_at=datetime(2026, 1, 1))],
                                  "roadmap", None)
        assert store.load_issue_ids(repo_id) == {}  # nothing half-written
    finally:
        store.close()


#: Words of the default patterns, their case variants under `re.IGNORECASE` (a dotless
#: i, a long s, the Kelvin sign), and what commonly surrounds them.
_PIECES = ["/claim", "/assign", "/unassign", "-me", "@rustbot", "release-assignment",
           "take", "taking", "work on", "working on", "pick up", "picking up", "I'd like to",
           "I would", "I'm", "I am", "I'll", "can I", "this", "it", "cla\u0131m", "\u017f",
           "\u212a",
           "ASSIGN", "Take", " ", ".", "!", "?", ",", "@bob", "x", "\u0130", "on"]


@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
def test_the_screen_never_hides_a_default_command(line):
    """A line the screen passes over holds no default command."""
    if _MAY_COMMAND.search(line) is None:
        assert _line_command(line, DEFAULT_PATTERNS) is None


def test_custom_patterns_are_not_screened():
    custom = Patterns.of((*DEFAULT_CLAIM_PATTERNS, r"^mine$"))
    assert commands("mine", custom) == [("claim", None)]
    assert commands("mine") == []
    assert commands("Hi! /claim") == [("claim", None)]


def test_a_full_sync_asks_each_page_once(tmp_path):
    """A first sync of 250 issues and 450 comments reads each list page once: three pages
    of issues; the comments' newest page (the probe, kept for its ETag), then their five
    pages oldest first; the repository; three pages of events (the 250 labellings); the
    pull requests."""
    with GitHubServer() as server:
        server.add_user("alice", token=TOKEN)
        server.add_repo(REPO, collaborators={"alice"})
        server.bulk_create(REPO, issues=250, comments=450)
        store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
        try:
            server.log.clear()
            (summary,) = sync(server, store)
            kinds = Counter(_kind(record.path) for record in server.log.records())
            counts = store.load_counts()
        finally:
            store.close()
    assert (summary.new, counts["issues"], counts["comments"]) == (250, 250, 450)
    assert kinds == {"repo": 1, "issues": 3, "comments": 6, "events": 3, "pulls": 1}, kinds
    assert summary.requests == sum(kinds.values())


def _kind(path: str) -> str:
    tail = path.rstrip("/").split("/")
    if tail[-1] == "comments":
        return "comments"
    return {"issues": "issues", "events": "events", "pulls": "pulls"}.get(tail[-1], "repo")


def test_the_environment_s_proxy_is_used(tmp_path, monkeypatch):
    """The proxy settings read once per client are the environment's: a proxy that does
    not answer makes the sync fail as unreachable, unless NO_PROXY names the host."""
    with GitHubServer() as server:
        server.add_user("alice", token=TOKEN)
        server.add_repo(REPO, collaborators={"alice"})
        server.create_issue(REPO, "One", labels=["roadmap"])
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
        try:
            with pytest.raises(GitHubError, match="unreachable"):
                sync(server, store)
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
            (summary,) = sync(server, store)
            assert summary.new == 1
        finally:
            store.close()
