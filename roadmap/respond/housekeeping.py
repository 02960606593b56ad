"""Opt-in care of claims, on a schedule: a reminder before a claim goes stale, a release
after, each said once; issues with the pin label are left alone.

The clock is the claimant's own: their comments and their linked pull requests' updates
(`claims.derive_claims`), from the claim on. This tool's reminders, and anyone else's
comments, are not the claimant's activity and never reset it, so a reminder is written
once per quiet stretch, not forever.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from roadmap.markers import HOLDS_NOTHING, marker
from roadmap.model import Claim, IssueRecord, RemoteIssue
from roadmap.respond import text as text
from roadmap.respond.answer import answer_once, answers_on, began_on_record, by_answerer, item_of
from roadmap.respond.claim import record_of
from roadmap.respond.responder import Outcome, Responder, keep_issue
from roadmap.respond.text import Terms
from roadmap.track.claims import derive_claims


def sweep(responder: Responder, repos: list[str] | None = None) -> list[Outcome]:
    """Remind and release across the open roadmap issues of `repos` (default: the
    configured ones)."""
    config = responder.config
    rules = config.housekeeping
    if not rules.sweeps:
        return [Outcome(None, "ignored", "housekeeping is off: nothing to remind or release "
                                         "([tool.roadmap.housekeeping])")]
    outcomes: list[Outcome] = []
    for repo in repos or list(config.repos):
        for issue in responder.client.fetch_open_issues(repo, config.label):
            if _tended(responder, issue):
                outcomes.extend(tend(responder, repo, issue.number))
    return outcomes or [Outcome(None, "nothing due", "housekeeping: nothing to remind or release")]


def _tended(responder: Responder, issue: RemoteIssue) -> bool:
    """Whether an issue may hold a claim worth a look (pinned ones never are)."""
    pin = responder.config.housekeeping.pin_label
    if issue.is_pull_request or (pin and pin.lower() in (n.lower() for n in issue.labels)):
        return False
    return bool(issue.assignees or issue.comments)


def tend(responder: Responder, repo: str, number: int) -> list[Outcome]:
    """Remind or release the claims on one issue that are due."""
    parts = responder.client.fetch_record_parts(repo, number)
    record = record_of(repo, *parts)
    config, now = responder.config, responder.clock()
    # A claim this tool turned down is nobody's to be reminded of.
    refused = {cid for cid, kind in answers_on(responder, record).items()
               if kind in HOLDS_NOTHING}
    held = replace(record, comments=[c for c in record.comments if c.id not in refused])
    outcomes = []
    for claim in derive_claims(held, now, config.claim_expiry_days, responder.patterns):
        action = _due(responder, claim) if began_on_record(record, claim) else None
        if action is not None:
            outcome = _act(responder, record, claim, action)
            if outcome is not None:
                outcomes.append(outcome)
    return outcomes


def _due(responder: Responder, claim: Claim) -> str | None:
    """"release", "remind" or None, for one claim (a pull request is its own activity)."""
    rules = responder.config.housekeeping
    if claim.kind == "pull":
        return None
    if rules.release and claim.stale:
        return "release"
    idle = responder.clock() - claim.last_activity
    if rules.remind_days and idle >= timedelta(days=rules.remind_days):
        return "remind"
    return None


def _act(responder: Responder, record: IssueRecord, claim: Claim,
         action: str) -> Outcome | None:
    """Write a reminder or a release once: the store's record and the marker on GitHub
    both say whether it was written for this quiet stretch."""
    stamp = claim.last_activity.strftime("%Y-%m-%dT%H:%M:%SZ")
    key = f"{action}:{record.repo.lower()}#{record.number}:{claim.login.lower()}:{stamp}"
    mark = marker(f"{action} @{claim.login} {stamp}")
    if any(mark in c.body for c in record.comments if by_answerer(responder, c)):
        return None
    return answer_once(responder, key, record.repo, record.number,
                       lambda: _write(responder, record, claim, action, mark))


def _write(responder: Responder, record: IssueRecord, claim: Claim, action: str,
           mark: str) -> Outcome:
    config, client = responder.config, responder.client
    terms = Terms(record.ref, item_of(responder, record), config.claim_expiry_days,
                  config.label)
    assigned = claim.login.lower() in (a.lower() for a in record.assignees)
    path = f"/repos/{record.repo}/issues/{record.number}"
    if action == "release":
        body = text.render_release(terms, claim.login, claim.last_activity, assigned)
        calls = [f"DELETE {path}/assignees ['{claim.login}']"] if assigned else []
        kind = "released stale claim"
    else:
        body = text.render_reminder(terms, claim.login, claim.last_activity,
                                    config.housekeeping.release)
        calls, kind = [], "reminded"
    body = f"{body}\n\n{mark}"
    calls.append(f"POST {path}/comments {body!r}")
    message = f"{record.ref}: {kind} @{claim.login} (no activity since " \
              f"{text.day(claim.last_activity)})"
    if responder.dry_run:
        return Outcome(record.ref, kind, message, calls, body)
    issue = None
    if action == "release" and assigned:
        issue = client.set_assignee(record.repo, record.number, claim.login, add=False)
    answer = client.post_comment(record.repo, record.number, body)
    if issue is not None:
        keep_issue(responder, record.repo, issue, [answer])
    return Outcome(record.ref, kind, message, calls, body, answer.html_url)
