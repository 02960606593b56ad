"""Claims from hand-built issue records: comment commands, assignment, pull requests,
releases, expiry, what does not count, and conflicts."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from roadmap.model import IssueRecord, RemoteComment, RemoteEvent, RemotePull
from roadmap.parse.comments import DEFAULT_CLAIM_PATTERNS, Patterns, comment_intent
from roadmap.track.claims import conflicts, derive_claims, shown_dates

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
T0 = NOW - timedelta(days=10)
EXPIRY = 30
_ids = itertools.count(1)


def at(days: float = 0, seconds: float = 0) -> datetime:
    """A moment `days` (and `seconds`) after T0."""
    return T0 + timedelta(days=days, seconds=seconds)


def comment(author: str | None, body: str, when: datetime = T0, *, edited: datetime | None = None,
            bot: bool = False) -> RemoteComment:
    n = next(_ids)
    return RemoteComment(n, 7, author, bot, body,
                         f"https://github.com/acme/widgets/issues/7#issuecomment-{n}",
                         when, edited or when)


def event(kind: str, subject: str, when: datetime = T0, actor: str = "maint") -> RemoteEvent:
    return RemoteEvent(next(_ids), kind, actor, subject, when)


def pull(author: str, state: str = "open", updated: datetime = T0, number: int = 50) -> RemotePull:
    return RemotePull(f"https://github.com/acme/widgets/pull/{number}", "acme/widgets", number,
                      "A fix", state, False, author, "closing", updated)


def record(comments=(), events=(), pulls=(), assignees=(), state: str = "open",
           created: datetime = T0 - timedelta(days=1)) -> IssueRecord:
    return IssueRecord("acme/widgets", 7, "Runtime improvements", "", state,
                       "completed" if state == "closed" else None, False, "maint",
                       ["roadmap"], list(assignees), created, created, None,
                       "https://github.com/acme/widgets/issues/7", list(comments), list(events),
                       list(pulls))


def claims_of(rec: IssueRecord, **options):
    return derive_claims(rec, NOW, EXPIRY, **options)


def holders(rec: IssueRecord) -> list[str]:
    return [c.login for c in claims_of(rec)]


# -- what claims ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "/claim",
    "/assign",
    "/assign @alice",
    "/ASSIGN alice",
    "@rustbot claim",
    "take",
    "Take!",
    "/assign-me",
    "I'd like to work on this",
    "Hi! I'd like to work on this, if nobody minds.",
    "I'm working on this",
    "I am working on this now.",
    # Inside a sentence, after its start (issue 13: the claim bots' trackers):
    "Hi! /claim",
    "Hi, /claim please",
    "Thanks. /assign-me",
    "Looks fun! @rustbot claim",
])
def test_each_default_comment_form_claims(body):
    c = comment("alice", body, at(1))
    assert comment_intent(c) == "claim"
    (claim,) = claims_of(record([c]))
    assert (claim.login, claim.kind, claim.since, claim.stale) == ("alice", "comment", at(1), False)
    assert claim.evidence == c.html_url


@pytest.mark.parametrize("body", [
    "/assign @bob",            # someone else: a request, not a self-claim
    "/unassign @bob",          # releasing someone else is not releasing yourself
    "I think someone should take this",
    "Thanks for the /claim earlier",  # named in a sentence, not said
    "See docs/claim.md",
    "taken",
    "please don't take this one",
])
def test_comments_that_claim_nothing(body):
    c = comment("alice", body, at(1))
    assert comment_intent(c) is None
    assert claims_of(record([c])) == []


def test_assign_someone_else_gives_no_claim_to_either():
    rec = record([comment("alice", "/assign @bob", at(1))])
    assert holders(rec) == []


def test_an_assignee_without_an_assignment_event_is_undated_never_stale():
    """GitHub keeps no event for an old assignment: when it began is unknown, and the
    issue's creation (a year ago here) is not it (issue 13)."""
    rec = record(assignees=["alice", "Bob"], created=NOW - timedelta(days=365))
    claims = claims_of(rec)
    assert {(c.login, c.kind, c.dated, c.stale) for c in claims} == {
        ("alice", "assigned", False, False), ("Bob", "assigned", False, False)}
    assert {shown_dates(c) for c in claims} == {(None, None)}


def test_an_undated_assignee_shows_only_their_own_activity():
    mine = NOW - timedelta(days=3)
    rec = record([comment("alice", "Pushed a draft.", mine), comment("maint", "Nice", NOW)],
                 assignees=["alice"], created=NOW - timedelta(days=365))
    (claim,) = claims_of(rec)
    assert shown_dates(claim) == (None, mine)


def test_the_clock_starts_at_the_assignment_not_at_the_issues_creation():
    assigned = NOW - timedelta(days=2)
    rec = record(events=[event("assigned", "alice", assigned)], assignees=["alice"],
                 created=NOW - timedelta(days=400))
    (claim,) = claims_of(rec)
    assert (claim.since, claim.last_activity, claim.stale, claim.dated) == (
        assigned, assigned, False, True)
    assert shown_dates(claim) == (assigned, assigned)


@pytest.mark.parametrize(("author", "bot"), [("maint", False), ("claim-bot[bot]", True)])
def test_a_reminder_by_a_maintainer_or_a_bot_does_not_keep_a_claim_fresh(author, bot):
    assigned = NOW - timedelta(days=EXPIRY + 10)
    rec = record([comment(author, "@alice are you still on this?", NOW - timedelta(days=1),
                          bot=bot)],
                 events=[event("assigned", "alice", assigned)], assignees=["alice"],
                 created=assigned)
    (claim,) = claims_of(rec)
    assert (claim.last_activity, claim.stale) == (assigned, True)


def test_assigned_event_gives_since_and_evidence():
    rec = record(events=[event("assigned", "alice", at(3), actor="maint")], assignees=["alice"])
    (claim,) = claims_of(rec)
    assert (claim.kind, claim.since, claim.last_activity) == ("assigned", at(3), at(3))
    assert claim.evidence == "assigned by @maint on GitHub"


def test_self_assignment_evidence_names_no_one_else():
    rec = record(events=[event("assigned", "alice", at(3), actor="alice")], assignees=["alice"])
    assert claims_of(rec)[0].evidence == "assigned on GitHub"


def test_open_linked_pull_request_claims_for_its_author():
    rec = record(pulls=[pull("carol", updated=at(4))])
    (claim,) = claims_of(rec)
    assert (claim.login, claim.kind, claim.since) == ("carol", "pull", at(4))
    assert claim.evidence.endswith("/pull/50")


def test_closed_pull_request_claims_nothing():
    assert claims_of(record(pulls=[pull("carol", state="closed", updated=at(4))])) == []


def test_first_claim_gives_since_and_a_repeat_does_not_move_it():
    rec = record([comment("alice", "/claim", at(1)), comment("alice", "/claim", at(5))])
    (claim,) = claims_of(rec)
    assert (claim.since, claim.last_activity) == (at(1), at(5))


def test_login_case_is_one_person_spelled_as_github_does():
    rec = record([comment("Alice", "/claim", at(1))], assignees=["Alice"])
    (claim,) = claims_of(rec)
    assert claim.login == "Alice" and claim.kind == "comment"


# -- releases --------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "/unclaim",
    "/unassign",
    "/unassign @alice",
    "release-assignment",
    "@rustbot release-assignment",
    "/unassign-me",
])
def test_each_release_form_releases(body):
    release = comment("alice", body, at(2))
    assert comment_intent(release) == "release"
    assert holders(record([comment("alice", "/claim", at(1)), release])) == []


def test_unassigned_event_releases():
    rec = record([comment("alice", "/claim", at(1))],
                 events=[event("assigned", "alice", at(1)), event("unassigned", "alice", at(2))])
    assert holders(rec) == []


def test_claim_after_release_starts_again():
    rec = record([comment("alice", "/claim", at(1)), comment("alice", "/unclaim", at(2)),
                  comment("alice", "/claim", at(3))])
    (claim,) = claims_of(rec)
    assert claim.since == at(3)


def test_release_by_one_person_leaves_another_claim():
    rec = record([comment("alice", "/claim", at(1)), comment("bob", "/claim", at(2)),
                  comment("bob", "/unclaim", at(3))])
    assert holders(rec) == ["alice"]


def test_last_command_in_a_comment_wins():
    assert comment_intent(comment("alice", "/claim\n\n/unclaim")) == "release"
    assert comment_intent(comment("alice", "/unclaim\n\n/claim")) == "claim"


# -- expiry ----------------------------------------------------------------------------------


def _claimed_ago(seconds_past_expiry: int) -> IssueRecord:
    when = NOW - timedelta(days=EXPIRY, seconds=seconds_past_expiry)
    return record([comment("alice", "/claim", when)], created=when - timedelta(days=1))


def test_expiry_boundary_exactly_expiry_days_is_not_stale():
    (claim,) = claims_of(_claimed_ago(0))
    assert claim.stale is False


def test_expiry_boundary_one_second_more_is_stale():
    (claim,) = claims_of(_claimed_ago(1))
    assert claim.stale is True


def test_stale_claims_are_kept_not_dropped():
    (claim,) = claims_of(_claimed_ago(86400 * 100))
    assert claim.login == "alice" and claim.stale


def test_a_later_comment_by_the_claimant_refreshes_the_claim():
    old = NOW - timedelta(days=EXPIRY + 5)
    rec = record([comment("alice", "/claim", old),
                  comment("alice", "Still on it, pushing soon.", NOW - timedelta(days=2))],
                 created=old)
    (claim,) = claims_of(rec)
    assert (claim.since, claim.last_activity, claim.stale) == (
        old, NOW - timedelta(days=2), False)


def test_a_comment_by_someone_else_does_not_refresh_the_claim():
    old = NOW - timedelta(days=EXPIRY + 5)
    rec = record([comment("alice", "/claim", old),
                  comment("bob", "Any news?", NOW - timedelta(days=2))], created=old)
    (claim,) = claims_of(rec)
    assert claim.stale and claim.last_activity == old


def test_the_claimants_pull_request_refreshes_the_claim():
    old = NOW - timedelta(days=EXPIRY + 5)
    rec = record([comment("alice", "/claim", old)],
                 pulls=[pull("alice", updated=NOW - timedelta(days=1))], created=old)
    (claim,) = claims_of(rec)
    assert (claim.kind, claim.last_activity, claim.stale) == (
        "comment", NOW - timedelta(days=1), False)


def test_a_closed_pull_request_by_the_claimant_still_counts_as_activity():
    old = NOW - timedelta(days=EXPIRY + 5)
    rec = record([comment("alice", "/claim", old)],
                 pulls=[pull("alice", state="closed", updated=NOW - timedelta(days=1))],
                 created=old)
    assert claims_of(rec)[0].stale is False


def test_old_assignment_goes_stale():
    old = NOW - timedelta(days=EXPIRY + 1)
    rec = record(events=[event("assigned", "alice", old)], assignees=["alice"], created=old)
    assert claims_of(rec)[0].stale


# -- what does not count ---------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "```\n/claim\n```",
    "~~~\n/claim\n~~~",
    "Here is how:\n\n    /claim\n",
    "`/claim`",
    "Type `/claim` to take it",
    "> /claim",
    "> I'd like to work on this",
    "> quoting:\n>\n> > /claim",
    "> Hi! /claim",
    "Type `Hi! /claim` to take it",
    "- > /claim",
])
def test_commands_in_code_and_quotes_do_not_count(body):
    c = comment("alice", body, at(1))
    assert comment_intent(c) is None
    assert claims_of(record([c])) == []


def test_a_command_after_a_quote_counts():
    assert comment_intent(comment("alice", "> can someone take it?\n\n/claim")) == "claim"


def test_a_release_in_a_quote_does_not_release():
    rec = record([comment("alice", "/claim", at(1)),
                  comment("alice", "> /unclaim\n\nNo, I am keeping it.", at(2))])
    assert holders(rec) == ["alice"]


@pytest.mark.parametrize(("author", "bot"), [
    ("triagebot", True),
    ("github-actions[bot]", False),
    ("dependabot[bot]", True),
])
def test_bot_comments_do_not_count(author, bot):
    c = comment(author, "/claim", at(1), bot=bot)
    assert comment_intent(c) is None
    assert claims_of(record([c])) == []


def test_bot_release_does_not_release():
    rec = record([comment("alice", "/claim", at(1)),
                  comment("stale[bot]", "/unassign @alice", at(2))])
    assert holders(rec) == ["alice"]


def test_comment_without_author_does_not_count():
    assert comment_intent(comment(None, "/claim")) is None


def test_edited_comment_counts_from_its_edit():
    c = comment("alice", "/claim", at(1), edited=at(4))
    (claim,) = claims_of(record([c]))
    assert claim.since == at(4)
    assert claim.evidence == f"{c.html_url} (edited)"


def test_edited_claim_after_a_release_counts():
    rec = record([comment("alice", "/claim", at(1), edited=at(5)),
                  comment("alice", "/unclaim", at(3))])
    (claim,) = claims_of(rec)
    assert claim.since == at(5)


@pytest.mark.parametrize("reverse", [False, True])
def test_in_one_second_comments_count_before_events_each_in_the_order_made(reverse):
    """The store gives them in no particular order: the same second is ordered by source
    (comments, then assignment events), then by id."""
    claim, release = comment("alice", "/claim", at(1)), comment("alice", "/unclaim", at(1))
    assigned, unassigned = event("assigned", "bob", at(2)), event("unassigned", "bob", at(2))
    late = comment("bob", "/claim", at(2))  # before the events of its second, so released
    comments, events = [claim, release, late], [assigned, unassigned]
    if reverse:
        comments, events = comments[::-1], events[::-1]
    assert holders(record(comments, events)) == []


def test_closed_issue_has_no_active_claims():
    rec = record([comment("alice", "/claim", at(1))], assignees=["bob"],
                 pulls=[pull("carol")], state="closed")
    assert claims_of(rec) == []


# -- configurable patterns -----------------------------------------------------------------


def test_configured_pattern_adds_a_command():
    c = comment("alice", "/mine", at(1))
    assert comment_intent(c) is None
    patterns = Patterns.of(claim=(*DEFAULT_CLAIM_PATTERNS, r"^/mine\b"))
    assert comment_intent(c, patterns) == "claim"
    assert [x.login for x in claims_of(record([c]), patterns=patterns)] == ["alice"]
    assert comment_intent(comment("alice", "/claim"), patterns) == "claim"


def test_configured_patterns_replace_the_defaults():
    patterns = Patterns.of(claim=[r"^/dibs$"], release=[r"^/nodibs$"])
    assert comment_intent(comment("alice", "/claim"), patterns) is None
    rec = record([comment("alice", "/dibs", at(1)), comment("alice", "/unclaim", at(2))])
    assert [x.login for x in claims_of(rec, patterns=patterns)] == ["alice"]
    rec.comments.append(comment("alice", "/nodibs", at(3)))
    assert claims_of(rec, patterns=patterns) == []


def test_configured_pattern_is_not_honoured_in_code_either():
    patterns = Patterns.of(claim=[r"^/mine\b"])
    assert comment_intent(comment("alice", "```\n/mine\n```"), patterns) is None


# -- conflicts -------------------------------------------------------------------------------


def test_two_active_claimants_conflict():
    rec = record([comment("alice", "/claim", at(1)), comment("bob", "take", at(2))])
    found = conflicts(rec, claims_of(rec))
    assert found == ["acme/widgets#7: claimed by 2 people (@alice, @bob)"]


def test_a_stale_claim_and_an_active_one_do_not_conflict():
    old = NOW - timedelta(days=EXPIRY + 3)
    rec = record([comment("alice", "/claim", old), comment("bob", "/claim", at(2))], created=old)
    claims = claims_of(rec)
    assert [c.stale for c in claims] == [True, False]
    assert conflicts(rec, claims) == []


def test_open_pull_request_by_someone_holding_no_claim_conflicts():
    rec = record([comment("alice", "/claim", at(1))], pulls=[pull("carol", updated=at(2))])
    found = conflicts(rec, claims_of(rec))
    assert "acme/widgets#7: pull request https://github.com/acme/widgets/pull/50 by @carol, " \
           "who holds no claim" in found


def test_pull_request_by_the_claimant_is_no_conflict():
    rec = record([comment("alice", "/claim", at(1))], pulls=[pull("alice", updated=at(2))])
    assert conflicts(rec, claims_of(rec)) == []


def test_pull_request_alone_is_no_conflict():
    rec = record(pulls=[pull("carol", updated=at(2))])
    assert conflicts(rec, claims_of(rec)) == []


def test_no_claims_no_conflicts():
    rec = record([comment("bob", "Nice idea", at(1))])
    assert conflicts(rec, claims_of(rec)) == []
