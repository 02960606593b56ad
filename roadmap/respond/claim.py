"""`roadmap claim` and `roadmap unclaim`: take or release an issue, without stepping on anyone.

The live issue is read from GitHub before anything is written, so a claim that
landed since the last sync is seen. Claiming comments `/claim` and self-assigns;
GitHub silently ignores an assignee without push access, so the answer is checked
and a comment-only claim is reported as such. The store is updated at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from roadmap.errors import InputError, ProblemsFound
from roadmap.github.client import GitHubClient
from roadmap.model import (
    Claim,
    IssueRecord,
    RemoteComment,
    RemoteEvent,
    RemoteIssue,
    RemotePull,
    RemoteRepo,
)
from roadmap.parse.comments import DEFAULT_PATTERNS, Patterns
from roadmap.store import Store
from roadmap.track.claims import derive_claims


@dataclass(slots=True)
class Outcome:
    """What a claim or unclaim did (or, with --dry-run, would do)."""

    ref: str
    message: str
    calls: list[str] = field(default_factory=list)


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def live_record(client: GitHubClient, repo: str, number: int) -> IssueRecord:
    return record_of(repo, *client.fetch_record_parts(repo, number))


def record_of(repo: str, issue: RemoteIssue, comments: list[RemoteComment],
              events: list[RemoteEvent], pulls: list[RemotePull]) -> IssueRecord:
    """What claims read of an issue, from what GitHub answered."""
    return IssueRecord(repo, issue.number, issue.title, issue.body, issue.state,
                       issue.state_reason, issue.is_pull_request, issue.author, issue.labels,
                       issue.assignees, issue.created_at, issue.updated_at, issue.closed_at,
                       issue.html_url, comments, events, pulls)


def _check_claimable(record: IssueRecord, label: str) -> None:
    if label.lower() not in (name.lower() for name in record.labels):
        raise InputError(f"{record.ref}: not on the roadmap (no `{label}` label)")
    if record.state == "closed":
        raise InputError(f"{record.ref}: closed; there is nothing to claim")
    if record.is_pull_request:
        raise InputError(f"{record.ref}: a pull request, not an issue")


def refusal(record: IssueRecord, holder: Claim) -> str:
    """Who holds the issue, since when, and how to offer help instead."""
    return (f"{record.ref}: already claimed by @{holder.login} since {_day(holder.since)} "
            f"(last activity {_day(holder.last_activity)}); to help, comment on the issue "
            f"or ping @{holder.login} to offer help rather than starting in parallel")


def claim_issue(store: Store, client: GitHubClient, repo: str, number: int, *, label: str,
                expiry_days: int, now: datetime, force: bool = False,
                dry_run: bool = False, patterns: Patterns = DEFAULT_PATTERNS) -> Outcome:
    me = client.fetch_login()
    record = live_record(client, repo, number)
    _check_claimable(record, label)
    claims = derive_claims(record, now, expiry_days, patterns)
    others = [c for c in claims if c.login.lower() != me.lower()]
    if any(not c.stale for c in others):
        refused = refusal(record, next(c for c in others if not c.stale))
        if force:
            refused += "; --force takes over stale claims only, and this one is active"
        raise ProblemsFound(refused)
    if others and not force:
        holder = others[0]
        raise ProblemsFound(f"{record.ref}: @{holder.login}'s claim is stale (no activity "
                            f"since {_day(holder.last_activity)}); use --force to take it over")
    if any(c.login.lower() == me.lower() and not c.stale for c in claims):
        return Outcome(record.ref, f"{record.ref}: you (@{me}) already hold it")
    body = "/claim"
    if others:
        names = ", ".join(f"@{c.login}" for c in others)
        body += (f"\n\nTaking over from {names}: no activity since "
                 f"{_day(max(c.last_activity for c in others))} (stale claim).")
    calls = [f"POST /repos/{repo}/issues/{number}/comments {body!r}",
             f"POST /repos/{repo}/issues/{number}/assignees ['{me}']"]
    if dry_run:
        return Outcome(record.ref, f"{record.ref}: would claim for @{me}", calls)
    comment = client.post_comment(repo, number, body)
    issue = client.set_assignee(repo, number, me, add=True)
    _save(store, repo, issue, comment, label)
    if me.lower() not in (a.lower() for a in issue.assignees):
        return Outcome(record.ref, f"{record.ref}: claimed by comment only (GitHub did not "
                                   f"assign @{me}: no push access); the claim is recorded",
                       calls)
    return Outcome(record.ref, f"{record.ref}: claimed and assigned to @{me}", calls)


def unclaim_issue(store: Store, client: GitHubClient, repo: str, number: int, *, label: str,
                  expiry_days: int, now: datetime, dry_run: bool = False,
                  patterns: Patterns = DEFAULT_PATTERNS) -> Outcome:
    me = client.fetch_login()
    record = live_record(client, repo, number)
    mine = [c for c in derive_claims(record, now, expiry_days, patterns)
            if c.login.lower() == me.lower()]
    if not mine:
        raise ProblemsFound(f"{record.ref}: @{me} holds no claim on it")
    calls = [f"POST /repos/{repo}/issues/{number}/comments '/unclaim'"]
    if any(a.lower() == me.lower() for a in record.assignees):
        calls.append(f"DELETE /repos/{repo}/issues/{number}/assignees ['{me}']")
    if dry_run:
        return Outcome(record.ref, f"{record.ref}: would release @{me}'s claim", calls)
    comment = client.post_comment(repo, number, "/unclaim")
    issue = client.set_assignee(repo, number, me, add=False) if len(calls) > 1 else None
    _save(store, repo, issue, comment, label)
    return Outcome(record.ref, f"{record.ref}: released @{me}'s claim", calls)


def _save(store: Store, repo: str, issue: RemoteIssue | None, comment: RemoteComment,
          label: str) -> None:
    """Put what GitHub answered into the store at once (the next sync confirms it)."""
    repo_id = store.load_repo_id(repo, synced=False)
    if repo_id is None:
        repo_id = store.save_repo(RemoteRepo(0, repo, f"https://github.com/{repo}"))
    if issue is not None:
        store.save_issue_page(repo_id, [issue], label, None)
    store.save_comments(repo_id, [comment], None)
