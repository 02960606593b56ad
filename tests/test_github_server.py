"""The GitHub test server, driven by the real PyGithub client over loopback HTTP."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import github
import pytest
import requests
from github import BadCredentialsException, GithubException
from urllib3.util.retry import Retry

from tests.github_server import GitHubServer
from tests.github_server.fixtures import client, github_server_fixture, seed_acme

# GitHub's recorded exchanges, trimmed copies (tests/fixtures/github-recorded/README.md)
RECORDED = Path(__file__).resolve().parent / "fixtures" / "github-recorded"
REPO = "acme/widgets"

server = github_server_fixture("server", setup=seed_acme)


@pytest.fixture
def gh(server: GitHubServer) -> Iterator[github.Github]:
    with client(server) as gh:
        yield gh


def numbers(issues) -> list[int]:
    return [issue.number for issue in issues]


def headers_of(problem: GithubException) -> dict[str, str]:
    assert problem.headers is not None
    return problem.headers


def recorded(name: str) -> list[dict[str, Any]]:
    """The exchanges of one recorded scenario (octokit fixtures)."""
    exchanges: list[dict[str, Any]] = json.loads((RECORDED / f"{name}.json").read_text())
    return exchanges


# -- listing and pagination -------------------------------------------------------------------


def test_pages_follow_next_links_to_repositories_id(server):
    for n in range(8):
        server.create_issue(REPO, f"Issue {n}", labels=["roadmap"] if n != 3 else [])
    with client(server, per_page=3) as gh:
        issues = gh.get_repo(REPO).get_issues(state="all", labels=["roadmap"])
        assert numbers(issues) == [8, 7, 6, 5, 3, 2, 1]
    repo_id = server.repo(REPO).id
    listed = server.log.find(r"/issues$")
    assert [record.path for record in listed] == [
        f"/repos/{REPO}/issues",
        f"/repositories/{repo_id}/issues",
        f"/repositories/{repo_id}/issues",
    ]
    assert [record.query.get("page") for record in listed] == [None, "2", "3"]
    assert listed[1].query == {"state": "all", "labels": "roadmap", "per_page": "3", "page": "2"}


def test_link_header_has_prev_next_last_first_like_github(server, gh):
    for n in range(7):
        server.create_issue(REPO, f"Issue {n}")
    headers, _ = gh.requester.requestJsonAndCheck(
        "GET", f"/repos/{REPO}/issues", {"per_page": 3, "page": 2}
    )
    base = f"{server.url}/repositories/{server.repo(REPO).id}/issues?per_page=3"
    assert headers["link"] == (
        f'<{base}&page=1>; rel="prev", <{base}&page=3>; rel="next", '
        f'<{base}&page=3>; rel="last", <{base}&page=1>; rel="first"'
    )
    server.omit_last_link = True
    headers, _ = gh.requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issues", {"per_page": 3})
    assert headers["link"] == f'<{base}&page=2>; rel="next"'
    with client(server, per_page=3) as paged:
        assert len(numbers(paged.get_repo(REPO).get_issues())) == 7


def test_labels_must_all_match_case_insensitively(server, gh):
    both = server.create_issue(REPO, "both", labels=["roadmap", "Bug"])
    server.create_issue(REPO, "roadmap only", labels=["roadmap"])
    server.create_issue(REPO, "bug only", labels=["bug"])
    repo = gh.get_repo(REPO)
    assert numbers(repo.get_issues(labels=["ROADMAP", "bug"])) == [both]
    assert numbers(repo.get_issues(labels=["roadmap"])) == [2, 1]


def test_state_filter_and_prs_share_the_listing(server, gh):
    issue = server.create_issue(REPO, "an issue")
    pr = server.create_issue(REPO, "a fix", pull_request=True)
    server.close(REPO, issue)
    repo = gh.get_repo(REPO)
    assert numbers(repo.get_issues()) == [pr]
    assert numbers(repo.get_issues(state="closed")) == [issue]
    listed = {i.number: i.raw_data for i in repo.get_issues(state="all")}
    assert "pull_request" not in listed[issue]
    assert listed[pr]["pull_request"] == {
        "url": f"{server.url}/repos/{REPO}/pulls/{pr}",
        "html_url": f"https://github.com/{REPO}/pull/{pr}",
        "diff_url": f"https://github.com/{REPO}/pull/{pr}.diff",
        "patch_url": f"https://github.com/{REPO}/pull/{pr}.patch",
        "merged_at": None,
    }
    server.merge(REPO, pr)
    merged = gh.get_repo(REPO).get_issue(pr)
    assert merged.pull_request.merged_at is not None
    assert merged.state == "closed"


def test_since_and_sort_by_updated(server, gh):
    first = server.create_issue(REPO, "first", labels=["roadmap"])
    server.clock.advance(60)
    second = server.create_issue(REPO, "second", labels=["roadmap"])
    server.clock.advance(60)
    cursor = datetime.fromtimestamp(server.clock.now(), UTC)
    server.comment(REPO, first, "bob", "still relevant?")
    repo = gh.get_repo(REPO)
    assert numbers(repo.get_issues(state="all", since=cursor)) == [first]
    ascending = repo.get_issues(state="all", sort="updated", direction="asc")
    assert numbers(ascending) == [second, first]
    assert numbers(repo.get_issues(sort="created", direction="asc")) == [first, second]
    assert numbers(repo.get_issues(sort="comments")) == [first, second]


def test_timestamps_have_one_second_resolution(server, gh):
    a = server.create_issue(REPO, "a")
    b = server.create_issue(REPO, "b")
    raw = {i.number: i.raw_data for i in gh.get_repo(REPO).get_issues()}
    assert raw[a]["updated_at"] == raw[b]["updated_at"] == "2025-06-01T12:00:00Z"
    server.clock.advance(90)
    server.add_label(REPO, a, "roadmap")
    assert gh.get_repo(REPO).get_issue(a).raw_data["updated_at"] == "2025-06-01T12:01:30Z"


def test_bad_parameters_are_validation_failures(server, gh):
    with pytest.raises(GithubException) as caught:
        gh.requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issues", {"since": "yesterday"})
    assert caught.value.status == 422
    assert caught.value.data["message"] == "Validation Failed"


# -- shapes, checked against the recorded exchanges -------------------------------------------


def test_issue_user_and_label_shapes_match_the_recording(server, gh):
    server.add_user("dependabot[bot]", bot=True)
    server.create_issue(REPO, "Bump", labels=["roadmap"], user="dependabot[bot]", milestone="v1")
    headers, (issue,) = gh.requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issues")
    exchange = recorded("paginate-issues")[0]
    sample = exchange["response"][0]
    assert set(sample) <= set(issue)
    assert set(sample["user"]) <= set(issue["user"])
    assert issue["user"]["type"] == "Bot"
    label_keys = set(recorded("labels")[0]["response"][0])
    assert set(issue["labels"][0]) == label_keys
    assert issue["milestone"]["title"] == "v1"
    assert issue["milestone"]["open_issues"] == 1
    assert headers["content-type"] == exchange["headers"]["content-type"]
    assert headers["x-github-media-type"] == exchange["headers"]["x-github-media-type"]
    assert headers["x-ratelimit-resource"] == "core"
    assert re.fullmatch(r'W/"[0-9a-f]{64}"', headers["etag"])
    assert re.fullmatch(r"[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{7}:[0-9A-F]{7}:0{8}",
                        headers["x-github-request-id"])


def test_repo_by_name_and_by_id(server, gh):
    repo = gh.get_repo(REPO)
    assert (repo.full_name, repo.owner.login, repo.private) == (REPO, "acme", False)
    _, by_id = gh.requester.requestJsonAndCheck("GET", f"/repositories/{repo.id}")
    assert by_id["full_name"] == REPO


# -- comments, events, timeline ---------------------------------------------------------------


def test_comments_per_issue_and_repo_wide(server, gh):
    number = server.create_issue(REPO, "Plan")
    first = server.comment(REPO, number, "bob", "/claim")
    server.clock.advance(60)
    cursor = datetime.fromtimestamp(server.clock.now(), UTC)
    second = server.comment(REPO, number, "alice", "go ahead")
    server.clock.advance(60)
    server.edit_comment(REPO, first, "/claim (edited)")
    issue = gh.get_repo(REPO).get_issue(number)
    assert [c.id for c in issue.get_comments()] == [first, second]
    assert [c.id for c in issue.get_comments(since=cursor)] == [first, second]
    later = datetime.fromtimestamp(server.clock.now(), UTC)
    assert [c.id for c in issue.get_comments(since=later)] == [first]
    repo = gh.get_repo(REPO)
    assert [c.id for c in repo.get_issues_comments(sort="updated", direction="asc")] == [
        second,
        first,
    ]
    assert issue.comments == 2


def test_posting_a_comment_bumps_the_issue(server, gh):
    number = server.create_issue(REPO, "Plan")
    server.clock.advance(30)
    made = gh.get_repo(REPO).get_issue(number).create_comment("I'd like to work on this")
    assert made.user.login == "alice"
    assert server.log[-1].status == 201
    issue = server.issue(REPO, number)
    assert [c.body for c in issue.comments] == ["I'd like to work on this"]
    assert issue.updated_at == server.clock.now()


def test_writes_need_a_token(server):
    number = server.create_issue(REPO, "Plan")
    with client(server, token=None) as anonymous:
        issue = anonymous.get_repo(REPO).get_issue(number)
        with pytest.raises(GithubException) as caught:
            issue.create_comment("hello")
        assert caught.value.status == 401
        with pytest.raises(GithubException) as caught:
            _ = anonymous.get_user().login
        assert caught.value.status == 401


def test_issue_events_carry_their_payloads(server, gh):
    number = server.create_issue(REPO, "Old title", labels=["roadmap"], assignees=["alice"])
    server.edit(REPO, number, title="New title", actor="alice")
    server.remove_label(REPO, number, "roadmap")
    server.close(REPO, number, state_reason="not_planned")
    server.reopen(REPO, number)
    events = list(gh.get_repo(REPO).get_issue(number).get_events())
    kinds = [e.event for e in events]
    assert kinds == ["labeled", "assigned", "renamed", "unlabeled", "closed", "reopened"]
    assert events[0].label.name == "roadmap"
    assert (events[1].assignee.login, events[1].raw_data["assigner"]["login"]) == ("alice",) * 2
    assert events[2].rename == {"from": "Old title", "to": "New title"}
    assert events[4].raw_data["state_reason"] == "not_planned"
    assert len({e.id for e in events}) == 6
    newest = list(gh.get_repo(REPO).get_issues_events())
    assert [e.event for e in newest] == kinds[::-1]
    assert newest[0].issue.number == number


def test_timeline_shows_comments_and_cross_references(server, gh):
    number = server.create_issue(REPO, "Feature")
    server.comment(REPO, number, "bob", "/claim")
    pr = server.create_issue(REPO, "Implement feature", user="bob", pull_request=True)
    server.cross_reference(REPO, number, pr)
    timeline = list(gh.get_repo(REPO).get_issue(number).get_timeline())
    assert [e.event for e in timeline] == ["commented", "cross-referenced"]
    source = timeline[1].source
    assert source.type == "issue"
    assert source.issue.number == pr
    assert source.issue.raw_data["pull_request"]["html_url"].endswith(f"/pull/{pr}")
    assert timeline[1].actor.login == "bob"
    assert [e.event for e in gh.get_repo(REPO).get_issue(number).get_events()] == []


def test_connected_pull_request(server, gh):
    number = server.create_issue(REPO, "Feature")
    pr = server.create_issue(REPO, "Closes #1", pull_request=True)
    server.connect(REPO, number, pr)
    timeline = list(gh.get_repo(REPO).get_issue(number).get_timeline())
    assert [e.event for e in timeline] == ["cross-referenced", "connected"]
    assert timeline[0].source.issue.number == pr


# -- transfer and delete ----------------------------------------------------------------------


def test_transferred_issue_answers_301_and_leaves_the_listing(server, gh):
    server.add_repo("acme/gadgets", collaborators={"alice"})
    server.create_issue("acme/gadgets", "already there")
    number = server.create_issue(REPO, "Misfiled", labels=["roadmap"])
    server.comment(REPO, number, "bob", "wrong repo")
    moved = server.transfer(REPO, number, "acme/gadgets")
    assert numbers(gh.get_repo(REPO).get_issues(state="all")) == []
    issue = gh.get_repo(REPO).get_issue(number)  # PyGithub follows the 301
    assert (issue.number, issue.repository.full_name) == (moved, "acme/gadgets")
    assert [c.body for c in issue.get_comments()] == ["wrong repo"]
    redirect, followed = server.log.find(r"/issues/\d+$")[-2:]
    assert (redirect.path, redirect.status) == (f"/repos/{REPO}/issues/{number}", 301)
    gadgets = server.repo("acme/gadgets").id
    assert (followed.path, followed.status) == (f"/repositories/{gadgets}/issues/{moved}", 200)
    _, comments = gh.requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issues/{number}/comments")
    assert [c["body"] for c in comments] == ["wrong repo"]


def test_deleted_issue_answers_410(server, gh):
    number = server.create_issue(REPO, "Spam", labels=["roadmap"])
    server.comment(REPO, number, "bob", "buy now")
    server.delete(REPO, number)
    with pytest.raises(GithubException) as caught:
        gh.get_repo(REPO).get_issue(number)
    assert caught.value.status == 410
    assert caught.value.data["message"] == "This issue was deleted"
    repo = gh.get_repo(REPO)
    assert numbers(repo.get_issues(state="all")) == []
    assert list(repo.get_issues_comments()) == []


# -- errors -----------------------------------------------------------------------------------


def test_bad_token_is_401_bad_credentials(server):
    with client(server, token="nope") as gh, pytest.raises(BadCredentialsException) as caught:
        gh.get_repo(REPO)
    assert caught.value.data == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    }


def test_unknown_repo_and_issue_are_404(server, gh):
    with pytest.raises(github.UnknownObjectException):
        gh.get_repo("acme/nothing")
    with pytest.raises(github.UnknownObjectException):
        gh.get_repo(REPO).get_issue(99)


def test_private_repo_is_hidden_from_outsiders(server):
    server.add_repo("acme/secret", collaborators={"alice"}, private=True)
    with client(server, "tok-alice") as alice, client(server, "tok-bob") as bob:
        assert alice.get_repo("acme/secret").private
        with pytest.raises(github.UnknownObjectException):
            bob.get_repo("acme/secret")


# -- assignees --------------------------------------------------------------------------------


def test_assignees_without_push_access_are_silently_ignored(server, gh):
    number = server.create_issue(REPO, "Plan")
    issue = gh.get_repo(REPO).get_issue(number)
    issue.add_to_assignees("alice", "bob")
    assert [u.login for u in server.issue(REPO, number).assignees] == ["alice"]
    assert server.log[-1].status == 201
    with client(server, "tok-bob") as bob:
        bob.get_repo(REPO).get_issue(number).add_to_assignees("bob")
    assert [u.login for u in server.issue(REPO, number).assignees] == ["alice"]
    issue.remove_from_assignees("alice")
    assert server.issue(REPO, number).assignees == []
    assert [e.event for e in server.issue(REPO, number).events] == ["assigned", "unassigned"]


# -- conditional requests and rate limits -----------------------------------------------------


def test_304_for_a_matching_etag_costs_nothing(server, gh):
    server.create_issue(REPO, "Plan")
    requester, params = gh.requester, {"state": "all", "per_page": 100}
    headers, data = requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issues", params)
    etag, remaining = headers["etag"], int(headers["x-ratelimit-remaining"])
    again, nothing = requester.requestJsonAndCheck(
        "GET", f"/repos/{REPO}/issues", params, headers={"If-None-Match": etag}
    )
    assert nothing is None
    assert again["etag"] == etag
    assert int(again["x-ratelimit-remaining"]) == remaining
    assert (server.log[-1].status, server.log[-1].conditional) == (304, True)
    server.add_label(REPO, 1, "roadmap")
    changed, data = requester.requestJsonAndCheck(
        "GET", f"/repos/{REPO}/issues", params, headers={"If-None-Match": etag}
    )
    assert data[0]["labels"][0]["name"] == "roadmap"
    assert changed["etag"] != etag
    assert int(changed["x-ratelimit-remaining"]) == remaining - 1


def test_rate_limit_exhausted_then_refilled_after_reset(server, gh):
    server.set_rate_limit("tok-alice", remaining=1, reset_in=0.3)
    gh.get_repo(REPO)
    with pytest.raises(github.RateLimitExceededException) as caught:
        gh.get_repo(REPO)
    assert caught.value.status == 403
    assert caught.value.data["message"] == "API rate limit exceeded for user ID 1."
    assert headers_of(caught.value)["x-ratelimit-remaining"] == "0"
    assert gh.get_rate_limit().resources.core.remaining == 0  # /rate_limit is free
    time.sleep(0.35)
    gh.get_repo(REPO)
    assert server.rate_limit("tok-alice").remaining == 4999


def test_budgets_are_per_token_and_anonymous_is_smaller(server, gh):
    gh.get_repo(REPO)
    with client(server, token=None) as anonymous:
        anonymous.get_repo(REPO)
        assert anonymous.get_rate_limit().resources.core.limit == 60
    assert server.rate_limit(None).remaining == 59
    assert server.rate_limit("tok-alice").remaining == 4999
    assert server.rate_limit("tok-bob").remaining == 5000


def test_search_has_its_own_budget_and_qualifiers(server, gh):
    server.create_issue(REPO, "Easy one", labels=["good first issue", "roadmap"])
    server.create_issue(REPO, "Hard one", labels=["roadmap"])
    server.create_issue(REPO, "A fix", labels=["good first issue"], pull_request=True)
    closed = server.create_issue(REPO, "Done", labels=["good first issue"])
    server.close(REPO, closed)
    found = gh.search_issues(f'repo:{REPO} label:"good first issue" is:issue state:open')
    assert numbers(found) == [1]
    assert numbers(gh.search_issues(f"repo:{REPO} is:pr")) == [3]
    assert numbers(gh.search_issues(f"repo:{REPO} is:issue label:roadmap -label:roadmap")) == []
    assert numbers(gh.search_issues(f"repo:{REPO} is:issue hard")) == [2]
    headers, data = gh.requester.requestJsonAndCheck(
        "GET", "/search/issues", {"q": f"repo:{REPO} label:roadmap is:issue"}
    )
    assert (data["total_count"], data["incomplete_results"]) == (2, False)
    assert (headers["x-ratelimit-resource"], headers["x-ratelimit-limit"]) == ("search", "30")
    assert server.rate_limit("tok-alice", "search").remaining == 25


# -- faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["500", "502", "503"])
def test_server_errors(server, gh, kind):
    server.faults.add(kind)
    with pytest.raises(GithubException) as caught:
        gh.get_repo(REPO)
    assert caught.value.status == int(kind)
    assert gh.get_repo(REPO).full_name == REPO  # once only, by default


def test_secondary_limit_is_403_with_retry_after(server, gh):
    server.faults.add("secondary", retry_after=7)
    with pytest.raises(github.RateLimitExceededException) as caught:
        gh.get_repo(REPO)
    assert caught.value.status == 403
    assert headers_of(caught.value)["retry-after"] == "7"
    assert caught.value.data["message"].startswith("You have exceeded a secondary rate limit")
    assert int(headers_of(caught.value)["x-ratelimit-remaining"]) > 0


def test_429_with_retry_after(server, gh):
    server.faults.add("429", retry_after=3)
    with pytest.raises(GithubException) as caught:
        gh.get_repo(REPO)
    assert (caught.value.status, headers_of(caught.value)["retry-after"]) == (429, "3")


def test_ratelimit_fault_exhausts_the_budget(server, gh):
    server.faults.add("ratelimit", reset_in=60)
    with pytest.raises(github.RateLimitExceededException) as caught:
        gh.get_repo(REPO)
    assert headers_of(caught.value)["x-ratelimit-remaining"] == "0"
    with pytest.raises(github.RateLimitExceededException):
        gh.get_repo(REPO)  # stays exhausted until the reset
    assert server.rate_limit("tok-alice").remaining == 0


def test_dropped_connection(server, gh):
    server.faults.add("drop", path=r"/issues$")
    with pytest.raises(requests.exceptions.ConnectionError):
        list(gh.get_repo(REPO).get_issues())
    assert (server.log[-1].status, server.log[-1].fault) == (None, "drop")
    assert list(gh.get_repo(REPO).get_issues()) == []


def test_slow_answer(server, gh):
    server.faults.add("slow", delay=0.2)
    started = time.perf_counter()
    gh.get_repo(REPO)
    assert time.perf_counter() - started >= 0.2


def test_every_nth_matching_request(server, gh):
    server.faults.add("503", every=2, path=r"/issues$", method="GET")
    repo = gh.get_repo(REPO)
    outcomes: list[object] = []
    for _ in range(4):
        try:
            list(repo.get_issues())
            outcomes.append("ok")
        except GithubException as problem:
            outcomes.append(problem.status)
    assert outcomes == ["ok", 503, "ok", 503]
    assert server.log.count(r"^/repos/acme/widgets$", status=200) == 1
    server.faults.clear()
    assert list(repo.get_issues()) == []


def test_a_retrying_client_rides_over_a_502(server):
    server.faults.add("502", times=2)
    retry = Retry(total=3, status_forcelist=[502], backoff_factor=0, allowed_methods=None)
    with client(server, retry=retry) as gh:
        assert gh.get_repo(REPO).full_name == REPO
    assert [r.status for r in server.log] == [502, 502, 200]


def test_unknown_fault_kind_is_refused(server):
    with pytest.raises(ValueError, match="unknown fault"):
        server.faults.add("418")


# -- the request log, scale, and lifecycle ----------------------------------------------------


def test_request_log_records_what_was_asked(server, gh):
    gh.get_repo(REPO).get_issues(state="all", labels=["roadmap"]).get_page(0)
    first, listing = server.log.records()
    assert (first.method, first.path, first.status) == ("GET", f"/repos/{REPO}", 200)
    assert listing.query == {"state": "all", "labels": "roadmap", "per_page": "100"}
    assert listing.authorization == "token tok-alice"
    assert not listing.conditional
    assert server.log.count(r"/issues$") == 1
    assert server.log.count(status=404) == 0
    server.log.clear()
    assert len(server.log) == 0


def test_bulk_create_at_benchmark_scale(server, gh):
    started = time.perf_counter()
    made = server.bulk_create(REPO, issues=10_000, comments=20_000, label="roadmap", pr_every=10)
    assert time.perf_counter() - started < 10
    assert (len(made), made[0], made[-1]) == (10_000, 1, 10_000)
    headers, page = gh.requester.requestJsonAndCheck(
        "GET", f"/repos/{REPO}/issues", {"labels": "roadmap", "per_page": 100, "page": 100}
    )
    assert 'page=100>; rel="last"' not in headers["link"]
    assert [i["number"] for i in page][:2] == [100, 99]
    assert sum(i["comments"] for i in page) == 200
    assert "pull_request" in page[-1]  # issue 1 is a pull request
    _, comments = gh.requester.requestJsonAndCheck(
        "GET", f"/repos/{REPO}/issues/comments", {"per_page": 100, "page": 200}
    )
    assert len(comments) == 100


def test_stopping_ends_kept_alive_connections():
    other = GitHubServer()
    other.add_user("alice", token="tok-alice")
    other.add_repo(REPO)
    with other, client(other) as gh:
        gh.get_repo(REPO)  # the client keeps its connection open
        started = time.perf_counter()
        other.stop()
        assert time.perf_counter() - started < 1
    with pytest.raises(RuntimeError):
        _ = other.url


def test_stopping_lets_a_request_under_way_finish():
    other = GitHubServer()
    other.add_user("alice", token="tok-alice")
    other.add_repo(REPO)
    names: list[str] = []
    with other, client(other) as gh:
        other.faults.add("slow", delay=0.2)
        worker = threading.Thread(target=lambda: names.append(gh.get_repo(REPO).full_name))
        worker.start()
        while len(other.faults):  # until the slow request has arrived
            time.sleep(0.01)
        other.stop()
        worker.join()
    assert names == [REPO]
