"""The store: migrations are the schema, SQLite settings, upserts, items, and the CLI."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from roadmap.model import RemoteComment, RemoteIssue, RemoteRepo
from roadmap.parse import parse_roadmap
from roadmap.parse.comments import Patterns, comment_intent
from roadmap.store import CursorState, Store, migrate
from roadmap.store.engine import make_engine
from roadmap.store.models import Base
from roadmap.track.history import changes_between, record_facts

from .conftest import run
from .stores import BACKENDS, opened_store


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with opened_store(request.param, tmp_path) as opened:
        yield opened


def issue(number: int, labels=("roadmap",), updated="2026-11-01T10:00:00Z", **extra):
    stamp = datetime.fromisoformat(updated.replace("Z", "+00:00"))
    fields: dict[str, Any] = dict(id=1000 + number, number=number, title=f"Issue {number}", body="",
                  state="open", state_reason=None, is_pull_request=False, author="alice",
                  labels=list(labels), assignees=["alice", "bob"], milestone=None, comments=0,
                  html_url=f"https://github.com/acme/widgets/issues/{number}",
                  created_at=stamp, updated_at=stamp, closed_at=None)
    fields.update(extra)
    return RemoteIssue(**fields)


def test_migrations_give_exactly_the_models_schema(store):
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert migrate.current_revision(store.engine) == migrate.head_revision(store.engine)


def test_head_is_the_newest_migration_and_checking_needs_no_alembic(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    assert migrate.head_revision(engine) == migrate.HEAD
    engine.dispose()
    code = ("import sys; from roadmap.store import Store\n"
            f"Store.open('sqlite:///{tmp_path / 'r.db'}').close()\n"
            "print('alembic' in sys.modules)")

    def alembic_imported() -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout.strip()

    assert alembic_imported() == "True"  # a new store: migrated
    assert alembic_imported() == "False"  # a current one: one query


def test_sqlite_settings(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'a' / 'r.db'}")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    store.close()


def test_upgrade_from_empty_and_idempotent(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    assert migrate.current_revision(engine) is None
    assert migrate.upgrade(engine) is True
    assert migrate.upgrade(engine) is False
    assert "issues" in inspect(engine).get_table_names()
    engine.dispose()


def test_issue_upsert_keeps_every_assignee_and_counts(store):
    repo_id = store.save_repo(RemoteRepo(77, "acme/widgets", "https://github.com/acme/widgets"))
    assert store.save_issue_page(repo_id, [issue(1), issue(2)], "roadmap", None) == (2, 0, 0)
    changed = issue(2, updated="2026-11-02T10:00:00Z", title="Renamed")
    dropped = issue(1, labels=("bug",), updated="2026-11-02T10:00:00Z")
    assert store.save_issue_page(repo_id, [changed, dropped], "Roadmap", None) == (0, 2, 1)
    (only,) = store.load_issues("all")
    assert (only.number, only.title, only.assignees) == (2, "Renamed", ["alice", "bob"])
    assert only.updated_at == datetime(2026, 11, 2, 10, tzinfo=UTC)


def test_cursor_commits_with_the_page(store):
    repo_id = store.save_repo(RemoteRepo(77, "acme/widgets", "https://github.com/acme/widgets"))
    state = CursorState("2026-11-01T10:00:00Z", "q", 'W/"abc"')
    store.save_issue_page(repo_id, [issue(1)], "roadmap", ("issues", state))
    assert store.load_cursor(repo_id, "issues") == state


def test_comments_of_unknown_issues_are_skipped(store):
    repo_id = store.save_repo(RemoteRepo(77, "acme/widgets", "https://github.com/acme/widgets"))
    store.save_issue_page(repo_id, [issue(1)], "roadmap", None)
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    comments = [RemoteComment(n, number, "bob", False, "/claim", f"u{n}", stamp, stamp)
                for n, number in ((1, 1), (2, 99))]
    assert store.save_comments(repo_id, comments, None) == 1
    assert store.load_counts()["comments"] == 1


def test_a_markdown_comment_keeps_its_own_words(store):
    """Parsed once when stored; claims read from them the same as from the body."""
    repo_id = store.save_repo(RemoteRepo(77, "acme/widgets", "https://github.com/acme/widgets"))
    store.save_issue_page(repo_id, [issue(1)], "roadmap", None)
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    bodies = ["> /claim\n\nWho has this?", "```\n/claim\n```", "**/claim** *now*", "/claim"]
    comments = [RemoteComment(n, 1, "bob", False, body, f"u{n}", stamp, stamp)
                for n, body in enumerate(bodies)]
    store.save_comments(repo_id, comments, None)
    (record,) = store.load_records()
    assert [c.own_words for c in record.comments] == ["Who has this?", "", "/claim now", None]
    assert [c.commands for c in record.comments] == ["", "", "claim", "claim"]
    assert [comment_intent(c) for c in record.comments] == [None, None, "claim", "claim"]
    assert [comment_intent(c) for c in comments] == [None, None, "claim", "claim"]
    # other patterns read the kept words, not the kept commands
    now_words = Patterns.of([r"\bnow\b"], [r"^who has"])
    assert [comment_intent(c, now_words) for c in record.comments] == [
        "release", None, "claim", None]


def test_kept_commands_name_who(store):
    repo_id = store.save_repo(RemoteRepo(77, "acme/widgets", "https://github.com/acme/widgets"))
    store.save_issue_page(repo_id, [issue(1)], "roadmap", None)
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    body = "/unclaim\n\n/assign @carol"
    store.save_comments(repo_id, [RemoteComment(1, 1, "carol", False, body, "u", stamp, stamp)],
                        None)
    (record,) = store.load_records()
    assert record.comments[0].commands == "release\nclaim carol"
    assert comment_intent(record.comments[0]) == "claim"
    assert comment_intent(replace(record.comments[0], author="bob")) == "release"


def test_records_load_only_what_links_and_claims_read(store):
    """A body only when it may name an item; comments of open issues only; without
    words, a comment's text only when its commands were not kept (an older row)."""
    repo_id = store.save_repo(RemoteRepo(77, "acme/widgets", "https://github.com/acme/widgets"))
    marked = "Some context.\n\n**ROADMAP:** 1.2"
    store.save_issue_page(repo_id, [issue(1, body="Just text."), issue(2, body=marked),
                                    issue(3, state="closed", labels=("roadmap", "x"))],
                          "roadmap", None)
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    store.save_comments(repo_id, [RemoteComment(n, number, "bob", False, "/claim", f"u{n}",
                                                stamp, stamp)
                                  for n, number in ((1, 1), (2, 2), (3, 3))], None)
    with store.engine.begin() as connection:  # as a store older than migration 0004 left it
        connection.execute(text("UPDATE comments SET commands = NULL, own_words = NULL "
                                "WHERE id = 2"))
    full = {r.number: r for r in store.load_records()}
    lean = {r.number: r for r in store.load_records(words=False)}
    for records in (full, lean):
        assert [records[n].body for n in (1, 2, 3)] == ["", marked, ""]
        assert records[3].comments == [] and records[3].labels == ["roadmap", "x"]
        assert [c.id for c in records[1].comments + records[2].comments] == [1, 2]
        assert [comment_intent(c) for c in records[1].comments + records[2].comments] == [
            "claim", "claim"]
    assert full[1].comments[0].body == "/claim"
    assert (lean[1].comments[0].body, lean[1].comments[0].commands) == ("", "claim")
    assert lean[2].comments[0].body == "/claim"  # nothing kept: the body is read


def test_items_are_stored(store):
    roadmap = parse_roadmap("# Plan\n\n## 1. Ship ✅\n\nSee #4.\n\n### 1.1 Docs\n",
                            repo="acme/widgets")
    store.save_items(roadmap)
    store.save_items(roadmap)  # replaces, does not double
    assert [item.id for item in store.load_items()] == ["ship", "docs"]


CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def test_the_store_gives_back_the_items_the_parse_made(store):
    """One item shape: what `load_items` returns is what `parse_roadmap` made, every field
    (references, status and its text, owners, tasks, milestone, body, lines)."""
    text = ("# Plan\n\n## v2.0\n\n### 1. Ship ✅\n\n**Owner:** @ann\n\nSee #4 and "
            "other/repo#5.\n\n- [x] write it\n- [ ] test it\n\n### 2. Docs 🚧\n\nPlain #7.\n")
    roadmap = parse_roadmap(text, repo="acme/widgets")
    assert any(i.refs and i.tasks and i.owners and i.status and i.milestone
               for i in roadmap.items)  # the case exercises every field
    store.save_items(roadmap)
    assert store.load_items() == roadmap.items
    for path in sorted(CORPUS.glob("*.md")):
        roadmap = parse_roadmap(path.read_text(encoding="utf-8"), path.name, "acme/widgets")
        store.save_items(roadmap)
        assert store.load_items() == roadmap.items, path.name


def test_db_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    head = migrate.head_revision(make_engine(url))
    assert run("--db", url, "db", "current").output == f"empty (head is {head})\n"
    assert run("--db", url, "db", "upgrade").output == f"upgraded from empty to {head}\n"
    assert run("--db", url, "db", "upgrade").output == f"already at {head}\n"
    assert run("--db", url, "db", "current").output == f"{head} (up to date)\n"


def test_an_older_store_is_upgraded_by_any_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    engine = make_engine(url)
    from alembic import command

    command.upgrade(migrate.alembic_config(engine), "0001")
    assert migrate.current_revision(engine) == "0001"
    assert run("--db", url, "issues").exit_code == 0
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    engine.dispose()


def test_bad_database_url_is_one_line():
    result = run("--db", "nonsense://", "issues")
    assert result.exit_code == 2
    assert result.stderr.startswith("roadmap: ")
    assert result.stderr.count("\n") == 1


def test_issues_on_an_empty_store(tmp_path):
    result = run("--db", f"sqlite:///{tmp_path / 'r.db'}", "issues")
    assert result.exit_code == 0
    assert "no roadmap issues in the store" in result.output


def test_history_keeps_changes_only_and_starts_at_the_first_record(store):
    t0, t1, t2 = (datetime(2026, 11, day, 9, tzinfo=UTC) for day in (1, 2, 3))
    facts = {"issue:acme/widgets#1": "open", "title:acme/widgets#1": "One",
             "claim:acme/widgets#1:bob": "active"}
    assert record_facts(store, facts, t0) == 3
    assert record_facts(store, facts, t1) == 0  # nothing changed: nothing written
    later = {"issue:acme/widgets#1": "closed:completed", "title:acme/widgets#1": "One",
             "issue:acme/widgets#2": "open", "title:acme/widgets#2": "Two"}
    assert record_facts(store, later, t2) == 4  # closed, #2 added (issue, title), claim gone
    assert len(store.load_changes(t0 - timedelta(days=1), t2)) == 7
    assert store.load_history_start() == t0
    happened = [(h.kind, h.subject) for h in changes_between(store, t0 - timedelta(days=1), t2)]
    assert sorted(happened) == [("issue added", "acme/widgets#2"),
                                ("issue closed", "acme/widgets#1"),
                                ("released", "acme/widgets#1")]  # not the first record's
    assert changes_between(store, t2, t2 + timedelta(days=1)) == []


def test_upgrading_to_0007_reads_commands_in_sentences_again(store):
    """A comment stored before "Hi! /claim" counted kept no command; the migration makes
    it be read again, and a change keeps when it happened on GitHub (issue 13)."""
    from alembic import command

    repo_id = store.save_repo(RemoteRepo(77, "acme/widgets", "https://github.com/acme/widgets"))
    store.save_issue_page(repo_id, [issue(1)], "roadmap", None)
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    store.save_comments(repo_id, [
        RemoteComment(1, 1, "bob", False, "Hi! /claim", "u1", stamp, stamp),
        RemoteComment(2, 1, "carol", False, "Nice work", "u2", stamp, stamp)], None)
    with store.engine.begin() as connection:  # as the patterns before 0007 read them
        connection.execute(text("UPDATE comments SET commands = ''"))
    config = migrate.alembic_config(store.engine)
    command.downgrade(config, "0006")
    command.upgrade(config, "head")
    (record,) = store.load_records(words=False)
    assert [(c.author, c.commands, comment_intent(c)) for c in record.comments] == [
        ("bob", None, "claim"), ("carol", "", None)]
    happened = stamp - timedelta(days=3)
    store.save_changes(stamp, [("claim:acme/widgets#1:bob", "active", None, happened)])
    (row,) = store.load_changes(stamp - timedelta(days=1), stamp)
    assert (row.at, row.happened_at) == (stamp, happened)
