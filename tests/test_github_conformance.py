"""The test server answers as GitHub does: every recorded exchange replayed against it
agrees on status and headers, and every answer of every endpoint the tool calls validates
against GitHub's official response schema (both carried in tests/fixtures)."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import github
import jsonschema
import pytest
import requests

from tests.github_server import GitHubServer
from tests.github_server.fixtures import client
from tests.schemas.extract import OPERATIONS, references, translate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORDED = FIXTURES / "github-recorded"
SCHEMAS = json.loads((FIXTURES / "github-schemas.json").read_text(encoding="utf-8"))
ORG, USER, TOKEN = "octokit-fixture-org", "octokit-fixture-user-a", "tok-fixture"
TRANSPORT = {"connection", "content-length", "date", "keep-alive", "transfer-encoding"}
# headers whose value is the same on every GitHub answer of its kind
STEADY = {
    "access-control-allow-origin", "access-control-expose-headers", "cache-control",
    "content-security-policy", "content-type", "referrer-policy", "strict-transport-security",
    "x-content-type-options", "x-frame-options", "x-github-media-type", "x-ratelimit-limit",
    "x-ratelimit-resource", "x-xss-protection",
}


# -- (a) the recorded exchanges, replayed ------------------------------------------------------


def _setup_add_labels(server: GitHubServer) -> None:
    server.add_repo(f"{ORG}/add-labels-to-issue", collaborators={USER})


def _setup_errors(server: GitHubServer) -> None:
    server.add_repo(f"{ORG}/errors", collaborators={USER})


def _setup_labels(server: GitHubServer) -> None:
    server.add_repo(f"{ORG}/labels", collaborators={USER}, default_labels=True)


def _setup_lock(server: GitHubServer) -> None:
    server.add_repo(f"{ORG}/lock-issue", collaborators={USER})
    server.create_issue(f"{ORG}/lock-issue", "Issue to lock", user=USER)


def _setup_paginate(server: GitHubServer) -> None:
    repo = server.add_repo(f"{ORG}/paginate-issues", collaborators={USER})
    assert repo.id == 1000  # the recorded page links use /repositories/1000
    for n in range(1, 14):
        server.create_issue(repo, f"Test issue {n}", user=USER)


def _setup_search(server: GitHubServer) -> None:
    repo = f"{ORG}/search-issues"
    server.add_repo(repo, collaborators={USER})
    server.create_issue(repo, "The doors don't open", 'I tried "open sesame" but no luck!',
                        user=USER)
    server.create_issue(repo, "Sesame seeds split without a pop!", "No pop", user="user-b")


SCENARIOS: dict[str, Callable[[GitHubServer], None]] = {
    "add-labels-to-issue": _setup_add_labels,
    "errors": _setup_errors,
    "labels": _setup_labels,
    "lock-issue": _setup_lock,
    "paginate-issues": _setup_paginate,
    "search-issues": _setup_search,
}


def recorded(name: str) -> list[dict[str, Any]]:
    exchanges: list[dict[str, Any]] = json.loads(
        (RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    return exchanges


def header_names(headers: dict[str, Any]) -> set[str]:
    return {name.lower() for name in headers} - TRANSPORT


def link_rels(link: str | None) -> list[str]:
    return [part.split('rel="')[1].rstrip('"') for part in (link or "").split(", ") if part]


def replay(gh: github.Github, exchange: dict[str, Any]) -> tuple[int, dict[str, Any], Any]:
    """Send the recorded request (method, path, query, body) through PyGithub's requester."""
    url = urlsplit(exchange["path"])
    body = exchange["body"] or None
    status, headers, text = gh.requester.requestJson(
        exchange["method"].upper(), url.path, dict(parse_qsl(url.query)) or None, None, body
    )
    return status, headers, json.loads(text) if text else None


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_recorded_exchanges_replay_with_the_same_status_and_headers(scenario):
    """Each exchange of the scenario, in order, after the state it needs: same status,
    the same set of header names (transport headers aside), the same steady values, and
    the same `Link` relations."""
    with GitHubServer() as server:
        server.add_user(USER, token=TOKEN, search_needs_type=False)
        SCENARIOS[scenario](server)
        with client(server, TOKEN) as gh:
            for exchange in recorded(scenario):
                status, headers, _ = replay(gh, exchange)
                where = f"{exchange['method']} {exchange['path']}"
                assert status == exchange["status"], where
                assert header_names(headers) == header_names(exchange["headers"]), where
                for name in STEADY & header_names(headers):
                    assert headers[name] == str(exchange["headers"][name]), (where, name)
                assert link_rels(headers.get("link")) == link_rels(
                    exchange["headers"].get("link")), where


def test_replayed_answers_have_the_recorded_shapes():
    """The keys GitHub sent in each replayed answer are all in the server's (it may add the
    newer `sub_issues_summary` and `parent_issue_url`)."""
    for scenario, setup in SCENARIOS.items():
        with GitHubServer() as server:
            server.add_user(USER, token=TOKEN, search_needs_type=False)
            setup(server)
            with client(server, TOKEN) as gh:
                for exchange in recorded(scenario):
                    _, _, served = replay(gh, exchange)
                    assert same_keys(exchange["response"], served), exchange["path"]


def same_keys(sample: Any, served: Any) -> bool:
    """Every key of `sample` is in `served`, recursively (lists by their first item)."""
    if isinstance(sample, dict):
        return isinstance(served, dict) and all(
            key in served and same_keys(value, served[key]) for key, value in sample.items()
        )
    if isinstance(sample, list) and sample:
        return isinstance(served, list) and bool(served) and same_keys(sample[0], served[0])
    return True


def test_the_recorded_label_errors_name_the_field():
    with GitHubServer() as server:
        server.add_user(USER, token=TOKEN)
        _setup_errors(server)
        with client(server, TOKEN) as gh:
            status, _, body = replay(gh, recorded("errors")[0])
    assert status == 422
    assert body["errors"] == recorded("errors")[0]["response"]["errors"]


# -- (b) every answer the tool reads validates against GitHub's schema -------------------------

REPO = "acme/widgets"
R = "/repos/{owner}/{repo}"
ONE = f"{R}/issues/{{issue_number}}"


@pytest.fixture(scope="module")
def rich() -> Iterator[tuple[GitHubServer, github.Github]]:
    """A repository with everything an answer can hold: open, closed (both reasons) and
    reopened issues, pull requests (open, merged), labels, milestones, assignees, comments,
    locked issues, cross-references, a commit referencing an issue, and sub-issues two
    levels deep across two repos."""
    with GitHubServer() as server:
        server.add_user("alice", token="tok-alice")
        server.add_user("bob", token="tok-bob")
        server.add_user("dependabot[bot]", bot=True)
        server.add_repo(REPO, collaborators={"alice", "bob"}, default_labels=True)
        server.add_repo("acme/gadgets", collaborators={"alice"})
        epic = server.create_issue(REPO, "Epic", "The big one", labels=["roadmap"],
                                   assignees=["alice", "bob"], milestone="v1")
        first = server.create_issue(REPO, "Part one", labels=["bug", "roadmap"])
        second = server.create_issue(REPO, "Part two", user="bob", milestone="v1")
        third = server.create_issue("acme/gadgets", "Part three", user="alice")
        deep = server.create_issue(REPO, "Part one, a", user="dependabot[bot]")
        server.add_sub_issue(REPO, epic, REPO, first)
        server.add_sub_issue(REPO, epic, REPO, second)
        server.add_sub_issue(REPO, epic, "acme/gadgets", third)
        server.add_sub_issue(REPO, first, REPO, deep)
        server.close(REPO, first)
        server.close(REPO, deep, state_reason="not_planned")
        server.close(REPO, second)
        server.reopen(REPO, second)
        server.comment(REPO, epic, "bob", "/claim")
        server.comment(REPO, epic, "alice", "go ahead")
        server.edit(REPO, epic, title="Epic: widgets", actor="alice")
        server.remove_label(REPO, first, "bug")
        server.unassign(REPO, epic, "bob")
        server.set_milestone(REPO, second, None)
        server.lock_issue(REPO, second, "resolved")
        spare = server.create_issue(REPO, "Spare part")
        server.add_sub_issue(REPO, epic, REPO, spare)
        server.remove_sub_issue(REPO, epic, REPO, spare)
        server.lock_issue(REPO, spare)
        server.unlock_issue(REPO, spare)
        pr = server.create_issue(REPO, "Fix part one", "Closes #2", user="bob",
                                 pull_request=True, labels=["roadmap"])
        server.connect(REPO, first, pr)
        merged = server.create_issue(REPO, "Refs #1", user="alice", pull_request=True)
        server.merge(REPO, merged)
        server.cross_reference(REPO, epic, merged)
        server.push_commit(REPO, epic, "bob")
        with client(server, "tok-alice") as gh:
            yield server, gh


def validate(operation: str, status: int, value: Any) -> None:
    schema = {"$defs": SCHEMAS["$defs"], **SCHEMAS["operations"][operation][str(status)]}
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.Draft202012Validator(schema, format_checker=checker).validate(value)


def answers(gh: github.Github, path: str, **params: Any) -> Iterator[Any]:
    """Every page of a GET (or the one answer)."""
    url: str | None = path
    query: dict[str, Any] | None = {"per_page": 2, **params}
    while url is not None:
        headers, data = gh.requester.requestJsonAndCheck("GET", url, query)
        yield data
        rels = dict(zip(link_rels(headers.get("link")), _urls(headers.get("link")),
                        strict=True))
        url, query = rels.get("next"), None


def _urls(link: str | None) -> list[str]:
    return [part.split(">")[0].lstrip("<") for part in (link or "").split(", ") if part]


def numbers_of(server: GitHubServer, repo: str = REPO) -> list[int]:
    return list(server.repo(repo).issues)


GETS = [
    (R, "/repos/acme/widgets", {}),
    (f"{R}/issues", "/repos/acme/widgets/issues", {"state": "all"}),
    (f"{R}/issues/comments", "/repos/acme/widgets/issues/comments", {}),
    (f"{R}/issues/events", "/repos/acme/widgets/issues/events", {}),
    (f"{R}/pulls", "/repos/acme/widgets/pulls", {"state": "all"}),
    ("/search/issues", "/search/issues", {"q": "repo:acme/widgets is:issue"}),
    ("/search/issues", "/search/issues", {"q": "repo:acme/widgets is:pr"}),
    ("/user", "/user", {}),
    ("/rate_limit", "/rate_limit", {}),
]


@pytest.mark.parametrize(("operation", "path", "params"), GETS,
                         ids=[f"{path}?{params}" for _, path, params in GETS])
def test_repository_wide_answers_validate(rich, operation, path, params):
    _, gh = rich
    pages = list(answers(gh, path, **params))
    assert pages
    for page in pages:
        validate(f"GET {operation}", 200, page)


@pytest.mark.parametrize("suffix", ["", "/comments", "/timeline", "/sub_issues"])
def test_every_issues_answers_validate(rich, suffix):
    server, gh = rich
    for number in numbers_of(server):
        for page in answers(gh, f"/repos/{REPO}/issues/{number}{suffix}"):
            validate(f"GET {ONE}{suffix}", 200, page)


# the schema each kind of timeline entry must match (the timeline's own schema is a loose
# anyOf of all of them); kinds without one of their own are state changes
TIMELINE_SCHEMAS = {
    "labeled": "labeled-issue-event", "unlabeled": "unlabeled-issue-event",
    "milestoned": "milestoned-issue-event", "demilestoned": "demilestoned-issue-event",
    "renamed": "renamed-issue-event", "locked": "locked-issue-event",
    "commented": "timeline-comment-event",
    "cross-referenced": "timeline-cross-referenced-event",
    "assigned": "timeline-assigned-issue-event",
    "unassigned": "timeline-unassigned-issue-event",
    "sub_issue_added": "sub-issue-added-issue-event",
    "sub_issue_removed": "sub-issue-removed-issue-event",
    "parent_issue_added": "parent-issue-added-issue-event",
    "parent_issue_removed": "parent-issue-removed-issue-event",
}


def validate_def(name: str, value: Any) -> None:
    schema = {"$defs": SCHEMAS["$defs"], "$ref": f"#/$defs/{name}"}
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.Draft202012Validator(schema, format_checker=checker).validate(value)


def test_each_timeline_entry_matches_the_schema_of_its_kind(rich):
    server, gh = rich
    kinds: set[str] = set()
    for number in numbers_of(server):
        for page in answers(gh, f"/repos/{REPO}/issues/{number}/timeline", per_page=100):
            for entry in page:
                kinds.add(entry["event"])
                validate_def(TIMELINE_SCHEMAS.get(entry["event"], "state-change-issue-event"),
                             entry)
    assert set(TIMELINE_SCHEMAS) <= kinds
    assert {"closed", "reopened", "merged", "connected", "unlocked", "referenced"} <= kinds


def test_the_user_is_a_private_user(rich):
    _, gh = rich
    _, me = gh.requester.requestJsonAndCheck("GET", "/user")
    validate_def("private-user", me)
    with pytest.raises(jsonschema.ValidationError):
        validate_def("public-user", me)


def test_writes_answer_valid_issues_and_comments(rich):
    server, gh = rich
    number = server.create_issue(REPO, "Scratch")
    requester = gh.requester
    _, made = requester.requestJsonAndCheck(
        "POST", f"/repos/{REPO}/issues/{number}/comments", input={"body": "hello"})
    validate(f"POST {ONE}/comments", 201, made)
    _, assigned = requester.requestJsonAndCheck(
        "POST", f"/repos/{REPO}/issues/{number}/assignees", input={"assignees": ["alice"]})
    validate(f"POST {ONE}/assignees", 201, assigned)
    _, unassigned = requester.requestJsonAndCheck(
        "DELETE", f"/repos/{REPO}/issues/{number}/assignees", input={"assignees": ["alice"]})
    validate(f"DELETE {ONE}/assignees", 200, unassigned)


def test_the_schemas_bite(rich):
    """The slices are strict enough to catch a missing field or a wrong type."""
    _, gh = rich
    _, issue = gh.requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issues/1")
    validate(f"GET {ONE}", 200, issue)
    for broken in ({**issue, "number": "1"}, {k: v for k, v in issue.items() if k != "user"},
                   {**issue, "sub_issues_summary": {"total": 1}}):
        with pytest.raises(jsonschema.ValidationError):
            validate(f"GET {ONE}", 200, broken)


# -- (c) GitHub's behaviour the sync must live with --------------------------------------------


@pytest.fixture
def faithful() -> Iterator[GitHubServer]:
    with GitHubServer() as server:
        server.add_user("alice", token="tok-alice")
        server.add_user("bob", token="tok-bob")
        server.add_user("classic", token="tok-classic", search_needs_type=False)
        server.add_repo(REPO, collaborators={"alice"})
        server.add_repo("acme/gadgets", collaborators={"alice"})
        server.add_repo("other/things", collaborators={"alice"})
        yield server


def get(gh: github.Github, path: str, params: dict[str, Any] | None = None,
        etag: str | None = None) -> tuple[int, dict[str, Any], Any]:
    headers = None if etag is None else {"If-None-Match": etag}
    status, answer, text = gh.requester.requestJson("GET", path, params, headers)
    return status, answer, json.loads(text) if text else None


def found(gh: github.Github, q: str) -> list[int]:
    status, _, data = get(gh, "/search/issues", {"q": q, "per_page": 100})
    assert status == 200, data
    return sorted(item["number"] for item in data["items"])


def test_search_answers_have_no_etag_and_are_never_304(faithful):
    faithful.create_issue(REPO, "Plan")
    with client(faithful) as gh:
        status, headers, _ = get(gh, "/search/issues", {"q": f"repo:{REPO} is:issue"})
        assert status == 200
        assert "etag" not in headers
        assert headers["cache-control"] == "no-cache"
        assert headers["x-ratelimit-resource"] == "search"
        status, _, data = get(gh, "/search/issues", {"q": f"repo:{REPO} is:issue"}, etag="*")
        assert (status, data["total_count"]) == (200, 1)
        _, listed, _ = get(gh, f"/repos/{REPO}/issues")
        assert listed["etag"].startswith('W/"')
        assert listed["cache-control"] == "private, max-age=60, s-maxage=60"
    assert faithful.points("tok-alice") == {"core": 1, "search": 2}


def test_a_commit_naming_an_issue_is_a_referenced_event_in_each_list(faithful):
    """GitHub's `referenced` event (its issue-event shape: `commit_id`, `commit_url`, the
    actor its author maps to, or none), in the issue's events and timeline and the
    repository's events; the issue's `updated_at` stays, as for a cross-reference."""
    number = faithful.create_issue(REPO, "Plan")
    before = faithful.issue(REPO, number).updated_at
    faithful.clock.advance(60)
    mapped = faithful.push_commit(REPO, number, "bob", commit_repo="acme/gadgets")
    unmapped = faithful.push_commit(REPO, number, None)
    assert faithful.issue(REPO, number).updated_at == before
    with client(faithful) as gh:
        _, _, repo_wide = get(gh, f"/repos/{REPO}/issues/events")
        validate(f"GET {R}/issues/events", 200, repo_wide)
        _, _, own = get(gh, f"/repos/{REPO}/issues/{number}/events")
        _, _, timeline = get(gh, f"/repos/{REPO}/issues/{number}/timeline")
    api = faithful.url.rstrip("/")
    for entries in (repo_wide, own, timeline):
        referenced = {e["commit_id"]: e for e in entries if e["event"] == "referenced"}
        assert set(referenced) == {mapped, unmapped}
        assert referenced[mapped]["actor"]["login"] == "bob"
        assert referenced[unmapped]["actor"] is None
        assert referenced[mapped]["commit_url"] == f"{api}/repos/acme/gadgets/commits/{mapped}"
        assert referenced[unmapped]["commit_url"] == f"{api}/repos/{REPO}/commits/{unmapped}"
        assert re.fullmatch("[0-9a-f]{40}", mapped)
    validate_def("state-change-issue-event",
                 next(e for e in timeline if e.get("commit_id") == mapped))


def test_a_search_without_a_type_qualifier_is_422_unless_the_token_may(faithful):
    faithful.create_issue(REPO, "Plan", labels=["roadmap"])
    q = f'repo:{REPO} label:"roadmap"'
    with client(faithful) as gh:
        status, _, data = get(gh, "/search/issues", {"q": q})
        assert status == 422
        assert "is:issue" in data["errors"][0]["message"]
        for qualifier in ("is:issue", "is:pull-request", "is:pr", "type:issue", "type:pr",
                          "IS:ISSUE"):
            assert get(gh, "/search/issues", {"q": f"{q} {qualifier}"})[0] == 200, qualifier
    with client(faithful, "tok-classic") as classic:
        assert found(classic, q) == [1]
    with client(faithful, None) as anonymous:
        assert get(anonymous, "/search/issues", {"q": q})[0] == 422


def test_search_pages_only_to_the_first_thousand_results(faithful):
    faithful.bulk_create(REPO, issues=1_050, comments=0)
    q = {"q": f"repo:{REPO} is:issue", "per_page": 100}
    with client(faithful, "tok-classic") as gh:
        status, headers, data = get(gh, "/search/issues", {**q, "page": 10})
        assert (status, data["total_count"], len(data["items"])) == (200, 1_050, 100)
        assert 'page=10>; rel="last"' not in headers.get("link", "")
        first = get(gh, "/search/issues", {**q, "page": 1})[1]["link"]
        assert 'page=10>; rel="last"' in first
        status, headers, data = get(gh, "/search/issues", {**q, "page": 11})
        assert status == 422
        assert data["message"] == "Only the first 1000 search results are available"
        assert "etag" not in headers


def test_search_sees_the_index_as_it_was_search_lag_ago(faithful):
    kept = faithful.create_issue(REPO, "Kept", labels=["roadmap"])
    dropped = faithful.create_issue(REPO, "Loses the label", labels=["roadmap"])
    doomed = faithful.create_issue(REPO, "Deleted", labels=["roadmap"])
    moved = faithful.create_issue(REPO, "Transferred", labels=["roadmap"])
    faithful.clock.advance(100)
    faithful.search_lag = 30
    faithful.remove_label(REPO, dropped, "roadmap")
    faithful.delete(REPO, doomed)
    faithful.transfer(REPO, moved, "acme/gadgets")
    fresh = faithful.create_issue(REPO, "New", labels=["roadmap"])
    faithful.close(REPO, kept)
    q = f"repo:{REPO} is:issue label:roadmap"
    with client(faithful) as gh:
        before = [kept, dropped, doomed, moved]
        assert found(gh, q) == before
        assert found(gh, f"{q} state:open") == before  # the close is not indexed yet
        _, _, data = get(gh, "/search/issues", {"q": q})
        assert data["total_count"] == 4
        assert {i["number"]: i["state"] for i in data["items"]}[kept] == "open"
        faithful.clock.advance(29)
        assert found(gh, q) == before
        faithful.clock.advance(1)
        assert found(gh, q) == [kept, fresh]
        assert found(gh, f"{q} state:open") == [fresh]
        assert found(gh, "repo:acme/gadgets is:issue label:roadmap") == [1]
        faithful.search_lag = 0
        faithful.comment(REPO, fresh, "bob", "live again")
        assert found(gh, f"{q} state:open") == [fresh]


def test_search_lag_keeps_the_earlier_indexed_form_of_an_item(faithful):
    number = faithful.create_issue(REPO, "Old title", labels=["roadmap"])
    faithful.clock.advance(60)
    faithful.search_lag = 10
    faithful.edit(REPO, number, title="New title")
    faithful.comment(REPO, number, "bob", "hello")
    with client(faithful) as gh:
        _, _, data = get(gh, "/search/issues", {"q": f"repo:{REPO} is:issue"})
        (item,) = data["items"]
        assert (item["title"], item["comments"]) == ("Old title", 0)
        faithful.clock.advance(10)
        (item,) = get(gh, "/search/issues", {"q": f"repo:{REPO} is:issue"})[2]["items"]
        assert (item["title"], item["comments"]) == ("New title", 1)


def test_search_lag_at_benchmark_scale(faithful):
    """10,000 issues, 50 changed within the lag: the lagged search sees them as before."""
    faithful.bulk_create(REPO, issues=10_000, comments=0)  # one a second, until now
    faithful.search_lag = 60
    q = {"q": f"repo:{REPO} is:issue label:roadmap", "per_page": 100}
    with client(faithful) as gh:  # the newest 59 are not indexed yet
        assert get(gh, "/search/issues", q)[2]["total_count"] == 9_941
    faithful.clock.advance(60)
    for number in range(1, 51):
        faithful.remove_label(REPO, number, "roadmap")
    with client(faithful) as gh:
        assert get(gh, "/search/issues", q)[2]["total_count"] == 10_000
        faithful.clock.advance(60)
        assert get(gh, "/search/issues", q)[2]["total_count"] == 9_950


def test_points_come_from_the_servers_books_and_304s_are_free(faithful):
    faithful.create_issue(REPO, "Plan")
    with client(faithful) as gh, client(faithful, None) as anonymous:
        _, headers, _ = get(gh, f"/repos/{REPO}/issues")
        assert get(gh, f"/repos/{REPO}/issues", etag=headers["etag"])[0] == 304
        get(gh, "/rate_limit")
        get(gh, "/search/issues", {"q": f"repo:{REPO} is:issue"})
        assert get(gh, f"/repos/{REPO}/issues/99")[0] == 404  # errors cost a point too
        get(anonymous, f"/repos/{REPO}")
        assert faithful.points("tok-alice") == {"core": 2, "search": 1}
        assert faithful.points(None) == {"core": 1, "search": 0}
        assert faithful.points("tok-bob") == {"core": 0, "search": 0}
        faithful.set_rate_limit("tok-alice", remaining=5000)  # a refill does not refund
        assert faithful.points("tok-alice")["core"] == 2
        faithful.reset_points()
        assert faithful.points("tok-alice") == {"core": 0, "search": 0}
        get(gh, f"/repos/{REPO}")
        assert faithful.points("tok-alice") == {"core": 1, "search": 0}


def test_writes_carry_an_etag_but_204s_and_errors_do_not(faithful):
    number = faithful.create_issue(REPO, "Plan")
    with client(faithful) as gh:
        status, headers, _ = gh.requester.requestJson(
            "POST", f"/repos/{REPO}/issues/{number}/comments", input={"body": "hi"})
        assert status == 201
        assert headers["etag"].startswith('W/"') and "location" in headers
        assert headers["cache-control"] == "private, max-age=60, s-maxage=60"
        status, headers, _ = gh.requester.requestJson("PUT", f"/repos/{REPO}/issues/1/lock")
        assert status == 204
        assert not {"etag", "cache-control", "content-type"} & set(headers)
        status, headers, _ = get(gh, f"/repos/{REPO}/issues/99")
        assert status == 404
        assert not {"etag", "cache-control", "last-modified"} & set(headers)
        _, headers, _ = get(gh, f"/repos/{REPO}/issues/{number}")
        assert "last-modified" in headers
        assert "last-modified" not in get(gh, f"/repos/{REPO}/issues")[1]


# -- sub-issues --------------------------------------------------------------------------------


def summary(data: dict[str, Any]) -> tuple[int, int, int]:
    shown = data["sub_issues_summary"]
    return shown["total"], shown["completed"], shown["percent_completed"]


def test_sub_issues_over_rest_move_no_updated_at(faithful):
    parent = faithful.create_issue(REPO, "Epic")
    child = faithful.create_issue(REPO, "Part", user="bob")
    other = faithful.create_issue("acme/gadgets", "Elsewhere")
    faithful.clock.advance(100)
    paths = [f"/repos/{REPO}/issues/{parent}", f"/repos/{REPO}/issues/{child}",
             f"/repos/acme/gadgets/issues/{other}"]
    with client(faithful) as gh:

        def updated() -> list[str]:
            return [get(gh, path)[2]["updated_at"] for path in paths]

        before = updated()
        _, listed, _ = get(gh, f"/repos/{REPO}/issues")
        child_id = faithful.issue(REPO, child).id
        status, headers, made = gh.requester.requestJson(
            "POST", f"/repos/{REPO}/issues/{parent}/sub_issues",
            input={"sub_issue_id": child_id})
        data = json.loads(made)
        assert (status, data["number"], summary(data)) == (201, parent, (1, 0, 0))
        assert headers["etag"].startswith('W/"')
        gh.requester.requestJsonAndCheck(
            "POST", f"/repos/{REPO}/issues/{parent}/sub_issues",
            input={"sub_issue_id": faithful.issue("acme/gadgets", other).id})
        _, _, page = get(gh, f"/repos/{REPO}/issues/{parent}/sub_issues")
        parent_url = f"{faithful.url}/repos/{REPO}/issues/{parent}"
        assert [(i["number"], i["parent_issue_url"]) for i in page] == [
            (child, parent_url), (other, parent_url)]
        assert get(gh, f"/repos/{REPO}/issues/{child}/parent")[2]["number"] == parent
        assert get(gh, f"/repos/{REPO}/issues/{parent}/parent")[0] == 404
        assert updated() == before  # no updated_at moved, on either side ...
        status, _, now = get(gh, f"/repos/{REPO}/issues", etag=listed["etag"])
        assert status == 200  # ... but the list changed
        assert summary({i["number"]: i for i in now}[parent]) == (2, 0, 0)
        status, _, gone = gh.requester.requestJson(
            "DELETE", f"/repos/{REPO}/issues/{parent}/sub_issue",
            input={"sub_issue_id": child_id})
        assert (status, summary(json.loads(gone))) == (200, (1, 0, 0))
        assert get(gh, f"/repos/{REPO}/issues/{child}/parent")[0] == 404
        assert get(gh, f"/repos/{REPO}/issues/{child}")[2]["parent_issue_url"] is None
        status, _, _ = gh.requester.requestJson(
            "DELETE", f"/repos/{REPO}/issues/{parent}/sub_issue",
            input={"sub_issue_id": child_id})
        assert status == 404  # no longer a sub-issue
        assert updated() == before


def test_a_sub_issue_closing_changes_the_parents_summary_not_its_updated_at(faithful):
    parent = faithful.create_issue(REPO, "Epic")
    parts = [faithful.create_issue(REPO, f"Part {n}") for n in range(3)]
    for part in parts:
        faithful.add_sub_issue(REPO, parent, REPO, part)
    faithful.clock.advance(100)
    with client(faithful) as gh:
        _, headers, data = get(gh, f"/repos/{REPO}/issues/{parent}")
        assert summary(data) == (3, 0, 0)
        faithful.close(REPO, parts[0])
        faithful.close(REPO, parts[1], state_reason="not_planned")
        status, _, data = get(gh, f"/repos/{REPO}/issues/{parent}", etag=headers["etag"])
        assert status == 200
        assert summary(data) == (3, 2, 66)
        assert data["updated_at"] == "2025-06-01T12:00:00Z"
        faithful.reopen(REPO, parts[0])
        assert summary(get(gh, f"/repos/{REPO}/issues/{parent}")[2]) == (3, 1, 33)
        listed = {i["number"]: i for i in get(gh, f"/repos/{REPO}/issues")[2]}
        assert summary(listed[parent]) == (3, 1, 33)
        assert summary(listed[parts[0]]) == (0, 0, 0)
        item = get(gh, "/search/issues", {"q": f"repo:{REPO} is:issue Epic"})[2]["items"][0]
        assert summary(item) == (3, 1, 33)


def test_sub_issue_limits_are_githubs(faithful):
    parent = faithful.create_issue(REPO, "Epic")
    child = faithful.create_issue(REPO, "Part")
    faithful.add_sub_issue(REPO, parent, REPO, child)
    other = faithful.create_issue(REPO, "Other epic")
    pr = faithful.create_issue(REPO, "A fix", pull_request=True)
    foreign = faithful.create_issue("other/things", "Not ours")
    with client(faithful) as gh:

        def add(to: int, issue_id: int, **extra: Any) -> tuple[int, Any]:
            status, _, text = gh.requester.requestJson(
                "POST", f"/repos/{REPO}/issues/{to}/sub_issues",
                input={"sub_issue_id": issue_id, **extra})
            return status, json.loads(text)

        child_id = faithful.issue(REPO, child).id
        status, data = add(other, child_id)
        assert status == 422 and "only have one parent" in data["message"]
        assert add(other, child_id, replace_parent=True)[0] == 201
        assert faithful.issue(REPO, child).parent is faithful.issue(REPO, other)
        assert faithful.issue(REPO, parent).children == []
        assert add(other, faithful.issue(REPO, pr).id)[0] == 422
        assert add(other, faithful.issue("other/things", foreign).id)[0] == 422
        assert add(child, faithful.issue(REPO, other).id)[0] == 422  # a loop
        assert add(other, 999_999_999)[0] == 404
        with client(faithful, "tok-bob") as bob:
            status, _, _ = bob.requester.requestJson(
                "POST", f"/repos/{REPO}/issues/{parent}/sub_issues",
                input={"sub_issue_id": child_id})
            assert status == 403
    chain = [faithful.create_issue(REPO, f"Level {n}") for n in range(9)]
    for upper, lower in itertools.pairwise(chain):
        faithful.add_sub_issue(REPO, upper, REPO, lower)  # 8 levels below the top
    with pytest.raises(ValueError, match="8 levels"):
        faithful.add_sub_issue(REPO, chain[-1], REPO, faithful.create_issue(REPO, "Too deep"))
    many = faithful.create_issue(REPO, "Many")
    for n in range(100):
        faithful.add_sub_issue(REPO, many, REPO, faithful.create_issue(REPO, f"Piece {n}"))
    with pytest.raises(ValueError, match="100 sub-issues"):
        faithful.add_sub_issue(REPO, many, REPO, faithful.create_issue(REPO, "One more"))
    with client(faithful) as gh:
        pages = list(answers(gh, f"/repos/{REPO}/issues/{many}/sub_issues", per_page=30))
        assert [len(page) for page in pages] == [30, 30, 30, 10]


def test_python_api_remove_sub_issue_and_deletion_and_transfer(faithful):
    parent = faithful.create_issue(REPO, "Epic")
    kept, doomed, moved = (faithful.create_issue(REPO, name) for name in ("a", "b", "c"))
    for child in (kept, doomed, moved):
        faithful.add_sub_issue(REPO, parent, REPO, child)
    faithful.remove_sub_issue(REPO, parent, REPO, kept)
    with pytest.raises(ValueError):
        faithful.remove_sub_issue(REPO, parent, REPO, kept)
    faithful.delete(REPO, doomed)
    new = faithful.transfer(REPO, moved, "acme/gadgets")
    with client(faithful) as gh:
        (only,) = get(gh, f"/repos/{REPO}/issues/{parent}/sub_issues")[2]
        assert (only["number"], only["repository_url"].endswith("/acme/gadgets")) == (new, True)
        assert summary(get(gh, f"/repos/{REPO}/issues/{parent}")[2]) == (1, 0, 0)


# -- 404, 410, 301 -----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/comments", "/timeline", "/events", "/sub_issues",
                                    "/parent"])
def test_never_existed_is_404_deleted_is_410_transferred_is_301(faithful, suffix):
    deleted = faithful.create_issue(REPO, "Spam")
    moved = faithful.create_issue(REPO, "Misfiled")
    faithful.delete(REPO, deleted)
    new = faithful.transfer(REPO, moved, "acme/gadgets")
    with client(faithful) as gh:
        assert get(gh, f"/repos/{REPO}/issues/99{suffix}")[0] == 404
        status, _, data = get(gh, f"/repos/{REPO}/issues/{deleted}{suffix}")
        assert (status, data["message"]) == (410, "This issue was deleted")
    redirect = requests.get(f"{faithful.url}/repos/{REPO}/issues/{moved}{suffix}",
                            headers={"Authorization": "token tok-alice"},
                            allow_redirects=False, timeout=10)
    assert redirect.status_code == 301
    gadgets = faithful.repo("acme/gadgets").id
    assert redirect.headers["location"] == (
        f"{faithful.url}/repositories/{gadgets}/issues/{new}{suffix}")


# -- the schema slicer -------------------------------------------------------------------------


def test_the_slicer_translates_nullable_and_keeps_property_names():
    schema = {
        "type": "object", "description": "dropped", "example": {},
        "properties": {
            "description": {"type": "string", "nullable": True},
            "owner": {"$ref": "#/components/schemas/simple-user"},
        },
        "required": ["description"],
    }
    translated = translate(schema)
    assert translated == {
        "type": "object",
        "properties": {
            "description": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "owner": {"$ref": "#/$defs/simple-user"},
        },
        "required": ["description"],
    }
    assert list(references(translated)) == ["simple-user"]
    nullable_ref = translate({"allOf": [{"$ref": "#/components/schemas/x"}], "nullable": True})
    assert nullable_ref == {"anyOf": [{"allOf": [{"$ref": "#/$defs/x"}]}, {"type": "null"}]}


def test_the_bundle_holds_exactly_the_operations_the_tool_calls():
    assert sorted(SCHEMAS["operations"]) == sorted(f"{m} {p}" for m, p in OPERATIONS)
    assert all(SCHEMAS["operations"].values())
    missing = {ref for schema in SCHEMAS["$defs"].values()
               for ref in references(schema)} - set(SCHEMAS["$defs"])
    assert missing == set()
