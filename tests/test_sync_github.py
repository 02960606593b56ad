"""The sync on GitHub as it really is: search answers carry no ETag and have a budget and an
index lag of their own, `updated_at` ignores sub-issues, and each stage costs what GitHub
charges (a 304 nothing). Points are the test server's own accounting.

Two shapes of roadmap: a small one (up to five pages of issues) is swept every sync; a
larger one (`large=True` syncs a small test roadmap as a large one is synced) is probed,
with one search counting its issues.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from roadmap.errors import GitHubError, RateLimited
from roadmap.store import Store

from .conftest import run
from .github_server import GitHubServer
from .github_server.fixtures import seed_acme
from .stores import BACKENDS, database_url, opened_store
from .syncing import REPO, TOKEN, command_env, snapshot, sync


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with opened_store(request.param, tmp_path) as opened:
        yield opened


@pytest.fixture
def server():
    with GitHubServer() as running:
        seed_acme(running)
        running.set_rate_limit(TOKEN, limit=100_000, remaining=100_000, resource="search")
        yield running


def seed(server: GitHubServer, count: int = 6) -> list[int]:
    numbers = [server.create_issue(REPO, f"Item {n}", body=f"Body {n}", labels=["roadmap"])
               for n in range(count)]
    server.create_issue(REPO, "Not on the roadmap")
    server.comment(REPO, numbers[0], "bob", "/claim")
    server.clock.advance(60)
    return numbers


def points(server: GitHubServer, work) -> dict[str, int]:
    """The points `work()` cost, by the server's books (its requests alone in the log)."""
    server.reset_points()
    server.log.clear()
    work()
    return server.points(TOKEN)


def fresh_full_sync(server: GitHubServer, tmp_path, like: Store):
    """What one full sync into a fresh store of `like`'s backend holds."""
    backend = "postgresql" if like.engine.dialect.name == "postgresql" else "sqlite"
    with database_url(backend, tmp_path / "reference") as url:
        reference = Store.open(url)
        try:
            sync(server, reference, full=True)
            return snapshot(reference)
        finally:
            reference.close()


@pytest.mark.parametrize("large", [False, True])
def test_no_change_costs_no_core_point_and_at_most_one_search_point(server, store, large):
    seed(server)
    sync(server, store, large=large)
    spent = points(server, lambda: sync(server, store, large=large))
    assert spent == {"core": 0, "search": 1 if large else 0}
    assert all(r.status == 304 for r in server.log.records() if r.path != "/search/issues")


def test_search_asks_for_issues_only(server, store):
    """GitHub answers 422 to a search without `is:issue` for some tokens."""
    seed(server)
    sync(server, store, large=True)
    server.log.clear()
    sync(server, store, large=True)
    (searched,) = [r for r in server.log.records() if r.path == "/search/issues"]
    assert searched.query["q"] == f'repo:{REPO} label:"roadmap" is:issue'


def test_fifty_changes_cost_few_core_points(server, store):
    numbers = seed(server, 150)
    sync(server, store, large=True)
    server.clock.advance(60)
    for n, number in enumerate(numbers[::3]):  # 50: a third each edited, commented, assigned
        if n % 3 == 0:
            server.edit(REPO, number, body="Edited")
        elif n % 3 == 1:
            server.comment(REPO, number, "carol", "A comment")
        else:
            server.assign(REPO, number, "carol")
    server.clock.advance(60)
    spent = points(server, lambda: sync(server, store, large=True))
    assert spent["core"] <= 6 and spent["search"] == 1, spent


@pytest.mark.parametrize("large", [False, True])
def test_departures_are_seen_by_the_next_sync_once_the_index_caught_up(
        server, store, tmp_path, large):
    server.search_lag = 30
    numbers = seed(server)
    sync(server, store, large=large)
    server.remove_label(REPO, numbers[1], "roadmap")
    server.delete(REPO, numbers[2])
    server.add_repo("acme/other", collaborators={"alice"})
    server.transfer(REPO, numbers[3], "acme/other")
    server.clock.advance(31)  # past the search index's lag
    sync(server, store, large=large)
    assert snapshot(store) == fresh_full_sync(server, tmp_path, store)
    gone = {number: (fate, moved) for number, fate, moved in store.engine.connect().exec_driver_sql(
        "SELECT number, gone, moved_to FROM issues WHERE NOT on_roadmap")}
    assert gone[numbers[1]][0] == "unlabeled" and gone[numbers[2]][0] == "deleted"
    assert gone[numbers[3]][0] == "transferred" and "acme/other" in gone[numbers[3]][1]


def test_a_lagging_index_delays_a_departure_by_one_sync(server, store, tmp_path):
    """In the index's lag the count still holds the issue; the sync after sees it."""
    server.search_lag = 120
    numbers = seed(server)
    server.clock.advance(121)  # the index has them all
    sync(server, store, large=True)
    server.delete(REPO, numbers[4])
    server.clock.advance(10)
    sync(server, store, large=True)
    assert numbers[4] in {row[1] for row in snapshot(store)["issues"]}
    server.clock.advance(120)
    sync(server, store, large=True)
    assert snapshot(store) == fresh_full_sync(server, tmp_path, store)


@pytest.mark.parametrize("large", [False, True])
def test_a_sub_issue_added_is_seen_though_no_updated_at_moves(server, store, tmp_path, large):
    numbers = seed(server)
    sync(server, store, large=large)
    child = server.create_issue(REPO, "A part of item 0")
    before = server.issue(REPO, numbers[0]).updated_at
    server.add_sub_issue(REPO, numbers[0], REPO, child)
    server.close(REPO, child)
    assert server.issue(REPO, numbers[0]).updated_at == before
    server.clock.advance(60)
    sync(server, store, large=large)
    rows = [row for row in snapshot(store)["sub_issues"] if row[0] == numbers[0]]
    assert rows == [(numbers[0], 1, 1, 100, None, REPO, child, "A part of item 0", "closed")]
    assert snapshot(store) == fresh_full_sync(server, tmp_path, store)
    server.remove_sub_issue(REPO, numbers[0], REPO, child)
    server.clock.advance(60)
    sync(server, store, large=large)
    assert [row[1:] for row in snapshot(store)["sub_issues"] if row[0] == numbers[0]] == [
        (0, 0, 0, None, None, None, None, None)]


def test_a_refused_search_names_its_query_and_repository(server, store):
    seed(server)
    server.create_issue(REPO, "Odd label", labels=['we"ird'])
    sync(server, store, label='we"ird', large=True)
    with pytest.raises(GitHubError) as raised:
        sync(server, store, label='we"ird', large=True)
    message = str(raised.value)
    assert REPO in message and 'label:"we"ird"' in message and "refused" in message


def test_the_search_budget_is_waited_for_or_stops_the_sync(server, store):
    seed(server)
    sync(server, store, large=True)
    server.set_rate_limit(TOKEN, remaining=0, reset_in=60, resource="search")
    with pytest.raises(RateLimited):
        sync(server, store, large=True, wait_for_reset=False)


@pytest.fixture
def cli_env(server, monkeypatch, tmp_path):
    command_env(server, monkeypatch, tmp_path)
    return tmp_path


def test_no_wait_json_prints_what_was_done(server, cli_env):
    server.bulk_create(REPO, issues=250, comments=0)
    db = f"sqlite:///{cli_env / 'r.db'}"
    assert run("--db", db, "db", "upgrade").exit_code == 0
    server.set_rate_limit(TOKEN, remaining=2, reset_in=60)
    result = run("--db", db, "sync", "--repo", REPO, "--no-wait", "--json")
    assert result.exit_code == 4, result.output + result.stderr
    (summary,) = json.loads(result.stdout)
    assert summary["outcome"] == "rate-limited" and 0 < summary["issues_seen"] < 250
    assert "rate limit" in result.stderr


def test_status_json_shows_each_issue_s_sub_issues(server, cli_env):
    server.clock.set(datetime.now(UTC))  # recent activity: the item is not stalled
    numbers = seed(server, 2)
    children = [server.create_issue(REPO, f"Part {n}") for n in range(4)]
    for child in children:
        server.add_sub_issue(REPO, numbers[0], REPO, child)
    server.close(REPO, children[0])
    (cli_env / "ROADMAP.md").write_text(
        f"# Roadmap\n\n## Faster builds\n\nTracking issue: #{numbers[0]}\n", encoding="utf-8")
    (cli_env / "roadmap.toml").write_text(f'repos = ["{REPO}"]\n', encoding="utf-8")
    assert run("sync").exit_code == 0
    status = json.loads(run("status", "--json").output)
    (item,) = [i for i in status["items"] if i["id"] == "faster-builds"]
    summary = {"total": 4, "completed": 1, "percent_completed": 25}
    assert item["sub_issues"] == summary
    assert item["issue_sub_issues"] == {f"{REPO}#{numbers[0]}": summary}
    assert item["status"] == "in-progress"  # a part of it is done: the work has started
