"""`roadmap respond` and `roadmap webhook serve`, end to end: every case by an event file
(the CLI, as an Actions workflow runs it) and by an HTTP delivery signed with a real HMAC
(the receiver), with the real PyGithub client against the GitHub test server."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from roadmap.config import load_config
from roadmap.model import RemoteComment
from roadmap.parse.comments import comment_intent
from roadmap.respond.responder import build_responder
from roadmap.respond.webhook import serve_webhooks
from roadmap.store import Store, default_url
from roadmap.store.answers import load_answer_counts, load_delivery_counts

from .conftest import run
from .github_server import GitHubServer
from .github_server.fixtures import github_server_fixture
from .syncing import REPO, make_client, project_env
from .webhooks import SECRET, comment_payload, deliver, issue_payload, pull_payload

BOT = "github-actions[bot]"
BOT_TOKEN = "tok-actions"
WRITES = ("POST", "PATCH", "PUT", "DELETE")

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


def seed(server: GitHubServer) -> None:
    """alice, bob and carol can push to acme/widgets; dave cannot; the workflow's bot can."""
    server.add_user("alice", token="tok-alice")
    server.add_user("bob", token="tok-bob")
    server.add_user(BOT, token=BOT_TOKEN)
    server.add_repo(REPO, collaborators={"alice", "bob", "carol", BOT})


github_server = github_server_fixture(setup=seed)


@pytest.fixture
def project(github_server, monkeypatch, tmp_path, request):
    """A project answering as the workflow's bot; `@pytest.mark.settings(TOML)` adds to its
    roadmap.toml."""
    project_env(github_server, monkeypatch, tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    (tmp_path / "ROADMAP.md").write_text(ROADMAP, encoding="utf-8")
    extra = request.node.get_closest_marker("settings")
    if extra is not None:
        with (tmp_path / "roadmap.toml").open("a", encoding="utf-8") as handle:
            handle.write(extra.args[0])
    return tmp_path


class ByEventFile:
    """`roadmap respond --event FILE`, as a workflow runs it."""

    mode = "file"

    def __init__(self, folder) -> None:
        self.folder, self.count = folder, 0

    def send(self, event: str, payload: Any) -> str:
        self.count += 1
        path = self.folder / f"event-{self.count}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        result = run("respond", "--event", str(path), "--event-name", event)
        assert result.exit_code == 0, result.output + result.stderr
        return result.output


class ByDelivery:
    """A signed delivery to `roadmap webhook serve`'s receiver, waited on until worked."""

    mode = "http"

    def __init__(self, url: str, receiver) -> None:
        self.url, self.receiver = url, receiver

    def send(self, event: str, payload: Any, delivery: str | None = None) -> str:
        status, message = deliver(self.url, event, payload, delivery=delivery)
        assert status in (200, 202), message
        assert self.receiver.worker.wait_idle(30)
        return message


def open_store(folder) -> Store:
    config = load_config(None, folder)
    return Store.open(default_url(config.roadmap))


@pytest.fixture(params=["file", "http"])
def answer(request, project, github_server) -> Iterator[Any]:
    if request.param == "file":
        yield ByEventFile(project)
        return
    store = open_store(project)
    client = make_client(github_server, BOT_TOKEN, write_interval=0)
    responder = build_responder(store, client, load_config(None, project))
    try:
        with serve_webhooks(responder, SECRET, port=0) as receiver:
            yield ByDelivery(receiver.url, receiver)
    finally:
        client.close()
        store.close()


# -- helpers --------------------------------------------------------------------------------


def roadmap_issue(server: GitHubServer, title: str = "Runtime improvements",
                  labels: tuple[str, ...] = ("roadmap",), **extra: Any) -> int:
    return server.create_issue(REPO, title, labels=list(labels), **extra)


def writes(server) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in server.log.records() if r.method in WRITES]


def assignees(server, number: int) -> list[str]:
    return [u.login for u in server.issue(REPO, number).assignees]


def bot_comments(server, number: int) -> list[str]:
    return [c.body for c in server.issue(REPO, number).comments if c.user.login == BOT]


def claim(server: GitHubServer, answer, number: int, login: str, body: str = "/claim") -> int:
    server.clock.advance(1)  # each comment a second after what came before, as people type
    comment_id = server.comment(REPO, number, login, body)
    answer.send("issue_comment", comment_payload(server, REPO, comment_id))
    return comment_id


def day(delta_days: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(days=delta_days)).strftime("%Y-%m-%d")


def at(server, days: float) -> None:
    """Move the server's clock to `days` from now (negative: the past)."""
    server.clock.set(datetime.now(UTC) + timedelta(days=days))


def forget_assignments(server: GitHubServer, number: int) -> None:
    """Drop an issue's `assigned` events, as GitHub shows an assignment older than the
    history it keeps: the assignee stays, with no record of since when."""
    with server.lock:
        issue = server.issue(REPO, number)
        issue.events[:] = [e for e in issue.events if e.event != "assigned"]
        issue.repo.events[:] = [e for e in issue.repo.events if e.event != "assigned"]
        issue.timeline[:] = [e for e in issue.timeline
                             if getattr(e, "event", None) != "assigned"]
        issue.cache = None


def until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Wait for something another thread or process does; False if it never happens."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def respond_dry_run(folder, event: str, payload: Any) -> list[str]:
    """`roadmap respond --dry-run` on an event file: the lines it prints."""
    (folder / "event.json").write_text(json.dumps(payload), encoding="utf-8")
    result = run("respond", "--event", "event.json", "--event-name", event, "--dry-run")
    assert result.exit_code == 0, result.output + result.stderr
    return result.output.splitlines()


def marker(comment_id: int, kind: str) -> str:
    return f"<!-- roadmap-respond: answer to {comment_id}: {kind} -->"


KEEPING = ("While you work on it, the claim stays yours: each comment of yours here, or "
           "update to your pull request that links this issue, counts as activity. After 30 "
           "days without any (on {date}, if nothing happens before then), it goes stale and "
           "someone else may take it over. If you can no longer work on it, comment "
           "`/unclaim` to release it.")


# -- the answers ----------------------------------------------------------------------------


def test_a_claim_on_a_free_issue_is_assigned_and_answered(github_server, answer, project):
    n = roadmap_issue(github_server)
    github_server.log.clear()
    comment_id = claim(github_server, answer, n, "alice")
    assert assignees(github_server, n) == ["alice"]
    assert bot_comments(github_server, n) == [
        "@alice: this issue is yours, and you are assigned. Thanks for taking it on! It is "
        "part of the roadmap item **1.1 Runtime improvements**.\n\n"
        f"{KEEPING.format(date=day(30))}\n\n"
        f"{marker(comment_id, 'claimed')}"]
    assert writes(github_server) == [("POST", f"/repos/{REPO}/issues/{n}/assignees"),
                                     ("POST", f"/repos/{REPO}/issues/{n}/comments")]
    # The store knows at once: `who` reads it, not GitHub.
    (person,) = json.loads(run("who", "--json").output)
    assert (person["login"], person["issues"][0]["number"]) == ("alice", n)


def test_a_claim_by_someone_without_push_access_is_a_comment_only_claim(
        github_server, answer, project):
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "dave", "I'd like to work on this")
    assert assignees(github_server, n) == []
    (body,) = bot_comments(github_server, n)
    assert body.startswith("@dave: this issue is yours. GitHub did not accept you as an "
                           "assignee, so your comment stands as the claim. Thanks for taking "
                           "it on! ")


def test_a_claim_on_an_issue_someone_holds_is_refused(github_server, answer, project):
    n = roadmap_issue(github_server)
    at(github_server, -3)
    github_server.comment(REPO, n, "bob", "/claim")
    at(github_server, -1)
    github_server.comment(REPO, n, "bob", "Halfway there.")
    at(github_server, 0)
    comment_id = claim(github_server, answer, n, "alice")
    assert assignees(github_server, n) == []
    assert bot_comments(github_server, n) == [
        f"@alice: thanks for offering! This issue is already claimed by @bob (since "
        f"{day(-3)}, last active on it {day(-1)}), so you were not assigned. To avoid "
        "duplicated effort, ping @bob here to offer your help or to coordinate, rather than "
        "starting on it separately. If the claim goes 30 days without activity (after "
        f"{day(29)}), comment `/claim` again to take it over.\n\n"
        f"{marker(comment_id, 'refused')}"]


def test_a_claim_on_a_stale_claim_hands_it_over_and_tells_both(github_server, answer,
                                                                project):
    at(github_server, -45)
    n = roadmap_issue(github_server)
    github_server.comment(REPO, n, "bob", "/claim")
    github_server.assign(REPO, n, "bob")
    at(github_server, 0)
    comment_id = claim(github_server, answer, n, "alice")
    assert assignees(github_server, n) == ["alice"]
    assert bot_comments(github_server, n) == [
        "@alice: this issue is yours now, and you are assigned. @bob's claim had no "
        f"activity since {day(-45)} (more than 30 days), so it has been handed over to you. "
        "It is part of the roadmap item **1.1 Runtime improvements**.\n\n"
        f"{KEEPING.format(date=day(30))}\n\n"
        "@bob: your claim on this issue lapsed after 30 days without activity, and you are "
        "no longer assigned. If you are still on it, please say so here and coordinate with "
        f"@alice.\n\n{marker(comment_id, 'handed over')}"]


def test_an_assignee_with_no_assignment_on_record_is_not_handed_over(github_server, answer,
                                                                     project):
    """Assigned before the history GitHub keeps: not stale by the issue's age (60 days)."""
    at(github_server, -60)
    n = roadmap_issue(github_server, assignees=["bob"])
    forget_assignments(github_server, n)
    at(github_server, 0)
    comment_id = claim(github_server, answer, n, "alice")
    assert assignees(github_server, n) == ["bob"]
    assert bot_comments(github_server, n) == [
        "@alice: thanks for offering! This issue is already assigned to @bob, so you were "
        "not assigned. To avoid duplicated effort, ping @bob here to offer your help or to "
        "coordinate, rather than starting on it separately. If @bob is no longer on it, a "
        "maintainer can unassign them, and a new `/claim` takes it.\n\n"
        f"{marker(comment_id, 'refused')}"]


def test_stale_claims_by_comment_alone_are_handed_over_without_unassigning(
        github_server, answer, project):
    at(github_server, -50)
    n = roadmap_issue(github_server)
    github_server.comment(REPO, n, "bob", "/claim")
    at(github_server, -40)
    github_server.comment(REPO, n, "dave", "I'd like to work on this")  # no push access
    at(github_server, 0)
    claim(github_server, answer, n, "alice")
    assert assignees(github_server, n) == ["alice"]
    (body,) = bot_comments(github_server, n)
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith(
        "@alice: this issue is yours now, and you are assigned. The claims of @bob and "
        f"@dave had no activity since {day(-40)} (more than 30 days), so it has been handed "
        "over to you.")
    assert paragraphs[2] == (
        "@bob and @dave: your claims on this issue lapsed after 30 days without activity. If "
        "you are still on it, please say so here and coordinate with @alice.")


def test_unclaim_releases_and_confirms(github_server, answer, project):
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "alice")
    comment_id = claim(github_server, answer, n, "alice", "/unclaim")
    assert assignees(github_server, n) == []
    assert bot_comments(github_server, n)[-1] == (
        "@alice: your claim on this issue is released and you are unassigned; it is free "
        "for someone else to claim. Thanks for letting us know.\n\n"
        f"{marker(comment_id, 'released')}")
    assert json.loads(run("who", "--json").output) == []


def test_unclaim_without_a_claim_says_so(github_server, answer, project):
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "carol", "/unclaim")
    assert bot_comments(github_server, n)[-1].startswith(
        "@carol: you hold no claim on this issue, so there is nothing to release.")


def test_answers_lagging_behind_claims_and_releases_read_them_in_order(github_server, answer,
                                                                      project):
    """alice claims, lets go and claims again, bob asks, alice lets go, while the answers lag
    (a backlog): each of the tool's assignments and unassignments lands after the next
    comment is made, and none reads as a claim or a release of its own."""
    n = roadmap_issue(github_server)
    said: list[int] = []

    def comment(login: str, body: str) -> None:
        github_server.clock.advance(1)
        said.append(github_server.comment(REPO, n, login, body))

    def answer_next() -> None:
        github_server.clock.advance(1)
        answered = len(bot_comments(github_server, n))
        answer.send("issue_comment", comment_payload(github_server, REPO, said[answered]))

    comment("alice", "/claim")
    comment("alice", "/unclaim")
    answer_next()  # alice assigned after her /unclaim
    comment("alice", "/claim")
    answer_next()  # alice unassigned after her second /claim
    comment("bob", "/claim")
    comment("alice", "/unclaim")
    for _ in range(3):
        answer_next()
    kinds = ["claimed", "released", "claimed", "refused", "released"]
    assert [b.rsplit("\n\n", 1)[1] for b in bot_comments(github_server, n)] == [
        marker(c, kind) for c, kind in zip(said, kinds, strict=True)]
    assert assignees(github_server, n) == []


def test_claiming_again_while_holding_changes_nothing(github_server, answer, project):
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "alice")
    github_server.log.clear()
    claim(github_server, answer, n, "alice")
    assert bot_comments(github_server, n)[-1].startswith(
        f"@alice: you already hold this issue (since {day()}); nothing changed.")
    assert writes(github_server) == [("POST", f"/repos/{REPO}/issues/{n}/comments")]


@pytest.mark.parametrize("case", ["closed", "not on the roadmap", "pull request"])
def test_what_cannot_be_claimed_gets_a_short_explanation(github_server, answer, project, case):
    if case == "pull request":
        n = github_server.create_issue(REPO, "Faster startup", user="bob", pull_request=True)
    else:
        n = roadmap_issue(github_server, labels=() if case == "not on the roadmap"
                          else ("roadmap",))
    if case == "closed":
        github_server.close(REPO, n)
    claim(github_server, answer, n, "alice")
    assert assignees(github_server, n) == []
    (body,) = bot_comments(github_server, n)
    expected = {
        "closed": "@alice: this issue is closed, so there is nothing to claim or release "
                  "here; claims are made on open issues.",
        "not on the roadmap": "@alice: this issue is not on the roadmap (it has no `roadmap` "
                              "label), so claims on it are not tracked, and you were not "
                              "assigned.",
        "pull request": "@alice: this is a pull request; claims are made on issues, so you "
                        "were not assigned. Link the issue this works on from the pull "
                        "request's description (`Fixes #<issue>`), and its updates count as "
                        "activity on your claim there.",
    }[case]
    assert body.split("\n\n")[0] == expected


def test_bots_are_never_answered_not_even_itself(github_server, answer, project):
    n = roadmap_issue(github_server)
    github_server.add_user("dependabot[bot]")
    github_server.add_user("renovate", bot=True)  # `type: Bot`, no `[bot]` in the login
    github_server.log.clear()
    claim(github_server, answer, n, "dependabot[bot]")
    claim(github_server, answer, n, "renovate")
    assert writes(github_server) == []
    claim(github_server, answer, n, "alice")
    (own,) = [c for c in github_server.issue(REPO, n).comments if c.user.login == BOT]
    github_server.log.clear()
    answer.send("issue_comment", comment_payload(github_server, REPO, own.id))
    assert writes(github_server) == []


def test_its_own_account_is_never_answered_when_the_token_is_a_persons(github_server,
                                                                        project, monkeypatch):
    """Answering with a maintainer's token: its answers, and the maintainer's own
    commands, are that account's, and never answered."""
    github_server.add_user("maint", token="tok-maint")
    github_server.add_repo("acme/other", collaborators={"maint"})  # push access somewhere
    monkeypatch.setenv("GITHUB_TOKEN", "tok-maint")
    answer = ByEventFile(project)
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "alice")
    (own,) = [c for c in github_server.issue(REPO, n).comments if c.user.login == "maint"]
    assert own.body.startswith("@alice: this issue is yours")
    github_server.log.clear()
    answer.send("issue_comment", comment_payload(github_server, REPO, own.id))
    claim(github_server, answer, n, "maint", "/claim")
    assert writes(github_server) == []


@pytest.mark.settings("claim_patterns = ['^/take\\b']\nrelease_patterns = ['^/drop\\b']\n")
def test_the_configured_patterns_are_the_commands(github_server, answer, project):
    n = roadmap_issue(github_server)
    claimed = claim(github_server, answer, n, "alice", "/take")
    assert assignees(github_server, n) == ["alice"]
    github_server.log.clear()
    claim(github_server, answer, n, "bob", "/claim")  # not a command here
    assert writes(github_server) == []
    dropped = claim(github_server, answer, n, "alice", "/drop")
    assert assignees(github_server, n) == []
    assert [b.rsplit("\n\n", 1)[1] for b in bot_comments(github_server, n)] == [
        marker(claimed, "claimed"), marker(dropped, "released")]


def test_respond_reads_the_event_as_actions_gives_it(github_server, project, monkeypatch):
    """No options: `GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH` and `GITHUB_TOKEN`, as set in
    the workflow's step."""
    n = roadmap_issue(github_server)
    comment_id = github_server.comment(REPO, n, "alice", "/claim")
    path = project / "event.json"
    path.write_text(json.dumps(comment_payload(github_server, REPO, comment_id)),
                    encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_NAME", "issue_comment")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    result = run("respond")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output == f"{REPO}#{n}: claimed (comment {comment_id} by @alice)\n"
    assert assignees(github_server, n) == ["alice"]
    assert len(bot_comments(github_server, n)) == 1


def test_a_comment_that_claims_nothing_is_kept_not_answered(github_server, answer, project):
    n = roadmap_issue(github_server)
    github_server.log.clear()
    claim(github_server, answer, n, "carol", "Thanks, this would help us a lot.")
    assert writes(github_server) == []
    store = open_store(project)
    try:
        assert store.load_counts()["comments"] == 1
    finally:
        store.close()


def test_the_same_comment_is_answered_once(github_server, answer, project):
    n = roadmap_issue(github_server)
    comment_id = claim(github_server, answer, n, "alice")
    payload = comment_payload(github_server, REPO, comment_id)
    github_server.log.clear()
    answer.send("issue_comment", payload)  # a re-run of the workflow, a new delivery
    answer.send("issue_comment", comment_payload(github_server, REPO, comment_id, "edited"))
    assert writes(github_server) == []
    assert len(bot_comments(github_server, n)) == 1


def test_a_run_without_the_store_still_answers_once(github_server, project):
    """A workflow re-run gets a fresh checkout: the marker on GitHub is its memory."""
    n = roadmap_issue(github_server)
    answer = ByEventFile(project)
    comment_id = claim(github_server, answer, n, "alice")
    (project / ".roadmap" / "roadmap.db").unlink()
    github_server.log.clear()
    output = answer.send("issue_comment", comment_payload(github_server, REPO, comment_id))
    assert output == f"{REPO}#{n}: comment {comment_id} was answered\n"
    assert writes(github_server) == []


def test_a_comment_another_run_is_answering_is_left_to_it(github_server, project):
    """Two workflow runs on one store: the second finds the first's reservation."""
    from roadmap.store.answers import reserve_answer

    n = roadmap_issue(github_server)
    comment_id = github_server.comment(REPO, n, "alice", "/claim")
    store = open_store(project)
    try:
        assert reserve_answer(store, f"comment:{REPO}:{comment_id}", REPO, n,
                              datetime.now(UTC))
    finally:
        store.close()
    github_server.log.clear()
    output = ByEventFile(project).send("issue_comment",
                                       comment_payload(github_server, REPO, comment_id))
    assert output == (f"{REPO}#{n}: comment {comment_id} is being answered by another run "
                      "(one that stopped midway is retried after 10 minutes)\n")
    assert writes(github_server) == []


def test_dry_run_prints_the_calls_and_writes_nothing(github_server, project):
    n = roadmap_issue(github_server)
    comment_id = github_server.comment(REPO, n, "alice", "/claim")
    github_server.log.clear()
    lines = respond_dry_run(project, "issue_comment",
                            comment_payload(github_server, REPO, comment_id))
    assert lines[0] == f"POST /repos/{REPO}/issues/{n}/assignees ['alice']"
    assert lines[1].startswith(f"POST /repos/{REPO}/issues/{n}/comments '@alice: this issue "
                               "is yours, and you are assigned.")
    assert lines[-1] == f"{REPO}#{n}: claimed (comment {comment_id} by @alice)"
    assert writes(github_server) == []


def test_issue_and_pull_request_events_keep_the_store_current(github_server, answer, project):
    n = roadmap_issue(github_server)
    answer.send("issues", issue_payload(github_server, REPO, n, "labeled"))
    pr = github_server.create_issue(REPO, "Start faster", body=f"Fixes #{n}", user="bob",
                                    pull_request=True)
    answer.send("pull_request", pull_payload(github_server, REPO, pr))
    (entry,) = json.loads(run("issues", "--json").output)
    assert (entry["number"], entry["title"]) == (n, "Runtime improvements")
    (person,) = json.loads(run("who", "--json").output)
    assert (person["login"], person["issues"][0]["kind"]) == ("bob", "pull")


def test_a_deleted_issue_leaves_the_store(github_server, answer, project):
    n = roadmap_issue(github_server)
    answer.send("issues", issue_payload(github_server, REPO, n, "labeled"))
    payload = issue_payload(github_server, REPO, n, "deleted")
    github_server.delete(REPO, n)
    answer.send("issues", payload)
    assert json.loads(run("issues", "--json", "--state", "all").output) == []


@pytest.mark.settings("[housekeeping]\nmax_claims = 1\n")
def test_a_cap_on_active_claims_refuses_one_more(github_server, answer, project):
    first, second = roadmap_issue(github_server), roadmap_issue(github_server, "Decoupling")
    claim(github_server, answer, first, "alice")
    claim(github_server, answer, second, "alice")
    assert assignees(github_server, second) == []
    assert bot_comments(github_server, second)[0].startswith(
        f"@alice: you already hold 1 active claim ({REPO}#{first}), the most this roadmap "
        "allows one person at once (1), so you were not assigned. Finish one, or release one "
        "with `/unclaim` on it, then claim this issue again.")


def test_answers_never_read_as_claims_or_releases(github_server, answer, project):
    """Quoted or copied, an answer is no command: a claimant's own login could write one."""
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "alice")
    claim(github_server, answer, n, "bob")
    claim(github_server, answer, n, "alice", "/unclaim")
    for body in bot_comments(github_server, n):
        own = RemoteComment(1, n, "alice", False, body.replace("<!--", ""), "", datetime.now(UTC),
                            datetime.now(UTC))
        assert comment_intent(own) is None, body


# -- the receiver ---------------------------------------------------------------------------


@pytest.fixture
def receiver(project, github_server) -> Iterator[Any]:
    store = open_store(project)
    client = make_client(github_server, BOT_TOKEN, write_interval=0)
    try:
        with serve_webhooks(build_responder(store, client, load_config(None, project)),
                            SECRET, port=0) as running:
            yield running
    finally:
        client.close()
        store.close()


def _nothing_written(server, receiver) -> None:
    assert writes(server) == []
    assert load_delivery_counts(receiver.worker.store) == {}
    assert load_answer_counts(receiver.worker.store) == {}


@pytest.mark.parametrize("case", ["bad signature", "no signature", "signed with another secret"])
def test_an_unsigned_delivery_is_refused_and_nothing_is_done(github_server, receiver, case):
    n = roadmap_issue(github_server)
    comment_id = github_server.comment(REPO, n, "alice", "/claim")
    payload = comment_payload(github_server, REPO, comment_id)
    github_server.log.clear()
    cases: dict[str, dict[str, Any]] = {
        "bad signature": {"signature": "sha256=" + "0" * 64},
        "no signature": {"secret": None},
        "signed with another secret": {"secret": b"not the secret"},
    }
    options = cases[case]
    status, message = deliver(receiver.url, "issue_comment", payload, **options)
    assert (status, message) == (401, "bad or missing X-Hub-Signature-256")
    assert receiver.worker.wait_idle(10)
    _nothing_written(github_server, receiver)


def test_a_body_too_large_or_not_json_is_refused(github_server, receiver):
    status, message = deliver(receiver.url, "issue_comment", b"{" + b" " * (10 << 20) + b"}")
    assert (status, message) == (413, "the body is larger than 1048576 bytes")
    status, message = deliver(receiver.url, "issue_comment", b'{"action": "created", ')
    assert (status, message) == (400, "the body is not JSON")
    status, message = deliver(receiver.url, "issue_comment", b'["not", "an", "object"]')
    assert status == 400
    status, message = deliver(receiver.url, "issue_comment", {"action": "created"})
    assert (status, message) == (
        400, "issue_comment event: not a payload of GitHub's issue_comment event")
    assert receiver.worker.wait_idle(10)
    _nothing_written(github_server, receiver)


def test_a_replayed_delivery_does_nothing(github_server, receiver):
    n = roadmap_issue(github_server)
    comment_id = github_server.comment(REPO, n, "alice", "/claim")
    payload = comment_payload(github_server, REPO, comment_id)
    assert deliver(receiver.url, "issue_comment", payload, delivery="d-1")[0] == 202
    assert receiver.worker.wait_idle(30)
    github_server.log.clear()
    status, message = deliver(receiver.url, "issue_comment", payload, delivery="d-1")
    assert (status, message) == (200, "delivery d-1 was received before; nothing to do")
    assert receiver.worker.wait_idle(30)
    assert writes(github_server) == []
    assert load_delivery_counts(receiver.worker.store) == {"done": 1}


def test_the_delivery_is_answered_before_the_work_and_a_failed_work_is_tried_again(
        github_server, receiver):
    """GitHub gets its 202 while the answer cannot be written yet (GitHub refuses
    comments); once it takes them again, the answer is written, once."""
    n = roadmap_issue(github_server)
    comment_id = github_server.comment(REPO, n, "alice", "/claim")
    refusing = github_server.faults.add("503", path=r"/comments$", method="POST", every=1)
    status, message = deliver(receiver.url, "issue_comment",
                              comment_payload(github_server, REPO, comment_id))
    assert (status, message[:9]) == (202, "delivery ")
    assert until(lambda: refusing.fired >= 1)  # the worker tried, and GitHub refused
    assert bot_comments(github_server, n) == []
    assert receiver.pending() == 1
    github_server.faults.clear()
    assert receiver.worker.wait_idle(30)
    (body,) = bot_comments(github_server, n)
    assert body.endswith(marker(comment_id, "claimed"))
    assert assignees(github_server, n) == ["alice"]
    assert load_delivery_counts(receiver.worker.store) == {"done": 1}
    assert load_answer_counts(receiver.worker.store) == {"claimed": 1}


def test_a_ping_and_other_events_are_acknowledged(github_server, receiver):
    assert deliver(receiver.url, "ping", {"zen": "Keep it logically awesome."}) == (200, "pong")
    assert deliver(receiver.url, "star", {"action": "created"}) == (
        202, "star events are not answered; nothing to do")
    assert load_delivery_counts(receiver.worker.store) == {}


def test_two_claims_delivered_at_once_make_one_claimant_and_one_refusal(github_server,
                                                                         receiver):
    import threading

    n = roadmap_issue(github_server)
    first = github_server.comment(REPO, n, "alice", "/claim")
    second = github_server.comment(REPO, n, "bob", "/claim")
    payloads = [comment_payload(github_server, REPO, c) for c in (second, first)]
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda p=p: statuses.append(
        deliver(receiver.url, "issue_comment", p)[0])) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [202, 202]
    assert receiver.worker.wait_idle(30)
    assert assignees(github_server, n) == ["alice"]
    answers = bot_comments(github_server, n)
    assert len(answers) == 2
    assert sum(a.startswith("@alice: this issue is yours") for a in answers) == 1
    assert sum(a.startswith("@bob: thanks for offering! This issue is already claimed by "
                            "@alice") for a in answers) == 1


def test_a_restart_neither_loses_nor_repeats_an_answer(github_server, project):
    from roadmap.store.answers import save_delivery

    n = roadmap_issue(github_server)
    first = github_server.comment(REPO, n, "alice", "/claim")
    second = github_server.comment(REPO, n, "bob", "/claim")
    store = open_store(project)
    client = make_client(github_server, BOT_TOKEN, write_interval=0)
    responder = build_responder(store, client, load_config(None, project))
    try:
        with serve_webhooks(responder, SECRET, port=0) as running:
            deliver(running.url, "issue_comment", comment_payload(github_server, REPO, first))
            assert running.worker.wait_idle(30)
        # Accepted, then the receiver stopped before working on it:
        body = json.dumps(comment_payload(github_server, REPO, second))
        assert save_delivery(store, "accepted-before-the-stop", "issue_comment", body,
                             datetime.now(UTC))
        with serve_webhooks(responder, SECRET, port=0) as running:
            assert running.worker.wait_idle(30)
            # GitHub delivers the first comment again, under a new id (a redelivery is
            # the same id, and is dropped before that):
            deliver(running.url, "issue_comment", comment_payload(github_server, REPO, first))
            assert running.worker.wait_idle(30)
    finally:
        client.close()
        store.close()
    assert len(bot_comments(github_server, n)) == 2
    assert assignees(github_server, n) == ["alice"]


def test_webhook_serve_needs_a_secret(project, monkeypatch):
    monkeypatch.delenv("ROADMAP_WEBHOOK_SECRET", raising=False)
    result = run("webhook", "serve", "--port", "0")
    assert result.exit_code == 2
    assert result.stderr == ("roadmap: set ROADMAP_WEBHOOK_SECRET to the webhook's secret "
                             "(the one GitHub signs deliveries with)\n")


def test_respond_needs_an_event(project, monkeypatch):
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    monkeypatch.delenv("GITHUB_EVENT_NAME", raising=False)
    result = run("respond")
    assert result.exit_code == 2
    assert "respond needs an event" in result.stderr


@pytest.mark.parametrize("content, message", [
    (b"not json", "not a JSON event payload"),
    (b"[]", "issue_comment event: the payload is not a JSON object"),
    (b'{"action": "created", "repository": {"full_name": "acme/widgets"}}',
     "issue_comment event: not a payload of GitHub's issue_comment event"),
])
def test_a_bad_event_file_is_one_line_and_exit_2(project, content, message):
    (project / "event.json").write_bytes(content)
    result = run("respond", "--event", "event.json", "--event-name", "issue_comment")
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_the_recorded_payload_reads_as_github_sends_it():
    from roadmap.respond.trigger import parse_event

    from .webhooks import fixture

    trigger = parse_event("issue_comment", fixture("issue_comment.created"))
    assert (trigger.repo, trigger.ref, trigger.action) == (
        "Codertocat/Hello-World", "Codertocat/Hello-World#1", "created")
    assert trigger.comment is not None and trigger.comment.author == "Codertocat"
    pull = parse_event("pull_request", fixture("pull_request.opened")).pull
    assert pull is not None and pull[0].number == 2


def test_a_refused_claim_holds_nothing_once_the_holder_lets_go(github_server, answer, project):
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "alice")
    claim(github_server, answer, n, "bob", "I'd like to work on this")  # refused
    claim(github_server, answer, n, "alice", "/unclaim")
    claim(github_server, answer, n, "carol")
    assert assignees(github_server, n) == ["carol"]
    assert bot_comments(github_server, n)[-1].startswith("@carol: this issue is yours, and ")


def test_a_marker_written_by_a_person_hides_nothing(github_server, answer, project):
    n = roadmap_issue(github_server)
    github_server.clock.advance(1)
    first = github_server.comment(REPO, n, "alice", "/claim")
    github_server.comment(REPO, n, "bob",
                          f"<!-- roadmap-respond: answer to {first}: refused -->")
    answer.send("issue_comment", comment_payload(github_server, REPO, first))
    assert assignees(github_server, n) == ["alice"]
    claim(github_server, answer, n, "carol")
    assert bot_comments(github_server, n)[-1].startswith(
        "@carol: thanks for offering! This issue is already claimed by @alice")


def test_answers_go_out_when_github_will_not_say_who_the_token_is(github_server, answer,
                                                                  project):
    """An Actions token may not read `/user`: the bot check and the markers suffice."""
    github_server.faults.add("503", path=r"^/user$")
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "alice")
    assert assignees(github_server, n) == ["alice"]
    assert github_server.log.count(r"^/user$", status=503) >= 1
    (own,) = [c for c in github_server.issue(REPO, n).comments if c.user.login == BOT]
    github_server.log.clear()
    answer.send("issue_comment", comment_payload(github_server, REPO, own.id))
    assert writes(github_server) == []


def test_a_refused_claim_is_no_claimant_in_who_and_status(github_server, answer, project):
    n = roadmap_issue(github_server)
    claim(github_server, answer, n, "alice")
    claim(github_server, answer, n, "bob")  # refused
    (person,) = json.loads(run("who", "--json").output)
    assert person["login"] == "alice"
    assert json.loads(run("status", "--json").output)["attention"]["conflicts"] == []


def test_a_synced_store_reads_the_refusals_from_the_answers_on_github(github_server, project,
                                                                     tmp_path):
    """The build workflow's store never saw `respond` run: the markers tell it."""
    from .syncing import sync

    n = roadmap_issue(github_server)
    answer = ByEventFile(project)
    claim(github_server, answer, n, "alice")
    claim(github_server, answer, n, "bob")  # refused
    url = f"sqlite:///{tmp_path / 'synced.db'}"
    store = Store.open(url)
    try:
        sync(github_server, store)
    finally:
        store.close()
    (person,) = json.loads(run("--db", url, "who", "--json").output)
    assert person["login"] == "alice"
    status = json.loads(run("--db", url, "status", "--json").output)
    assert status["attention"]["conflicts"] == []
