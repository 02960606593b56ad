"""What `roadmap respond` says on GitHub: one function per answer, plain Markdown.

Every answer ends with a hidden marker (`roadmap.markers`) naming what it answers, so a
later run (a re-run of the workflow, a redelivered webhook, a receiver without its store)
sees that it was answered. Nothing here may read as a claim or a release when quoted back: the
commands it mentions are in code spans, which claims never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from roadmap.markup import md

_NUMBER = re.compile(r"[0-9A-Za-z]{1,10}(?:\.[0-9A-Za-z]{1,10}){0,5}")


@dataclass(slots=True, frozen=True)
class Terms:
    """What every answer about one issue may say: where, which item, the expiry."""

    ref: str
    #: The item the issue serves, as its number (or None) and title; None: no item.
    item: tuple[str | None, str] | None
    expiry_days: int
    label: str




def day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _serves(terms: Terms) -> str:
    if terms.item is None:
        return "It is on the roadmap, not yet linked to an item of ROADMAP.md."
    number, title = terms.item
    # A section number is digits and dots; `md` would escape "1." as a list's start.
    shown = md(title, 200) if number is None or not _NUMBER.fullmatch(number) else \
        f"{number} {md(title, 200)}"
    return f"It is part of the roadmap item **{shown}**."


def _keeping(terms: Terms, last: datetime) -> str:
    stale = last + timedelta(days=terms.expiry_days)
    return ("While you work on it, the claim stays yours: each comment of yours here, or "
            "update to your pull request that links this issue, counts as activity. After "
            f"{terms.expiry_days} days without any (on {day(stale)}, if nothing happens "
            "before then), it goes stale and someone else may take it over. If you can no "
            "longer work on it, comment `/unclaim` to release it.")


def _names(logins: list[str]) -> str:
    """`@a`, `@a and @b`, `@a, @b and @c`."""
    named = [f"@{login}" for login in logins]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def render_claimed(terms: Terms, login: str, at: datetime, assigned: bool) -> str:
    how = ("this issue is yours, and you are assigned" if assigned else
           "this issue is yours. GitHub did not accept you as an assignee, so your comment "
           "stands as the claim")
    return (f"@{login}: {how}. Thanks for taking it on! {_serves(terms)}\n\n"
            f"{_keeping(terms, at)}")


def render_handed_over(terms: Terms, login: str, at: datetime, assigned: bool,
                       old: list[tuple[str, datetime, bool]]) -> str:
    """`old`: the stale claims handed over, as (login, last activity, was assigned)."""
    names = _names([who for who, _, _ in old])
    since = day(max(last for _, last, _ in old))
    whose = f"{names}'s claim" if len(old) == 1 else f"The claims of {names}"
    how = "and you are assigned" if assigned else \
        "by your comment (GitHub did not accept you as an assignee)"
    unassigned = [who for who, _, was in old if was]
    if len(unassigned) == len(old):
        gone = ", and you are no longer assigned"
    elif unassigned:
        gone = f" ({_names(unassigned)} no longer assigned)"
    else:
        gone = ""
    yours = "your claim" if len(old) == 1 else "your claims"
    return (f"@{login}: this issue is yours now, {how}. {whose} had no activity since "
            f"{since} (more than {terms.expiry_days} days), so it has been handed over to "
            f"you. {_serves(terms)}\n\n{_keeping(terms, at)}\n\n"
            f"{names}: {yours} on this issue lapsed after {terms.expiry_days} days without "
            f"activity{gone}. If you are still on it, please say so here and coordinate "
            f"with @{login}.")


def render_refused(terms: Terms, login: str, holder: str, since: datetime,
                   last: datetime) -> str:
    free = last + timedelta(days=terms.expiry_days)
    return (f"@{login}: thanks for offering! This issue is already claimed by @{holder} "
            f"(since {day(since)}, last active on it {day(last)}), so you were not "
            f"assigned. To avoid duplicated effort, ping @{holder} here to offer your help "
            "or to coordinate, rather than starting on it separately. If the claim goes "
            f"{terms.expiry_days} days without activity (after {day(free)}), comment "
            "`/claim` again to take it over.")


def render_refused_assignee(terms: Terms, login: str, holder: str) -> str:
    """A refusal where GitHub keeps no record of when the holder was assigned."""
    return (f"@{login}: thanks for offering! This issue is already assigned to @{holder}, "
            f"so you were not assigned. To avoid duplicated effort, ping @{holder} here to "
            "offer your help or to coordinate, rather than starting on it separately. If "
            f"@{holder} is no longer on it, a maintainer can unassign them, and a new "
            "`/claim` takes it.")


def render_already_held(terms: Terms, login: str, since: datetime, last: datetime) -> str:
    return (f"@{login}: you already hold this issue (since {day(since)}); nothing changed. "
            f"{_keeping(terms, last)}")


def render_over_cap(terms: Terms, login: str, held: list[str], cap: int) -> str:
    claims = "claim" if len(held) == 1 else "claims"
    return (f"@{login}: you already hold {len(held)} active {claims} ({', '.join(held)}), "
            f"the most this roadmap allows one person at once ({cap}), so you were not "
            "assigned. Finish one, or release one with `/unclaim` on it, then claim this "
            "issue again.")


def render_released(terms: Terms, login: str, assigned: bool) -> str:
    how = " and you are unassigned" if assigned else ""
    return (f"@{login}: your claim on this issue is released{how}; it is free for someone "
            "else to claim. Thanks for letting us know.")


def render_not_held(terms: Terms, login: str) -> str:
    return f"@{login}: you hold no claim on this issue, so there is nothing to release."


def render_closed(terms: Terms, login: str) -> str:
    return (f"@{login}: this issue is closed, so there is nothing to claim or release here; "
            "claims are made on open issues.")


def render_not_on_roadmap(terms: Terms, login: str) -> str:
    return (f"@{login}: this issue is not on the roadmap (it has no `{md(terms.label, 50)}` "
            "label), so claims on it are not tracked, and you were not assigned.")


def render_pull_request(terms: Terms, login: str) -> str:
    return (f"@{login}: this is a pull request; claims are made on issues, so you were not "
            "assigned. Link the issue this works on from the pull request's description "
            "(`Fixes #<issue>`), and its updates count as activity on your claim there.")


def render_reminder(terms: Terms, login: str, last: datetime, release: bool) -> str:
    stale = last + timedelta(days=terms.expiry_days)
    then = " and is then released" if release else ""
    return (f"@{login}: a friendly reminder: your claim on this issue has had no activity "
            f"from you since {day(last)}. It goes stale on {day(stale)} (after "
            f"{terms.expiry_days} days){then}. To keep it, comment here or update a pull "
            "request that links this issue; if you can no longer work on it, comment "
            "`/unclaim` to release it.")


def render_release(terms: Terms, login: str, last: datetime, assigned: bool) -> str:
    how = " and you are unassigned" if assigned else ""
    return (f"@{login}: your claim on this issue had no activity from you since "
            f"{day(last)}, more than {terms.expiry_days} days, so it is released{how}. "
            "Anyone may claim it again with `/claim`, you too if you pick it up again.")
