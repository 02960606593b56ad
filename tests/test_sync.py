"""Sync against the GitHub test server, with the real PyGithub client over real HTTP."""

from __future__ import annotations

import json
import os
import socket
from datetime import timedelta
from typing import Any

import pytest

from roadmap.errors import RateLimited, StoreBusy
from roadmap.github.read import references, repo_of_html_url
from roadmap.store import Store
from roadmap.sync.run import PER_ISSUE_LIMIT

from .conftest import run
from .github_server.fixtures import github_server_fixture, seed_acme
from .stores import BACKENDS, database_url
from .syncing import REPO, TOKEN, command_env, snapshot, sync

github_server = github_server_fixture(setup=seed_acme)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def stores(backend, tmp_path):
    """A factory of fresh stores of the test's backend."""
    opened: list[Store] = []

    def make(name: str = "main") -> Store:
        context = database_url(backend, tmp_path / name)
        url = context.__enter__()
        opened.append(Store.open(url))
        contexts.append(context)
        return opened[-1]

    contexts: list[Any] = []
    yield make
    for store in opened:
        store.close()
    for context in contexts:
        context.__exit__(None, None, None)


def seed(server, count: int = 3) -> list[int]:
    numbers = [server.create_issue(REPO, f"Roadmap item {n}", body=f"Body {n}",
                                   labels=["roadmap"], assignees=["alice", "bob"])
               for n in range(count)]
    server.create_issue(REPO, "Not on the roadmap", labels=["bug"])
    server.comment(REPO, numbers[0], "bob", "/claim")
    server.clock.advance(60)
    return numbers


def full_sync_of(server, stores) -> dict[str, Any]:
    fresh = stores("reference")
    sync(server, fresh, full=True)
    return snapshot(fresh)


def test_full_sync_keeps_issues_comments_and_every_assignee(github_server, stores):
    numbers = seed(github_server)
    pr = github_server.create_issue(REPO, "PR on the roadmap", labels=["roadmap"],
                                    pull_request=True)
    store = stores()
    (summary,) = sync(github_server, store)
    assert (summary.issues_seen, summary.new, summary.comments) == (4, 4, 1)
    data = snapshot(store)
    assert [row[1] for row in data["issues"]] == [*numbers, pr]
    assert all(row[6] for row in data["issues"] if row[1] == pr)  # kept apart as a PR
    assert "alice" in str(data["issues"][0][9]) and "bob" in str(data["issues"][0][9])
    assert [(row[1], row[4]) for row in data["comments"]] == [(numbers[0], "/claim")]


def test_unchanged_second_sync_makes_only_conditional_requests(github_server, stores):
    seed(github_server)
    store = stores()
    sync(github_server, store)
    github_server.log.clear()
    (summary,) = sync(github_server, store)
    records = github_server.log.records()
    assert records, "the second sync asked nothing"
    assert all(r.status == 304 for r in records), [(r.path, r.status) for r in records]
    assert summary.requests == summary.not_modified == len(records)


def test_incremental_sync_follows_every_kind_of_change(github_server, stores):
    numbers = seed(github_server, 6)
    github_server.add_repo("acme/other", collaborators={"alice"})
    store = stores()
    sync(github_server, store)
    a, b, c, d, e, f = numbers
    github_server.edit(REPO, a, title="Renamed item")
    github_server.close(REPO, b, state_reason="not_planned")
    github_server.comment(REPO, c, "alice", "I am working on this")
    github_server.assign(REPO, d, "alice")
    github_server.remove_label(REPO, e, "roadmap")
    github_server.transfer(REPO, f, "acme/other")
    github_server.delete(REPO, c)
    late = github_server.create_issue(REPO, "Late addition", labels=["roadmap"])
    github_server.clock.advance(60)
    (summary,) = sync(github_server, store)
    assert summary.dropped >= 3
    assert snapshot(store) == full_sync_of(github_server, stores)
    assert late in [row[1] for row in snapshot(store)["issues"]]


def test_relabelled_issue_comes_back(github_server, stores):
    (a, *_) = seed(github_server, 2)
    store = stores()
    sync(github_server, store)
    github_server.remove_label(REPO, a, "roadmap")
    sync(github_server, store)
    github_server.add_label(REPO, a, "roadmap")
    github_server.clock.advance(5)
    sync(github_server, store)
    assert snapshot(store) == full_sync_of(github_server, stores)


def test_many_pages_sharing_one_timestamp(github_server, stores):
    github_server.bulk_create(REPO, issues=250, comments=120)
    store = stores()
    (summary,) = sync(github_server, store)
    assert summary.new == 250
    assert len(snapshot(store)["comments"]) == 120
    assert snapshot(store) == full_sync_of(github_server, stores)


def test_faults_secondary_limit_and_rate_limit_lose_nothing(github_server, stores):
    github_server.bulk_create(REPO, issues=230, comments=60)
    github_server.faults.add("500", every=4, times=6)
    github_server.faults.add("drop", every=7, times=2)
    github_server.faults.add("secondary", times=1, retry_after=1)
    github_server.set_rate_limit(TOKEN, remaining=3, reset_in=1)
    store = stores()
    sync(github_server, store)
    github_server.faults.clear()
    assert snapshot(store) == full_sync_of(github_server, stores)


def test_no_wait_stops_with_the_place_saved(github_server, stores):
    github_server.bulk_create(REPO, issues=250, comments=0)
    store = stores()  # opened first: the budget must not refill before the sync starts
    github_server.set_rate_limit(TOKEN, remaining=2, reset_in=60)
    with pytest.raises(RateLimited):
        sync(github_server, store, wait_for_reset=False)
    partial = len(snapshot(store)["issues"])
    assert 0 < partial < 250
    github_server.set_rate_limit(TOKEN, remaining=5000, reset_in=3600)
    sync(github_server, store)
    assert snapshot(store) == full_sync_of(github_server, stores)


def test_cross_reference_is_picked_up_when_the_issue_changes(github_server, stores):
    (a, b) = seed(github_server, 2)
    pr = github_server.create_issue(REPO, "Implement it", body=f"Fixes #{b}", user="bob",
                                    pull_request=True)
    store = stores()
    sync(github_server, store)
    github_server.cross_reference(REPO, a, pr)
    github_server.connect(REPO, b, pr, bump=True)
    sync(github_server, store)
    pulls = snapshot(store)["pulls"]
    assert [(row[0], row[2]) for row in pulls if row[0] == b] == [(b, "closing")]
    github_server.comment(REPO, a, "bob", "on it")
    sync(github_server, store)
    assert [row[0] for row in snapshot(store)["pulls"]].count(a) == 1


def pulls_of(store: Store) -> list[tuple[Any, ...]]:
    return snapshot(store)["pulls"]


@pytest.mark.parametrize(("text", "wanted"), [
    ("Fixes #1, see #2.", {1: "closing", 2: "cross-referenced"}),
    ("Also resolves: acme/widgets#3 and GH-4", {3: "closing", 4: "cross-referenced"}),
    ("closes https://github.com/acme/widgets/issues/5.", {5: "closing"}),
    ("See #6. Fixes #6", {6: "closing"}),
    ("abc#7, `x`&#8; and acme/other#9", {}),  # other repositories are not ours here
])
def test_a_pull_request_refers_to_issues_as_a_roadmap_does(text, wanted):
    found = references(text, REPO)
    assert {n: kind for (repo, n), kind in found.items() if repo == REPO} == wanted


def test_a_pull_request_changing_is_seen_though_its_issue_does_not(github_server, stores):
    """Opening, editing and merging a pull request move none of its issues' `updated_at`;
    the pull request list shows them, one conditional call a sync."""
    (a, b, c) = seed(github_server)
    store = stores()
    sync(github_server, store)
    pr = github_server.create_issue(REPO, "Runtime work", body=f"Fixes #{a}, see #{b}.",
                                    user="carol", pull_request=True)
    sync(github_server, store)
    assert {(row[0], row[2], row[3]) for row in pulls_of(store)} == {
        (a, "closing", "open"), (b, "cross-referenced", "open")}
    github_server.edit(REPO, pr, body=f"Fixes #{a}. Also resolves acme/widgets#{c}.")
    github_server.merge(REPO, pr)
    github_server.log.clear()
    sync(github_server, store)
    assert [(r.path, r.status) for r in github_server.log.records()] == [
        (f"/repos/{REPO}/issues", 304), (f"/repos/{REPO}/issues/comments", 304),
        (f"/repos/{REPO}/pulls", 200)]
    assert {(row[0], row[2], row[3]) for row in pulls_of(store)} == {
        (a, "closing", "closed"), (c, "closing", "closed")}
    assert pulls_of(store) == full_sync_of(github_server, stores)["pulls"]


def test_an_issue_joining_the_roadmap_brings_its_older_events_and_pull_requests(
        github_server, stores):
    """Its events and the pull requests mentioning it are older than the last sync: the
    issue's own timeline has them."""
    seed(github_server)
    store = stores()
    late = github_server.create_issue(REPO, "Later on the roadmap", assignees=["carol"])
    pr = github_server.create_issue(REPO, "Start on it", body=f"Refs #{late}", user="carol",
                                    pull_request=True)
    github_server.clock.advance(60)
    sync(github_server, store)
    github_server.clock.advance(60)
    github_server.add_label(REPO, late, "roadmap")
    github_server.log.clear()
    sync(github_server, store)
    assert f"/repos/{REPO}/issues/{late}/timeline" in {r.path for r in github_server.log}
    data = snapshot(store)
    assert (late, "assigned", "carol") in {(e[0], e[2], e[4]) for e in data["events"]}
    assert [(row[0], row[1].rsplit("/", 1)[1]) for row in data["pulls"]] == [(late, str(pr))]
    assert data == full_sync_of(github_server, stores)


def test_many_issues_joining_at_once_bring_their_older_pull_requests(github_server, stores):
    """More than PER_ISSUE_LIMIT joining issues get no timeline each: the pull requests
    are read again as by a first sync, though none changed since the last read."""
    seed(github_server)
    store = stores()
    late = [github_server.create_issue(REPO, f"Later {n}") for n in range(PER_ISSUE_LIMIT + 1)]
    pr = github_server.create_issue(REPO, "Start on it", body=f"Fixes #{late[-1]}",
                                    user="carol", pull_request=True)
    github_server.clock.advance(60)
    sync(github_server, store)
    github_server.clock.advance(60)
    for number in late:
        github_server.add_label(REPO, number, "roadmap")
    github_server.clock.advance(60)
    github_server.log.clear()
    sync(github_server, store)
    assert not any(r.path.endswith("/timeline") for r in github_server.log)
    data = snapshot(store)
    assert [(row[0], row[1].rsplit("/", 1)[1]) for row in data["pulls"]] == [(late[-1], str(pr))]
    assert data == full_sync_of(github_server, stores)


def test_a_first_sync_reads_events_and_closed_pull_requests_of_the_window_only(
        github_server, stores):
    """Older ones change no claim: an assignment older than the claim expiry is stale
    whenever it was made. Open pull requests are read whatever their age."""
    (a, b, _) = seed(github_server)
    old_pr = github_server.create_issue(REPO, "Old work", body=f"Fixes #{a}",
                                        pull_request=True)
    closed_pr = github_server.create_issue(REPO, "Old, closed", body=f"Refs #{b}",
                                           pull_request=True)
    github_server.close(REPO, closed_pr)
    github_server.clock.advance(40 * 86400)
    github_server.assign(REPO, b, "carol")
    github_server.clock.advance(60)  # a sync in the second of a change reads it again
    store = stores()
    sync(github_server, store)
    data = snapshot(store)
    assert {(e[0], e[2], e[4]) for e in data["events"]} == {(b, "assigned", "carol")}
    assert [(row[0], row[1].rsplit("/", 1)[1]) for row in data["pulls"]] == [(a, str(old_pr))]
    github_server.log.clear()
    sync(github_server, store, window=timedelta(days=60))  # a wider window: no re-read
    assert all(r.status == 304 for r in github_server.log.records())


def test_a_sync_in_the_second_of_a_change_leaves_it_to_be_read_again(github_server, stores):
    """Another change in that second keeps `updated_at`: the next sync must not take the
    list's 304 for "nothing changed", and reads the issue's comments again."""
    (a, _, _) = seed(github_server)
    store = stores()
    github_server.comment(REPO, a, "carol", "first")  # the clock stays in this second
    sync(github_server, store)
    (comment,) = [c for c in github_server.repo(REPO).comments.values() if c.body == "first"]
    github_server.edit_comment(REPO, comment.id, "/claim", bump_issue=True)
    github_server.clock.advance(60)
    github_server.log.clear()
    sync(github_server, store)
    assert (f"/repos/{REPO}/issues/comments", 200) in [
        (r.path, r.status) for r in github_server.log]
    assert "/claim" in {row[4] for row in snapshot(store)["comments"]}
    github_server.log.clear()
    sync(github_server, store)  # now settled: nothing is asked again
    assert all(r.status == 304 for r in github_server.log.records())


def test_a_change_after_a_full_last_page_is_seen(github_server, stores):
    """The last page of the list was full (199 issues: the second query, from the first
    page's newest, gets 100). Asked again, that query's first page is the same while the
    change is on the next one: a 304 for it would hide the change."""
    numbers = github_server.bulk_create(REPO, issues=199, comments=0)
    store = stores()
    sync(github_server, store)
    github_server.clock.advance(60)
    github_server.edit(REPO, numbers[3], title="Changed after the sync")
    sync(github_server, store)
    titles = {row[1]: row[2] for row in snapshot(store)["issues"]}
    assert titles[numbers[3]] == "Changed after the sync"


def test_two_syncs_at_once_refuse_clearly(github_server, stores):
    seed(github_server)
    store = stores()
    with store.sync_lock(), pytest.raises(StoreBusy, match="another sync"):
        sync(github_server, store)


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def cli_env(github_server, monkeypatch, tmp_path):
    command_env(github_server, monkeypatch, tmp_path)
    return tmp_path


def test_sync_command_json_and_issues(github_server, cli_env):
    seed(github_server)
    result = run("--db", f"sqlite:///{cli_env / 'r.db'}", "sync", "--repo", REPO, "--json")
    assert result.exit_code == 0, result.output + result.stderr
    (summary,) = json.loads(result.output)
    assert list(summary) == ["repo", "issues_seen", "new", "updated", "dropped", "comments",
                             "requests", "not_modified", "core_points", "search_points",
                             "rate_limit_remaining", "duration_s", "outcome", "roadmap_issues",
                             "labelled_pull_requests"]
    assert summary["outcome"] == "ok" and summary["search_points"] == 0
    assert (summary["repo"], summary["new"]) == (REPO, 3)
    listed = json.loads(run("--db", f"sqlite:///{cli_env / 'r.db'}", "issues", "--json").output)
    assert list(listed[0]) == ["repo", "number", "title", "state", "assignees", "labels",
                               "is_pull_request", "comments", "updated_at", "url"]
    assert {i["number"] for i in listed} == {1, 2, 3}


def test_token_never_leaks(github_server, cli_env):
    seed(github_server)
    db = cli_env / "r.db"
    result = run("-v", "--db", f"sqlite:///{db}", "sync", "--repo", REPO)
    assert result.exit_code == 0
    bad = run("-v", "--db", f"sqlite:///{db}", "sync", "--repo", "acme/missing")
    os.environ["GITHUB_TOKEN"] = "tok-wrong-secret"
    wrong = run("--db", f"sqlite:///{db}", "sync", "--repo", REPO)
    assert wrong.exit_code == 2
    for output in (result.output, result.stderr, bad.output, bad.stderr, wrong.stderr):
        assert TOKEN not in output and "tok-wrong-secret" not in output
    for path in cli_env.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(("args", "message"), [
    (["--repo", "acme/missing"], "not found"),
    (["--repo", "not-a-repo"], "not a repository (expected OWNER/NAME)"),
    (["--repo", REPO, "--api-url", "http://127.0.0.1:{closed}"], "unreachable"),
])
def test_bad_sync_input_is_one_line_and_writes_nothing(github_server, cli_env, args, message):
    seed(github_server)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    db = cli_env / "r.db"
    args = [a.format(closed=port) for a in args]
    result = run("--db", f"sqlite:///{db}", "sync", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not db.exists() or run("--db", f"sqlite:///{db}", "issues").output.startswith("no ")


def test_bad_token_is_one_line(github_server, cli_env, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "tok-nobody")
    result = run("--db", f"sqlite:///{cli_env / 'r.db'}", "sync", "--repo", REPO)
    assert result.exit_code == 2
    assert result.stderr == f"roadmap: GitHub /repos/{REPO}: bad credentials " \
                            "(check GITHUB_TOKEN or GH_TOKEN)\n"


def test_import_gh_export(cli_env):
    export = [{
        "number": 7, "title": "Faster builds", "state": "OPEN", "body": "b",
        "labels": [{"name": "roadmap"}], "assignees": [{"login": "alice"}],
        "author": {"login": "bob", "is_bot": False},
        "url": "https://github.com/acme/widgets/issues/7", "createdAt": "2026-11-01T10:00:00Z",
        "updatedAt": "2026-11-02T10:00:00Z", "closedAt": None, "milestone": {"title": "v2"},
        "comments": [{"author": {"login": "carol"}, "body": "/claim",
                      "createdAt": "2026-11-02T10:00:00Z",
                      "url": "https://github.com/acme/widgets/issues/7#issuecomment-99"}],
    }]
    path = cli_env / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    db = f"sqlite:///{cli_env / 'r.db'}"
    result = run("--db", db, "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.output == "acme/widgets: imported 1 issues and 1 comments\n"
    (issue,) = json.loads(run("--db", db, "issues", "--json").output)
    assert (issue["number"], issue["assignees"], issue["comments"]) == (7, ["alice"], 1)
    path.write_text("[{\"number\": 1}]", encoding="utf-8")
    bad = run("--db", db, "import", str(path))
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
    path.write_text("{not json", encoding="utf-8")
    assert run("--db", db, "import", str(path)).exit_code == 2


def test_one_count_of_roadmap_issues_everywhere(github_server, cli_env):
    """A roadmap issue is an issue with the label; a labelled pull request is counted apart,
    by sync, `issues`, the report and the site alike (issue 13: 181 seen, 180 listed, 171
    reported)."""
    seed(github_server)
    github_server.create_issue(REPO, "Labelled pull request", labels=["roadmap"],
                               pull_request=True)
    github_server.close(REPO, github_server.create_issue(REPO, "Done", labels=["roadmap"]))
    db = ("--db", f"sqlite:///{cli_env / 'r.db'}")
    synced = run(*db, "sync", "--repo", REPO)
    assert synced.exit_code == 0, synced.stderr
    assert synced.output.startswith(
        f"{REPO}: 4 roadmap issues and 1 labelled pull request; 5 read (5 new, ")
    (summary,) = json.loads(run(*db, "sync", "--repo", REPO, "--json").output)
    listed = json.loads(run(*db, "issues", "--state", "all", "--json").output)
    report = json.loads(run(*db, "report", "--format", "json").output)
    issues_only = [i for i in listed if not i["is_pull_request"]]
    assert summary["roadmap_issues"] == len(issues_only) == report["totals"]["issues"] == 4
    assert summary["labelled_pull_requests"] == len(listed) - len(issues_only) == 1
    assert report["totals"]["open_issues"] == 3
    assert run(*db, "issues", "--state", "all").output.splitlines()[-1] == (
        "4 roadmap issues and 1 labelled pull request")
    assert run(*db, "issues").output.splitlines()[-1] == (
        "3 roadmap issues and 1 labelled pull request listed, of 4 roadmap issues and "
        "1 labelled pull request in all (--state all)")
    (cli_env / "ROADMAP.md").write_text("# Roadmap\n\n## 1. One\n\nSee #1.\n",
                                        encoding="utf-8")
    built = run(*db, "site", "build", "--out", "site")
    assert built.exit_code == 0, built.output + built.stderr
    totals = json.loads((cli_env / "site" / "roadmap.json").read_text(encoding="utf-8"))["totals"]
    assert (totals["issues"], totals["open_issues"], totals["labelled_pull_requests"]) == (4, 3, 1)
    overview = " ".join((cli_env / "site" / "index.html").read_text(encoding="utf-8").split())
    assert "4 roadmap issues (3 open) and 1 labelled pull request." in overview


def test_issues_prints_a_table(github_server, cli_env):
    github_server.create_issue(REPO, "Tabs\tin\ta title", labels=["roadmap"],
                               assignees=["alice"])
    github_server.create_issue(REPO, "[bold]not markup[/bold]", labels=["roadmap"])
    db = ("--db", f"sqlite:///{cli_env / 'r.db'}")
    assert run(*db, "sync", "--repo", REPO).exit_code == 0
    lines = run(*db, "issues").output.splitlines()
    assert "\\u0009" not in "".join(lines) and "\t" not in "".join(lines)
    header = lines[0].split()
    assert header == ["Issue", "State", "Assignees", "Title"]
    rows = [line for line in lines[2:] if line.startswith(REPO)]
    assert len(rows) == 2
    title_at = lines[0].index("Title")
    assert {row[title_at:] for row in rows} == {"Tabs in a title", "[bold]not markup[/bold]"}
    assert "@alice" in next(row for row in rows if "Tabs" in row)
    assert lines[-1] == "2 roadmap issues"  # no labelled pull request: none mentioned


@pytest.mark.parametrize(("url", "repo"), [
    ("https://github.com/acme/widgets/issues/12", "acme/widgets"),
    ("https://github.com/acme/tools/pull/3", "acme/tools"),
    ("https://ghe.example.com/acme/widgets/issues/7", "acme/widgets"),  # Enterprise hosts
    ("http://127.0.0.1:8080/Acme/Widgets/issues/1", "Acme/Widgets"),
    ("https://github.com/acme/widgets/issues", None),
    ("https://github.com/acme/widgets/issues/new", None),
    ("https://github.com/acme/widgets/milestone/2", None),
    ("", None),
])
def test_the_repository_of_a_page_github_names(url, repo):
    """One reader for GitHub's own `html_url` fields (sub-issues, cross-referenced pulls)."""
    assert repo_of_html_url(url) == repo
