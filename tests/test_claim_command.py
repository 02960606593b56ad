"""`claim`, `unclaim`, `link`, `unlink`, `who`, `available` and `status` through the CLI,
with the real PyGithub client against the GitHub test server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import run
from .github_server.fixtures import github_server_fixture, seed_acme
from .syncing import REPO, project_env

github_server = github_server_fixture(setup=seed_acme)

ROADMAP = """\
# Widgets roadmap

## How can I help?

Comment on an issue labelled roadmap before you start.

# 1. Features

## 1.1 Runtime improvements

Tracked in #1.

## 1.2 Internal decoupling

Nothing filed yet.
"""

WRITES = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def cli_env(github_server, monkeypatch, tmp_path):
    project_env(github_server, monkeypatch, tmp_path)
    (tmp_path / "ROADMAP.md").write_text(ROADMAP, encoding="utf-8")
    return tmp_path


def roadmap_issue(server, title: str = "Runtime improvements", labels=("roadmap",), **extra):
    return server.create_issue(REPO, title, labels=list(labels), **extra)


def writes(server) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in server.log.records() if r.method in WRITES]


def ok(*args: str):
    result = run(*args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def who(*args: str) -> Any:
    return json.loads(ok("who", "--json", *args).output)


def assignees(server, number: int) -> list[str]:
    return [u.login for u in server.issue(REPO, number).assignees]


def last_comment(server, number: int):
    return server.issue(REPO, number).comments[-1]


def days_ago(server, days: int) -> None:
    server.clock.set(datetime.now(UTC) - timedelta(days=days))


# -- claim ----------------------------------------------------------------------------------


def test_claim_a_free_issue(github_server, cli_env):
    n = roadmap_issue(github_server)
    result = ok("claim", str(n))
    assert result.output == f"{REPO}#{n}: claimed and assigned to @alice\n"
    assert writes(github_server) == [("POST", f"/repos/{REPO}/issues/{n}/comments"),
                                     ("POST", f"/repos/{REPO}/issues/{n}/assignees")]
    comment = last_comment(github_server, n)
    assert (comment.user.login, comment.body) == ("alice", "/claim")
    assert assignees(github_server, n) == ["alice"]
    # The store knows at once, without a sync.
    (person,) = who()
    assert person["login"] == "alice"
    (entry,) = person["issues"]
    assert (entry["repo"], entry["number"], entry["item"], entry["kind"], entry["stale"]) == (
        REPO, n, "runtime-improvements", "comment", False)
    assert not any(r.path.endswith("/issues") for r in github_server.log.records()), \
        "`who` read the store, not GitHub"


@pytest.mark.parametrize("ref", ["acme/widgets#{n}", "https://github.com/acme/widgets/issues/{n}",
                                 "#{n}"])
def test_claim_accepts_each_ref_form(github_server, cli_env, ref):
    n = roadmap_issue(github_server)
    ok("claim", ref.format(n=n))
    assert assignees(github_server, n) == ["alice"]


def test_claim_an_issue_someone_else_holds_is_refused(github_server, cli_env):
    n = roadmap_issue(github_server)
    days_ago(github_server, 3)
    github_server.comment(REPO, n, "bob", "/claim")
    days_ago(github_server, 1)
    github_server.comment(REPO, n, "bob", "Halfway there.")
    github_server.clock.set(datetime.now(UTC))
    github_server.log.clear()
    result = run("claim", str(n))
    assert result.exit_code == 1, result.output + result.stderr
    since = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%d")
    last = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")
    assert result.stderr == (
        f"roadmap: {REPO}#{n}: already claimed by @bob since {since} (last activity {last}); "
        "to help, comment on the issue or ping @bob to offer help rather than starting in "
        "parallel\n")
    assert writes(github_server) == []
    assert assignees(github_server, n) == []


def test_claim_an_issue_assigned_to_someone_else_is_refused(github_server, cli_env):
    n = roadmap_issue(github_server, assignees=["bob"])
    github_server.log.clear()
    result = run("claim", str(n))
    assert result.exit_code == 1
    assert "already claimed by @bob" in result.stderr
    assert writes(github_server) == []


def _stale_claim_by_bob(server):
    days_ago(server, 45)
    n = roadmap_issue(server)
    server.comment(REPO, n, "bob", "/claim")
    server.clock.set(datetime.now(UTC))
    return n


def test_stale_claim_without_force_is_refused(github_server, cli_env):
    n = _stale_claim_by_bob(github_server)
    github_server.log.clear()
    result = run("claim", str(n))
    assert result.exit_code == 1
    assert "@bob's claim is stale" in result.stderr and "--force" in result.stderr
    assert result.stderr.count("\n") == 1
    assert writes(github_server) == []


def test_stale_claim_with_force_is_taken_over_and_says_so(github_server, cli_env):
    n = _stale_claim_by_bob(github_server)
    result = ok("claim", "--force", str(n))
    assert "claimed and assigned to @alice" in result.output
    body = last_comment(github_server, n).body
    assert body.startswith("/claim\n")
    assert "Taking over from @bob" in body and "stale claim" in body
    assert assignees(github_server, n) == ["alice"]


def test_force_does_not_take_an_active_claim(github_server, cli_env):
    n = roadmap_issue(github_server)
    github_server.comment(REPO, n, "bob", "/claim")
    github_server.log.clear()
    assert run("claim", "--force", str(n)).exit_code == 1
    assert writes(github_server) == []


def test_claim_without_push_access_is_a_comment_only_claim(github_server, cli_env, monkeypatch):
    n = roadmap_issue(github_server)
    monkeypatch.setenv("GITHUB_TOKEN", "tok-bob")
    result = ok("claim", str(n))
    assert "comment only" in result.output and "@bob" in result.output
    assert (last_comment(github_server, n).user.login, assignees(github_server, n)) == (
        "bob", [])
    (person,) = who("bob")
    assert person["login"] == "bob"
    assert [(i["number"], i["kind"]) for i in person["issues"]] == [(n, "comment")]


def test_claiming_twice_is_harmless(github_server, cli_env):
    n = roadmap_issue(github_server)
    ok("claim", str(n))
    github_server.log.clear()
    result = ok("claim", str(n))
    assert "already hold" in result.output
    assert writes(github_server) == []


def test_claim_landing_between_sync_and_claim_is_seen(github_server, cli_env):
    n = roadmap_issue(github_server)
    ok("sync")
    assert [i["number"] for i in json.loads(ok("available", "--json").output)] == [n]
    github_server.add_user("carol")
    github_server.comment(REPO, n, "carol", "/claim")
    github_server.log.clear()
    result = run("claim", str(n))
    assert result.exit_code == 1
    assert "already claimed by @carol" in result.stderr
    assert writes(github_server) == []


def test_dry_run_prints_the_calls_and_makes_none(github_server, cli_env):
    n = roadmap_issue(github_server)
    github_server.log.clear()
    result = ok("claim", "--dry-run", str(n))
    assert result.output.splitlines() == [
        f"POST /repos/{REPO}/issues/{n}/comments '/claim'",
        f"POST /repos/{REPO}/issues/{n}/assignees ['alice']",
        f"{REPO}#{n}: would claim for @alice",
    ]
    assert writes(github_server) == []
    assert github_server.issue(REPO, n).comments == []
    assert who() == []


# -- unclaim --------------------------------------------------------------------------------


def test_unclaim_comments_and_unassigns(github_server, cli_env):
    n = roadmap_issue(github_server)
    ok("claim", str(n))
    github_server.log.clear()
    result = ok("unclaim", str(n))
    assert result.output == f"{REPO}#{n}: released @alice's claim\n"
    assert writes(github_server) == [("POST", f"/repos/{REPO}/issues/{n}/comments"),
                                     ("DELETE", f"/repos/{REPO}/issues/{n}/assignees")]
    assert last_comment(github_server, n).body == "/unclaim"
    assert assignees(github_server, n) == []
    assert who() == []


def test_unclaim_a_comment_only_claim(github_server, cli_env, monkeypatch):
    n = roadmap_issue(github_server)
    monkeypatch.setenv("GITHUB_TOKEN", "tok-bob")
    ok("claim", str(n))
    github_server.log.clear()
    ok("unclaim", str(n))
    assert writes(github_server) == [("POST", f"/repos/{REPO}/issues/{n}/comments")]
    assert who() == []


def test_unclaim_what_you_do_not_hold(github_server, cli_env):
    n = roadmap_issue(github_server)
    github_server.comment(REPO, n, "bob", "/claim")
    github_server.log.clear()
    result = run("unclaim", str(n))
    assert result.exit_code == 1
    assert result.stderr == f"roadmap: {REPO}#{n}: @alice holds no claim on it\n"
    assert writes(github_server) == []


def test_unclaim_dry_run(github_server, cli_env):
    n = roadmap_issue(github_server)
    ok("claim", str(n))
    github_server.log.clear()
    result = ok("unclaim", "--dry-run", str(n))
    assert f"DELETE /repos/{REPO}/issues/{n}/assignees ['alice']" in result.output
    assert writes(github_server) == []
    assert assignees(github_server, n) == ["alice"]


# -- link and unlink ------------------------------------------------------------------------


def status_json() -> Any:
    return json.loads(ok("status", "--json").output)


def issues_of(view, item_id: str):
    return next(i for i in view["items"] if i["id"] == item_id)["issues"]


def test_link_and_unlink_commands(github_server, cli_env):
    ref = roadmap_issue(github_server)
    other = roadmap_issue(github_server, "Split the daemon")
    ok("sync")
    view = status_json()
    assert issues_of(view, "runtime-improvements") == [f"{REPO}#{ref}"]
    assert view["attention"]["unlinked_issues"] == [f"{REPO}#{other}"]

    result = ok("link", str(other), "1.2")
    assert result.output == f"{REPO}#{other} linked to internal-decoupling (Internal decoupling)\n"
    view = status_json()
    assert issues_of(view, "internal-decoupling") == [f"{REPO}#{other}"]
    assert view["attention"]["unlinked_issues"] == []

    ok("unlink", f"{REPO}#{other}", "Internal decoupling")
    ok("unlink", str(ref), "runtime-improvements")
    view = status_json()
    assert issues_of(view, "internal-decoupling") == issues_of(view, "runtime-improvements") == []
    assert writes(github_server) == [], "linking is local: nothing is written to GitHub"


def test_link_to_an_unknown_item(github_server, cli_env):
    n = roadmap_issue(github_server)
    result = run("link", str(n), "no-such-item")
    assert result.exit_code == 2
    assert result.stderr.startswith("roadmap: no roadmap item 'no-such-item'")
    assert result.stderr.count("\n") == 1


# -- who, available, status -----------------------------------------------------------------


def _seed_people(server) -> dict[str, int]:
    server.add_user("carol")
    free = roadmap_issue(server)  # #1, which the roadmap names
    days_ago(server, 50)
    stale = roadmap_issue(server, "Old claim")
    server.comment(REPO, stale, "carol", "/claim")
    server.clock.set(datetime.now(UTC))
    numbers = {
        "free": free,
        "first": roadmap_issue(server, "Small cleanup", labels=("roadmap", "good first issue")),
        "taken": roadmap_issue(server, "Split the daemon"),
        "assigned": roadmap_issue(server, "Assigned work", assignees=["alice"]),
        "stale": stale,
    }
    server.comment(REPO, numbers["taken"], "bob", "I'd like to work on this")
    server.comment(REPO, numbers["taken"], "bob", "> /unclaim\n\nno, keeping it")
    closed = roadmap_issue(server, "Finished")
    server.close(REPO, closed)
    return numbers


def test_who(github_server, cli_env):
    numbers = _seed_people(github_server)
    ok("sync")
    people = {p["login"]: p["issues"] for p in who()}
    assert set(people) == {"alice", "bob", "carol"}
    assert [(i["number"], i["kind"], i["stale"]) for i in people["bob"]] == [
        (numbers["taken"], "comment", False)]
    assert [(i["number"], i["kind"], i["stale"]) for i in people["alice"]] == [
        (numbers["assigned"], "assigned", False)]
    assert [(i["number"], i["stale"]) for i in people["carol"]] == [(numbers["stale"], True)]
    assert list(people["bob"][0]) == ["repo", "number", "title", "item", "kind", "since",
                                      "last_activity", "stale"]
    assert [p["login"] for p in who("@carol")] == ["carol"]
    text = ok("who").output
    assert "@carol (1 issue)" in text and "STALE" in text


def test_available_puts_good_first_issues_first_and_marks_stale_claims(github_server, cli_env):
    numbers = _seed_people(github_server)
    ok("sync")
    found = json.loads(ok("available", "--json").output)
    assert [i["number"] for i in found] == [numbers["first"], numbers["free"], numbers["stale"]]
    by_number = {i["number"]: i for i in found}
    assert by_number[numbers["free"]]["claim"] is None
    stale = by_number[numbers["stale"]]["claim"]
    assert (stale["login"], stale["stale"]) == ("carol", True)
    assert by_number[numbers["free"]]["item"] == "runtime-improvements"
    assert list(found[0]) == ["repo", "number", "title", "url", "item", "labels", "claim"]
    text = ok("available").output.splitlines()
    assert text[0].startswith(f"{REPO}#{numbers['first']} Small cleanup")
    assert "(stale claim by @carol" in text[2]
    only = json.loads(ok("available", "--json", "--label", "good first issue").output)
    assert [i["number"] for i in only] == [numbers["first"]]


def test_status_json_shape(github_server, cli_env):
    numbers = _seed_people(github_server)
    ok("sync")
    ok("link", str(numbers["taken"]), "internal-decoupling")
    view = status_json()
    assert list(view) == ["counts", "items", "attention", "suggestions", "issue_titles"]
    assert view["counts"] == {"roadmap_issues": 6, "open_issues": 5,
                              "labelled_pull_requests": 0}
    assert [i["id"] for i in view["items"]] == ["features", "runtime-improvements",
                                               "internal-decoupling"]
    first = view["items"][0]
    assert list(first) == ["id", "number", "title", "level", "parent", "declared", "status",
                           "issues", "people", "last_activity", "progress", "drift",
                           "sub_issues", "issue_sub_issues"]
    assert (first["sub_issues"], first["issue_sub_issues"]) == (None, {})
    # In the order a maintainer acts on them (test_status_screen_puts_first_things_first).
    assert list(view["attention"]) == ["unlinked_issues", "drift", "conflicts", "stalled",
                                       "stale_claims", "items_without_issue"]
    items = {i["id"]: i for i in view["items"]}
    assert (items["runtime-improvements"]["status"], items["runtime-improvements"]["issues"]) \
        == ("planned", [f"{REPO}#{numbers['free']}"])
    assert (items["internal-decoupling"]["status"], items["internal-decoupling"]["people"]) == (
        "in-progress", ["bob"])
    assert (first["status"], first["people"], first["progress"]) == (
        "in-progress", ["bob"], {"planned": 1, "in-progress": 1})
    assert any(f"#{numbers['stale']}: @carol's claim" in s
               for s in view["attention"]["stale_claims"])
    assert f"{REPO}#{numbers['assigned']}" in view["attention"]["unlinked_issues"]
    assert "Features" in ok("status").output


# -- bad input: one line, nothing written ---------------------------------------------------


def _one_line_and_nothing_written(server, result, code: int, message: str) -> None:
    assert result.exit_code == code, result.output + result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert writes(server) == []


def test_issue_not_on_the_roadmap(github_server, cli_env):
    n = roadmap_issue(github_server, "A bug", labels=("bug",))
    github_server.log.clear()
    result = run("claim", str(n))
    _one_line_and_nothing_written(github_server, result, 2, "not on the roadmap")


def test_closed_issue(github_server, cli_env):
    n = roadmap_issue(github_server)
    github_server.close(REPO, n)
    github_server.log.clear()
    result = run("claim", str(n))
    _one_line_and_nothing_written(github_server, result, 2, "closed")


def test_missing_issue(github_server, cli_env):
    """404 is "not found" (no such issue, or no access); only GitHub's 410 means deleted."""
    result = run("claim", "999")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "not found" in result.stderr and "deleted" not in result.stderr
    assert writes(github_server) == []


def test_deleted_issue(github_server, cli_env):
    n = roadmap_issue(github_server)
    github_server.delete(REPO, n)
    result = run("claim", str(n))
    _one_line_and_nothing_written(github_server, result, 2, f"{REPO}#{n}: deleted")


@pytest.mark.parametrize("command", ["claim", "unclaim", "link"])
@pytest.mark.parametrize("ref", ["abc", "acme#12", "acme/widgets#x", "0", "-5",
                                 "https://github.com/acme/widgets/wiki/12"])
def test_malformed_ref(github_server, cli_env, command, ref):
    args = [command, "--", ref] + (["1.1"] if command == "link" else [])
    result = run(*args)
    _one_line_and_nothing_written(github_server, result, 2, "not an issue reference")
    assert github_server.log.records() == []


def test_no_token(github_server, cli_env, monkeypatch, tmp_path_factory):
    n = roadmap_issue(github_server)
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path_factory.mktemp("empty-path")))
    for command in ("claim", "unclaim"):
        result = run(command, str(n))
        _one_line_and_nothing_written(github_server, result, 2, "needs a GitHub token")
    assert github_server.log.records() == []


# -- what the screens say (issue 13) ----------------------------------------------------------


def test_status_screen_puts_first_things_first(github_server, cli_env):
    numbers = _seed_people(github_server)
    for n in range(7):
        roadmap_issue(github_server, f"Unfiled chore {n}")
    near = roadmap_issue(github_server, "Internal decoupling of the builder")
    roadmap_issue(github_server, "A labelled pull request", pull_request=True)
    ok("sync")
    lines = ok("status").output.splitlines()
    # The one count of roadmap issues (as sync, issues and the report give it).
    assert lines[0] == "14 roadmap issues (13 open) and 1 labelled pull request"
    # Counts of each kind next, most pressing first.
    assert lines[1].startswith("needs attention: 13 roadmap issues linked to no item, ")
    assert lines[1].index("linked to no item") < lines[1].index("1 stale claim")
    at = {line: n for n, line in enumerate(lines)}
    unlinked = at["roadmap issues linked to no item (13):"]
    stale = at["stale claim (1):"]
    assert unlinked < stale < at["item with no issue (1):"]
    # The issue with a suggestion first, with its title and the command that links it.
    assert lines[unlinked + 1] == (
        f"  {REPO}#{near} Internal decoupling of the builder — may belong to "
        "internal-decoupling (similarity 100.0): roadmap link "
        f"{REPO}#{near} internal-decoupling")
    assert lines[unlinked + 6] == "  ... and 8 more (roadmap status --json)"
    assert f"#{numbers['stale']}: @carol's claim" in lines[stale + 1]
    assert lines[-2].startswith("1 Features") or lines[-1].startswith("1 Features")
    assert not any(line.startswith("drift") for line in lines)  # no issue is not drift


def test_who_tells_someone_idle_from_someone_unknown(github_server, cli_env):
    n = roadmap_issue(github_server)
    github_server.add_user("bob")
    github_server.comment(REPO, n, "bob", "Looks good to me.")
    ok("sync")
    idle, unknown = ok("who", "bob").output, ok("who", "nobody").output
    assert idle == "@bob works on no roadmap issue (no claim, assignment or open pull request)\n"
    assert unknown.startswith("@nobody: no such person on the roadmap")
    assert json.loads(ok("who", "--json", "nobody").output) == []


def test_who_puts_active_work_first(github_server, cli_env):
    numbers = _seed_people(github_server)
    days_ago(github_server, 50)
    github_server.comment(REPO, roadmap_issue(github_server, "Another old one"), "carol",
                          "/claim")
    github_server.clock.set(datetime.now(UTC))
    github_server.comment(REPO, roadmap_issue(github_server, "Fresh one"), "carol", "/claim")
    ok("sync")
    people = who()
    # carol has one active claim (as alice and bob do) and two stale ones: she leads, and
    # her active claim comes before her stale ones, whatever the issues' order.
    assert [p["login"] for p in people] == ["carol", "alice", "bob"]
    assert [i["stale"] for i in people[0]["issues"]] == [False, True, True]
    assert numbers["stale"] in [i["number"] for i in people[0]["issues"][1:]]
    assert ok("who", "carol").output.splitlines()[1].endswith("last activity " +
                                                              datetime.now(UTC).strftime("%F"))


def test_who_puts_people_with_active_work_before_those_with_only_stale_claims(
        github_server, cli_env):
    _seed_people(github_server)
    days_ago(github_server, 50)
    for title in ("Old two", "Old three"):
        github_server.comment(REPO, roadmap_issue(github_server, title), "carol", "/claim")
    github_server.clock.set(datetime.now(UTC))
    ok("sync")
    assert [p["login"] for p in who()] == ["alice", "bob", "carol"]


def test_available_lists_unclaimed_before_stale_claimed(github_server, cli_env):
    numbers = _seed_people(github_server)
    later = roadmap_issue(github_server, "Filed later, nobody on it")
    ok("sync")
    found = [i["number"] for i in json.loads(ok("available", "--json").output)]
    assert found == [numbers["first"], numbers["free"], later, numbers["stale"]]


def test_available_says_why_there_is_nothing(github_server, cli_env):
    n = roadmap_issue(github_server, labels=("roadmap", "area/docs"))
    ok("sync")
    assert ok("available", "--label", "nosuch").output == (
        "no open roadmap issue has the label 'nosuch'\n")
    github_server.comment(REPO, n, "bob", "/claim")
    ok("sync")
    assert ok("available").output == "every open roadmap issue is claimed\n"
    assert ok("available", "--label", "area/docs").output == (
        "every open roadmap issue labelled 'area/docs' is claimed\n")


def test_link_refuses_an_issue_that_exists_nowhere(github_server, cli_env):
    roadmap_issue(github_server)
    ok("sync")
    result = run("link", "9999", "1.1")
    assert result.exit_code == 2
    assert result.stderr == (f"roadmap: {REPO}#9999: no such roadmap issue in the store (give "
                             "it the 'roadmap' label and run `roadmap sync`); nothing linked\n")
    assert status_json()["items"][1]["issues"] == [f"{REPO}#1"]


def test_force_on_an_active_claim_says_force_is_for_stale_claims(github_server, cli_env):
    n = roadmap_issue(github_server)
    github_server.comment(REPO, n, "bob", "/claim")
    result = run("claim", "--force", str(n))
    assert result.exit_code == 1
    assert "--force takes over stale claims only, and this one is active" in result.stderr
    plain = run("claim", str(n))
    assert plain.exit_code == 1 and "--force" not in plain.stderr


# -- claims that match how people work (issue 13) ---------------------------------------------


def test_a_claims_clock_starts_at_its_assignment_and_only_the_claimant_keeps_it_fresh(
        github_server, cli_env):
    with open(cli_env / "roadmap.toml", "a", encoding="utf-8") as config:
        config.write("claim_expiry_days = 10\n")
    github_server.add_user("carol")
    days_ago(github_server, 400)
    old = roadmap_issue(github_server, "Filed long ago")
    undated = roadmap_issue(github_server, "Assigned before the events a sync reads")
    days_ago(github_server, 60)
    github_server.assign(REPO, undated, "carol", actor="alice")
    days_ago(github_server, 20)  # in the events a first sync reads (30 days)
    github_server.assign(REPO, old, "carol", actor="alice")
    days_ago(github_server, 2)
    github_server.comment(REPO, old, "alice", "@carol are you still on this?")
    github_server.clock.set(datetime.now(UTC))
    fresh = roadmap_issue(github_server, "Hi-claimed")
    github_server.comment(REPO, fresh, "carol", "Hi! /claim")
    quoted = roadmap_issue(github_server, "Quoted claim")
    github_server.comment(REPO, quoted, "carol", "> Hi! /claim\n\nthat was bob, not me")
    ok("sync")
    (carol,) = who("carol")
    by_number = {i["number"]: i for i in carol["issues"]}
    assert set(by_number) == {old, fresh, undated}  # the quoted /claim counts for nobody
    # GitHub's event for the assignment 60 days ago is not read: its start is unknown,
    # not the issue's creation, and its clock has not started.
    assert (by_number[undated]["since"], by_number[undated]["stale"]) == (None, False)
    assert "since a day unknown, last activity unknown" in ok("who", "carol").output
    assigned = (datetime.now(UTC) - timedelta(days=20)).strftime("%F")
    # Since the assignment (not the issue's creation 400 days ago); alice's reminder two
    # days ago is not carol's activity: the claim is stale.
    assert (by_number[old]["kind"], by_number[old]["since"][:10], by_number[old]["stale"]) == (
        "assigned", assigned, True)
    assert by_number[old]["last_activity"][:10] == assigned
    assert (by_number[fresh]["kind"], by_number[fresh]["stale"]) == ("comment", False)
