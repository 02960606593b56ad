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
    return f"It serves the roadmap item **{shown}**."


def _keeping(terms: Terms, last: datetime) -> str:
    stale = last + timedelta(days=terms.expiry_days)
    return (f"Your claim goes stale after {terms.expiry_days} days without activity from "
            "you (your comments here, updates of your pull requests that link this issue): "
            f"on {day(stale)} if nothing happens before. To release it, comment `/unclaim`.")


def render_claimed(terms: Terms, login: str, at: datetime, assigned: bool) -> str:
    how = ("and you are assigned" if assigned else
           "GitHub did not assign you (that needs push access to the repository), so your "
           "comment is the claim")
    return (f"@{login}: {terms.ref} is yours, {how}. {_serves(terms)}\n\n"
            f"{_keeping(terms, at)}")


def render_handed_over(terms: Terms, login: str, at: datetime, assigned: bool,
                       old: list[tuple[str, datetime]]) -> str:
    names = ", ".join(f"@{who}" for who, _ in old)
    since = day(max(last for _, last in old))
    how = "and you are assigned" if assigned else "by your comment (GitHub did not assign you)"
    claims = "claim" if len(old) == 1 else "claims"
    return (f"@{login}: {terms.ref} is yours now, {how}. {names}'s {claims} had no activity "
            f"since {since}, more than {terms.expiry_days} days, so it is handed over to you. "
            f"{_serves(terms)}\n\n{_keeping(terms, at)}\n\n"
            f"{names}: your claim ended and you are no longer assigned. If you are still on "
            f"it, say so here and work it out with @{login}.")


def render_refused(terms: Terms, login: str, holder: str, since: datetime,
                   last: datetime) -> str:
    free = last + timedelta(days=terms.expiry_days)
    return (f"@{login}: {terms.ref} is already claimed by @{holder} since {day(since)} "
            f"(last activity {day(last)}), so nobody was assigned. If you want to help, "
            f"ping @{holder} here to offer your help rather than starting in parallel. "
            f"If the claim goes {terms.expiry_days} days without activity (after "
            f"{day(free)}), a new `/claim` takes it over.")


def render_already_held(terms: Terms, login: str, since: datetime, last: datetime) -> str:
    return (f"@{login}: you already hold {terms.ref} (since {day(since)}); nothing changed. "
            f"{_keeping(terms, last)}")


def render_over_cap(terms: Terms, login: str, held: list[str], cap: int) -> str:
    return (f"@{login}: you already hold {len(held)} active claims ({', '.join(held)}), "
            f"the most this roadmap allows at once ({cap}), so nobody was assigned. Release "
            "one with `/unclaim` on it, or finish one, then claim this again.")


def render_released(terms: Terms, login: str, assigned: bool) -> str:
    how = " and you are unassigned" if assigned else ""
    return (f"@{login}: your claim on {terms.ref} is released{how}; it is free for someone "
            "else to claim.")


def render_not_held(terms: Terms, login: str) -> str:
    return f"@{login}: you hold no claim on {terms.ref}, so there is nothing to release."


def render_closed(terms: Terms, login: str) -> str:
    return (f"@{login}: {terms.ref} is closed, so there is nothing to claim or release; "
            "claims are made on open issues.")


def render_not_on_roadmap(terms: Terms, login: str) -> str:
    return (f"@{login}: {terms.ref} is not on the roadmap (it has no `{md(terms.label, 50)}` "
            "label), so claims on it are not tracked; nobody was assigned.")


def render_pull_request(terms: Terms, login: str) -> str:
    return (f"@{login}: {terms.ref} is a pull request; claims are made on issues, and "
            "nobody was assigned. Link the issue this works on from the pull request's "
            "description (`Fixes #<issue>`), and its updates count as activity on your "
            "claim there.")


def render_reminder(terms: Terms, login: str, last: datetime, release: bool) -> str:
    stale = last + timedelta(days=terms.expiry_days)
    then = ", and is then released" if release else ""
    return (f"@{login}: your claim on {terms.ref} has had no activity from you since "
            f"{day(last)}. It goes stale on {day(stale)} (after {terms.expiry_days} days)"
            f"{then}. To keep it, comment here or update your pull request; to let it go, "
            "comment `/unclaim`.")


def render_release(terms: Terms, login: str, last: datetime, assigned: bool) -> str:
    how = " and you are unassigned" if assigned else ""
    return (f"@{login}: your claim on {terms.ref} had no activity from you since "
            f"{day(last)}, more than {terms.expiry_days} days, so it is released{how}. "
            "It is free to claim again with `/claim`.")
