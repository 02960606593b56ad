"""Housekeeping (`[tool.roadmap.housekeeping]`): reminders and releases, each once, on the
claimant's own clock; pinned issues left alone. Run as a scheduled workflow runs it, and
by the webhook receiver's own rounds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from roadmap.config import load_config
from roadmap.respond.responder import build_responder
from roadmap.respond.webhook import serve_webhooks

from .conftest import run
from .github_server import GitHubServer
from .github_server.fixtures import github_server_fixture
from .syncing import REPO, make_client
from .test_respond import (
    BOT_TOKEN,
    assignees,
    at,
    bot_comments,
    day,
    forget_assignments,
    open_store,
    project,
    respond_dry_run,
    roadmap_issue,
    seed,
    writes,
)
from .webhooks import SECRET

github_server = github_server_fixture(setup=seed)
__all__ = ["github_server", "project"]

REMIND = "[housekeeping]\nremind_days = 20\n"
RELEASE = "[housekeeping]\nremind_days = 20\nrelease = true\npin_label = \"pinned\"\n"


def sweep(folder) -> str:
    (folder / "schedule.json").write_text(json.dumps({"schedule": "17 6 * * *"}),
                                          encoding="utf-8")
    result = run("respond", "--event", "schedule.json", "--event-name", "schedule")
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def claimed_by_bob(server: GitHubServer, days_ago: float, **extra: Any) -> int:
    at(server, -days_ago)
    n = roadmap_issue(server, **extra)
    server.comment(REPO, n, "bob", "/claim")
    server.assign(REPO, n, "bob")
    at(server, 0)
    return n


def test_housekeeping_is_off_by_default(github_server, project):
    claimed_by_bob(github_server, 40)
    github_server.log.clear()
    assert sweep(project) == ("housekeeping is off: nothing to remind or release "
                              "([tool.roadmap.housekeeping])\n")
    assert writes(github_server) == []


@pytest.mark.settings(REMIND)
def test_a_quiet_claim_is_reminded_once_and_reminders_do_not_reset_the_clock(github_server,
                                                                             project):
    n = claimed_by_bob(github_server, 25)
    at(github_server, -5)
    github_server.comment(REPO, n, "alice", "@bob, any news?")  # a maintainer's nudge
    at(github_server, 0)
    sweep(project)
    (body,) = bot_comments(github_server, n)
    assert body.split("\n\n")[0] == (
        "@bob: a friendly reminder: your claim on this issue has had no activity from you "
        f"since {day(-25)}. It goes stale on {day(5)} (after 30 days). To keep it, comment "
        "here or update a pull request that links this issue; if you can no longer work on "
        "it, comment `/unclaim` to release it.")
    github_server.log.clear()
    at(github_server, 1)
    sweep(project)
    assert writes(github_server) == []
    (project / ".roadmap" / "roadmap.db").unlink()  # a fresh run: GitHub's marker is enough
    sweep(project)
    assert writes(github_server) == []


@pytest.mark.settings(RELEASE)
def test_a_stale_claim_is_released_once_saying_why(github_server, project):
    n = claimed_by_bob(github_server, 40)
    sweep(project)
    assert assignees(github_server, n) == []
    (body,) = bot_comments(github_server, n)
    assert body.split("\n\n")[0] == (
        f"@bob: your claim on this issue had no activity from you since {day(-40)}, more "
        "than 30 days, so it is released and you are unassigned. Anyone may claim it again "
        "with `/claim`, you too if you pick it up again.")
    github_server.log.clear()
    sweep(project)
    assert writes(github_server) == []


@pytest.mark.settings(RELEASE)
def test_a_pinned_issue_is_left_alone(github_server, project):
    claimed_by_bob(github_server, 40, labels=("roadmap", "Pinned"))
    github_server.log.clear()
    assert sweep(project) == "housekeeping: nothing to remind or release\n"
    assert writes(github_server) == []


@pytest.mark.settings(REMIND)
@pytest.mark.parametrize("case", ["claimed lately on an old issue", "commented lately",
                                  "updated a pull request lately"])
def test_the_clock_is_the_claimants_own_from_the_claim(github_server, project, case):
    if case == "claimed lately on an old issue":
        at(github_server, -60)
        n = roadmap_issue(github_server)
        at(github_server, -10)
        github_server.comment(REPO, n, "bob", "/claim")
    else:
        n = claimed_by_bob(github_server, 25)
        at(github_server, -2)
        if case == "commented lately":
            github_server.comment(REPO, n, "bob", "Still on it, a patch soon.")
        else:
            pr = github_server.create_issue(REPO, "Faster startup", user="bob",
                                            pull_request=True)
            github_server.cross_reference(REPO, n, pr, actor="bob")
    at(github_server, 0)
    github_server.log.clear()
    assert sweep(project) == "housekeeping: nothing to remind or release\n"
    assert writes(github_server) == []


@pytest.mark.settings(REMIND)
def test_the_receiver_does_its_rounds_too(github_server, project):
    n = claimed_by_bob(github_server, 25)
    store = open_store(project)
    client = make_client(github_server, BOT_TOKEN, write_interval=0)
    try:
        with serve_webhooks(build_responder(store, client, load_config(None, project)),
                            SECRET, port=0) as receiver:
            assert receiver.worker.wait_idle(30)
    finally:
        client.close()
        store.close()
    assert len(bot_comments(github_server, n)) == 1


@pytest.mark.parametrize("toml, message", [
    ("[housekeeping]\nremind_days = 30\n", "remind_days must be less than claim_expiry_days"),
    ("[housekeeping]\nrelease = 1\n", "housekeeping: release must be a bool"),
    ("[housekeeping]\nmax_claims = -1\n", "housekeeping: max_claims must not be negative"),
    ("[housekeeping]\nsnooze = 3\n", "housekeeping: unknown setting 'snooze'"),
])
def test_bad_housekeeping_settings_are_one_line(tmp_path, toml, message):
    from roadmap.errors import ConfigError

    (tmp_path / "roadmap.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(None, tmp_path)


@pytest.mark.settings(REMIND)
def test_a_refused_claim_is_not_reminded(github_server, project):
    from .test_respond import ByEventFile, claim

    n = roadmap_issue(github_server)
    answer = ByEventFile(project)
    at(github_server, -25)
    claim(github_server, answer, n, "alice")
    claim(github_server, answer, n, "bob")  # refused
    at(github_server, -1)
    github_server.comment(REPO, n, "alice", "A patch is nearly ready.")
    at(github_server, 0)
    github_server.log.clear()
    assert sweep(project) == "housekeeping: nothing to remind or release\n"
    assert writes(github_server) == []


@pytest.mark.settings(RELEASE)
def test_a_reminder_leaves_the_clock_alone_so_the_release_comes_on_time(github_server,
                                                                         project):
    """Reminded at 25 quiet days, released at 31, both counted from the claim: a clock the
    reminder had reset would release nobody six days later."""
    from datetime import UTC, datetime, timedelta

    from roadmap.respond.housekeeping import sweep as housekeeping_round

    n = claimed_by_bob(github_server, 25)
    store = open_store(project)
    client = make_client(github_server, BOT_TOKEN, write_interval=0)
    responder = build_responder(store, client, load_config(None, project))
    now = datetime.now(UTC)
    try:
        responder.clock = lambda: now
        assert [o.kind for o in housekeeping_round(responder)] == ["reminded"]
        assert assignees(github_server, n) == ["bob"]
        later = now + timedelta(days=6)
        github_server.clock.set(later)
        responder.clock = lambda: later
        assert [o.kind for o in housekeeping_round(responder)] == ["released stale claim"]
        assert [o.kind for o in housekeeping_round(responder)] == ["nothing due"]
    finally:
        client.close()
        store.close()
    assert assignees(github_server, n) == []
    reminder, release = bot_comments(github_server, n)
    assert reminder.startswith("@bob: a friendly reminder: your claim on this issue has had "
                               f"no activity from you since {day(-25)}.")
    assert release.startswith("@bob: your claim on this issue had no activity from you "
                              f"since {day(-25)}, more than 30 days, so it is released")


@pytest.mark.settings(RELEASE)
def test_an_assignment_without_its_event_is_not_dated_from_the_issues_creation(
        github_server, project):
    """GitHub shows no `assigned` event (older than its history): when the claim began is
    unknown, and the issue's creation 60 days ago is not it."""
    at(github_server, -60)
    n = roadmap_issue(github_server, assignees=["bob"])
    forget_assignments(github_server, n)
    at(github_server, 0)
    github_server.log.clear()
    assert sweep(project) == "housekeeping: nothing to remind or release\n"
    assert writes(github_server) == []
    assert assignees(github_server, n) == ["bob"]


@pytest.mark.settings(REMIND)
def test_a_reminders_marker_typed_by_a_person_hides_no_reminder(github_server, project):
    n = claimed_by_bob(github_server, 25)
    with github_server.lock:
        claimed = github_server.issue(REPO, n).comments[0].created_at
    stamp = datetime.fromtimestamp(claimed, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    github_server.comment(REPO, n, "carol", f"<!-- roadmap-respond: remind @bob {stamp} -->")
    sweep(project)
    (body,) = bot_comments(github_server, n)
    assert body.startswith("@bob: a friendly reminder: ")


@pytest.mark.settings(RELEASE)
def test_a_dry_run_round_prints_the_calls_and_writes_nothing(github_server, project):
    n = claimed_by_bob(github_server, 40)
    github_server.log.clear()
    lines = respond_dry_run(project, "schedule", {"schedule": "17 6 * * *"})
    assert lines[0] == f"DELETE /repos/{REPO}/issues/{n}/assignees ['bob']"
    assert lines[1].startswith(f"POST /repos/{REPO}/issues/{n}/comments '@bob: your claim on "
                               "this issue had no activity from you since ")
    assert lines[2] == (f"{REPO}#{n}: released stale claim @bob (no activity since "
                        f"{day(-40)})")
    assert writes(github_server) == []
    assert assignees(github_server, n) == ["bob"]
    sweep(project)  # the dry run reserved nothing: the real round still releases
    assert assignees(github_server, n) == []
