"""Who works on an issue: assignees, claims in comments, and linked pull requests.

What each comment says is read by `roadmap.parse.comments`; an edited comment counts from
its edit. A claim goes stale after `expiry_days` without activity by the claimant: their
comments, their pull requests' updates, their commits that reference the issue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from roadmap.model import Claim, IssueRecord
from roadmap.parse.comments import DEFAULT_PATTERNS, Patterns, comment_intent


def derive_all_claims(records: Iterable[IssueRecord], now: datetime, expiry_days: int,
                      patterns: Patterns = DEFAULT_PATTERNS) -> dict[str, list[Claim]]:
    """`derive_claims` of each issue, by its ref."""
    return {r.ref: derive_claims(r, now, expiry_days, patterns) for r in records}


def derive_claims(record: IssueRecord, now: datetime, expiry_days: int,
                  patterns: Patterns = DEFAULT_PATTERNS) -> list[Claim]:
    """The claims active on an issue now (stale ones included and marked)."""
    if record.state == "closed":
        return []
    holders: dict[str, tuple[str, datetime, str]] = {}
    for when, action, login, kind, evidence in _timeline(record, patterns):
        key = login.lower()
        if action == "claim" and key not in holders:
            holders[key] = (kind, when, evidence)
        elif action == "release":
            holders.pop(key, None)
    undated = set()
    for key in {login.lower() for login in record.assignees}:
        if key not in holders:  # no assignment event read: when it began is unknown
            undated.add(key)
            holders[key] = ("assigned", record.created_at, "assigned on GitHub")
    for pull in record.pulls:
        if pull.state == "open" and pull.author and pull.author.lower() not in holders:
            holders[pull.author.lower()] = ("pull", pull.updated_at, pull.url)
    if not holders:
        return []
    names = _names(record)
    expiry = timedelta(days=expiry_days)
    claims = []
    for key, (kind, since, evidence) in holders.items():
        # The clock starts at the claim (comment, assignment event, pull request) and only
        # the claimant's own activity moves it; an undated assignment's has not started.
        last = max([since, *_activity(record, key)])
        dated = key not in undated
        claims.append(Claim(names.get(key, key), kind, since, last, evidence,
                            stale=dated and now - last > expiry, dated=dated))
    return sorted(claims, key=lambda c: (c.since, c.login))


def shown_dates(claim: Claim) -> tuple[datetime | None, datetime | None]:
    """A claim's start and last activity as the screens show them: an undated assignment
    has no start (the issue's creation is not it), and an activity only if its own."""
    if claim.dated:
        return claim.since, claim.last_activity
    return None, claim.last_activity if claim.last_activity != claim.since else None


def _timeline(record: IssueRecord,
              patterns: Patterns) -> list[tuple[datetime, str, str, str, str]]:
    """Claims and releases in time order: (when, action, login, kind, evidence).

    In the same second, comments come before events, each in the order GitHub made them
    (by id): the store gives them in no particular order.
    """
    entries: list[tuple[tuple[datetime, int, int], tuple[datetime, str, str, str, str]]] = []
    for comment in record.comments:
        intent = comment_intent(comment, patterns)
        if intent and comment.author:
            edited = comment.updated_at > comment.created_at
            when = comment.updated_at if edited else comment.created_at
            note = f"{comment.html_url} (edited)" if edited else comment.html_url
            entries.append(((when, 0, comment.id),
                            (when, intent, comment.author, "comment", note)))
    for event in record.events:
        if event.event in ("assigned", "unassigned") and event.subject:
            action = "claim" if event.event == "assigned" else "release"
            by = f" by @{event.actor}" if event.actor and event.actor != event.subject else ""
            entries.append(((event.created_at, 1, event.id),
                            (event.created_at, action, event.subject, "assigned",
                             f"assigned{by} on GitHub")))
    entries.sort(key=lambda e: e[0])
    return [entry for _, entry in entries]


def _activity(record: IssueRecord, key: str) -> list[datetime]:
    """When the claimant did something on the issue: their comments, their pull requests,
    their assignment, their commits that reference it.

    A commit is theirs when GitHub names them the `referenced` event's actor (the commit's
    author as GitHub maps it); one whose author GitHub maps to no account has no actor
    and is nobody's activity.
    """
    times = [c.updated_at for c in record.comments if (c.author or "").lower() == key]
    times += [p.updated_at for p in record.pulls if (p.author or "").lower() == key]
    times += [e.created_at for e in record.events
              if e.event == "assigned" and (e.subject or "").lower() == key]
    times += [e.created_at for e in record.events
              if e.event == "referenced" and (e.actor or "").lower() == key]
    return times


def _names(record: IssueRecord) -> dict[str, str]:
    """Logins as GitHub spells them, by their lower-case form."""
    names = {c.author.lower(): c.author for c in record.comments if c.author}
    names.update({p.author.lower(): p.author for p in record.pulls if p.author})
    names.update({e.subject.lower(): e.subject for e in record.events if e.subject})
    names.update({a.lower(): a for a in record.assignees})
    return names


def conflicts(record: IssueRecord, claims: list[Claim]) -> list[str]:
    """Two active claimants, or an open pull request by someone who holds no claim."""
    found = []
    active = [c for c in claims if not c.stale]
    if len(active) > 1:
        who = ", ".join(f"@{c.login}" for c in active)
        found.append(f"{record.ref}: claimed by {len(active)} people ({who})")
    claimants = {c.login.lower() for c in claims if c.kind != "pull"}
    for pull in record.pulls:
        author = (pull.author or "").lower()
        if pull.state == "open" and claimants and author and author not in claimants:
            found.append(f"{record.ref}: pull request {pull.url} by @{pull.author}, "
                         f"who holds no claim")
    return found
