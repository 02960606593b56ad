"""Many repositories under one budget (issue 16): an organisation's repositories listed
conditionally, departures counted across repositories, and rounds a stopped run resumes.

Every count is the test server's own log and points books, through the real PyGithub
client over loopback HTTP: a 304 costs no point, a search costs one of its own budget.
"""

from __future__ import annotations

import json
import time

import github
import pytest
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from roadmap.errors import ConfigError, RateLimited
from roadmap.github.client import SEARCH_LENGTH, scoped_queries
from roadmap.store import Store
from roadmap.sync import Options, RepoSummary, SyncSettings, SyncStopped, sync_github

from .conftest import run
from .github_server import GitHubServer
from .stores import opened_store
from .syncing import TOKEN, command_env, snapshot

ORG = "acme"
LABELLED = [f"{ORG}/r{k}" for k in range(5)]
PLAIN = f"{ORG}/plain"  # issues, none labelled


@pytest.fixture
def server():
    with GitHubServer() as running:
        running.add_user("alice", token=TOKEN)
        running.set_rate_limit(TOKEN, limit=100_000, remaining=100_000, resource="search")
        for name in LABELLED:
            running.add_repo(name, collaborators={"alice"})
            numbers = running.bulk_create(name, issues=30, comments=40, assign_every=5)
            running.bulk_pulls(name, 2, numbers, since=running.clock.now() - 3600)
        running.add_repo(PLAIN)
        running.create_issue(PLAIN, "Not on any roadmap")
        running.add_repo("other/elsewhere")
        running.bulk_create("other/elsewhere", issues=3, comments=0)
        running.clock.advance(60)
        yield running


@pytest.fixture
def store(tmp_path):
    with opened_store("sqlite", tmp_path) as opened:
        yield opened


def org_sync(server: GitHubServer, store: Store, *, wait: bool = True,
             options: Options | None = None) -> list[RepoSummary]:
    settings = SyncSettings(TOKEN, server.url, wait_for_reset=wait)
    return sync_github(store, settings, [], "roadmap", False, options or Options(), org=ORG)


def costs(server: GitHubServer, work) -> tuple[dict[str, int], list[str]]:
    """The points `work()` cost, and the paths it asked (the server's books)."""
    server.reset_points()
    server.log.clear()
    work()
    return server.points(TOKEN), [record.path for record in server.log]


def asked_in(paths: list[str], repo: str) -> int:
    return sum(path.startswith(f"/repos/{repo}/") or path == f"/repos/{repo}" for path in paths)


# -- the test server's organisation listing and search ----------------------------------------


def test_org_repos_are_listed_in_pages_with_links_and_etags(server):
    with github.Github(auth=github.Auth.Token(TOKEN), base_url=server.url, per_page=2) as gh:
        listed = PaginatedList(Repository, gh.requester, f"/orgs/{ORG}/repos",
                               {"sort": "created", "direction": "asc"})
        names = [repo.full_name for repo in listed]  # PyGithub follows the `next` links
    assert names == [*LABELLED, PLAIN]
    import requests

    headers = {"Authorization": f"token {TOKEN}"}
    params: dict[str, str | int] = {"per_page": 2, "sort": "created", "direction": "asc"}
    first = requests.get(f"{server.url}/orgs/{ORG}/repos", headers=headers, params=params,
                         timeout=10)
    assert first.status_code == 200 and len(first.json()) == 2
    assert first.headers["Cache-Control"].startswith("private")
    assert '/organizations/' in first.headers["Link"] and 'rel="next"' in first.headers["Link"]
    again = requests.get(first.url, headers={**headers, "If-None-Match": first.headers["ETag"]},
                         timeout=10)
    assert again.status_code == 304
    missing = requests.get(f"{server.url}/orgs/nobody-here/repos", headers=headers, timeout=10)
    assert missing.status_code == 404


def test_search_joins_repo_and_org_qualifiers_with_or_and_refuses_long_queries(server):
    import requests

    headers = {"Authorization": f"token {TOKEN}"}

    def count(q: str) -> requests.Response:
        params: dict[str, str | int] = {"q": q, "per_page": 1}
        return requests.get(f"{server.url}/search/issues", headers=headers, params=params,
                            timeout=10)

    assert count(f'org:{ORG} label:"roadmap" is:issue').json()["total_count"] == 150
    two = count(f'repo:{LABELLED[0]} repo:{LABELLED[1]} label:"roadmap" is:issue')
    assert two.json()["total_count"] == 60 and "ETag" not in two.headers
    assert count('user:other label:"roadmap" is:issue').json()["total_count"] == 3
    long = count(" ".join(["repo:acme/r0"] * 30) + " is:issue")
    assert long.status_code == 422 and "longer than 256" in long.text


def test_scoped_queries_fit_github_s_length_limit_and_cover_every_repository():
    repos = [f"some-organisation/repository-{k:03d}" for k in range(100)]
    queries = scoped_queries(repos, 'label:"roadmap" is:issue')
    assert all(len(query) <= SEARCH_LENGTH for query, _ in queries)
    assert [name for _, names in queries for name in names] == repos
    assert len(queries) == 17  # 6 of these names fit in 256 characters with the label
    assert scoped_queries([], "is:issue") == []


# -- what a sync of the organisation costs ---------------------------------------------------


def test_first_org_sync_asks_each_list_once_and_no_repository_on_its_own(server, store):
    spent, paths = costs(server, lambda: org_sync(server, store))
    assert paths.count(f"/orgs/{ORG}/repos") == 1
    for name in LABELLED:  # issues, comments, events, pull requests: one page each
        assert asked_in(paths, name) == 4, [p for p in paths if name in p]
        assert f"/repos/{name}" not in paths  # the organisation's list described it
    assert asked_in(paths, PLAIN) == 1  # its labelled list is empty: nothing more to read
    assert asked_in(paths, "other/elsewhere") == 0
    assert len(paths) == 1 + 4 * len(LABELLED) + 1
    assert spent == {"core": len(paths), "search": 0}
    held = snapshot(store)
    assert len(held["issues"]) == 150 and len(held["comments"]) == 200


def test_a_sync_of_the_unchanged_organisation_costs_no_point(server, store):
    org_sync(server, store)
    spent, paths = costs(server, lambda: org_sync(server, store))
    assert spent == {"core": 0, "search": 0}
    assert server.log.count(status=304) == len(paths) == 1 + 3 * len(LABELLED) + 1


def test_an_org_repository_joining_the_roadmap_is_synced_when_its_issue_is_labelled(
        server, store):
    org_sync(server, store)
    number = server.create_issue(PLAIN, "Now planned", labels=["roadmap"])
    summaries = org_sync(server, store)
    (plain,) = [s for s in summaries if s.repo == PLAIN]
    assert plain.new == 1 and plain.roadmap_issues == 1
    assert (PLAIN, number) in {(row[0], row[1]) for row in snapshot(store)["issues"]}


def test_larger_roadmaps_count_their_departures_in_one_search_across_the_org(server, store):
    large = Options(sweep_pages=0)  # each synced as a roadmap of more than 500 issues is
    org_sync(server, store, options=large)
    spent, _ = costs(server, lambda: org_sync(server, store, options=large))
    assert spent == {"core": 0, "search": 1}  # one across the organisation, not one each
    server.remove_label(LABELLED[3], 7, "roadmap")
    server.clock.advance(60)
    spent, paths = costs(server, lambda: org_sync(server, store, options=large))
    # the organisation and then the chunk of repositories disagree: each repository is
    # counted apart, and only the one that lost an issue is swept (its page, and the
    # issue that left looked at)
    assert spent["search"] == 1 + 1 + len(LABELLED)
    assert f"/repos/{LABELLED[3]}/issues/7" in paths
    assert not any(f"/repos/{LABELLED[2]}/issues/" in p and p.endswith("/7") for p in paths)
    kept = {(row[0], row[1]) for row in snapshot(store)["issues"]}
    assert (LABELLED[3], 7) not in kept and (LABELLED[2], 7) in kept


# -- one budget, shared by a round -----------------------------------------------------------


def test_a_stopped_round_resumes_at_the_repository_it_stopped_in(server, store):
    server.set_rate_limit(TOKEN, remaining=1 + 4 * 2 + 2, reset_in=3600)
    with pytest.raises(SyncStopped) as stopped:
        org_sync(server, store, wait=False)
    done = [s.repo for s in stopped.value.summaries if s.outcome == "ok"]
    cut = stopped.value.summaries[-1]
    assert done == LABELLED[:2] and cut.repo == LABELLED[2] and cut.outcome == "rate-limited"
    server.set_rate_limit(TOKEN, remaining=5000, reset_in=3600)
    spent, paths = costs(server, lambda: org_sync(server, store))
    assert all(asked_in(paths, name) == 0 for name in done)  # not asked again
    resumed = [(r.path, r.status) for r in server.log if r.path.startswith(f"/repos/{cut.repo}/")]
    assert resumed == [(f"/repos/{cut.repo}/issues", 304),  # what it read was kept
                       (f"/repos/{cut.repo}/issues/comments", 304),
                       (f"/repos/{cut.repo}/issues/events", 200),
                       (f"/repos/{cut.repo}/pulls", 200)]
    assert asked_in(paths, LABELLED[4]) == 4 and asked_in(paths, PLAIN) == 1
    assert len(snapshot(store)["issues"]) == 150
    # the round is complete: the next run is a new round, every repository asked (304s)
    spent, paths = costs(server, lambda: org_sync(server, store))
    assert spent == {"core": 0, "search": 0} and asked_in(paths, LABELLED[0]) == 3


def test_the_search_budget_running_out_stops_the_round_with_its_place_kept(server, store):
    large = Options(sweep_pages=0)
    org_sync(server, store, options=large)
    server.set_rate_limit(TOKEN, remaining=0, reset_in=60, resource="search")
    with pytest.raises(RateLimited):
        org_sync(server, store, wait=False, options=large)
    server.set_rate_limit(TOKEN, remaining=30, reset_in=60, resource="search")
    spent, _ = costs(server, lambda: org_sync(server, store, options=large))
    assert spent == {"core": 0, "search": 1}


# -- the command and its configuration -------------------------------------------------------


def test_sync_org_from_the_command_line_and_from_the_configuration(server, monkeypatch,
                                                                   tmp_path):
    command_env(server, monkeypatch, tmp_path)
    result = run("sync", "--org", ORG, "--json")
    assert result.exit_code == 0, result.output + result.stderr
    repos = [summary["repo"] for summary in json.loads(result.stdout)]
    assert repos == [*LABELLED, PLAIN]
    (tmp_path / "roadmap.toml").write_text(f'org = "{ORG}"\n', encoding="utf-8")
    again = json.loads(run("sync", "--json").stdout)
    assert [s["core_points"] for s in again] == [0] * 6
    bad = run("sync", "--org", "not/an-org")
    assert bad.exit_code == 2 and "not an organisation" in bad.stderr


def test_org_setting_is_checked(tmp_path):
    from roadmap.config import load_config

    path = tmp_path / "roadmap.toml"
    path.write_text('org = "acme"\n', encoding="utf-8")
    assert load_config(path).org == "acme"
    path.write_text('org = "a/b"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="org: not an organisation"):
        load_config(path)
    path.write_text('orgs = "acme"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean `org`"):
        load_config(path)


def test_configured_repositories_count_departures_in_chunks_of_repo_qualifiers(server, store):
    large = Options(sweep_pages=0)
    settings = SyncSettings(TOKEN, server.url)

    def configured() -> list[RepoSummary]:
        return sync_github(store, settings, LABELLED, "roadmap", False, large)

    configured()
    spent, paths = costs(server, configured)
    assert spent == {"core": 0, "search": 1}  # five `repo:` qualifiers fit in one query
    assert f"/orgs/{ORG}/repos" not in paths


def test_a_round_waits_for_the_reset_and_finishes_every_repository(server, store):
    waits: list[str] = []

    def wait(seconds: float, reason: str) -> None:  # the countdown's callback
        waits.append(reason)
        time.sleep(min(seconds, 2.0))

    server.set_rate_limit(TOKEN, remaining=6, reset_in=1)
    settings = SyncSettings(TOKEN, server.url, wait=wait)
    summaries = sync_github(store, settings, [], "roadmap", False, Options(), org=ORG)
    assert "rate limit reset" in waits
    assert [s.outcome for s in summaries] == ["ok"] * 6
    assert len(snapshot(store)["issues"]) == 150
