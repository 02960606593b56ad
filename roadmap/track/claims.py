"""Who works on an issue: assignees, claims in comments, and linked pull requests.

Comments are read as Markdown, so a `/claim` quoted or inside a code block does not
count; comments by bots do not count; an edited comment counts from its edit.
A claim goes stale after `expiry_days` without activity by the claimant.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from roadmap.model import Claim, IssueRecord, RemoteComment

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: Comment commands and phrases that claim an issue for their author.
DEFAULT_CLAIM_PATTERNS = (
    r"^/claim\b",
    r"^/assign(?:\s+@?(?P<who>[A-Za-z0-9-]+))?\s*$",
    r"^@rustbot\s+claim\b",
    r"^take\s*[.!]?$",
    r"^/assign-me\b",
    r"\bI(?:'d| would) like to (?:work on|take|pick up) (?:this|it)\b",
    r"\bI(?:'m| am) (?:working on|taking|picking up) (?:this|it)\b",
    r"\bI(?:'ll| will) (?:work on|take|pick up) (?:this|it)\b",
    r"\bcan I (?:work on|take|pick up) (?:this|it)\b",
)
#: Comment commands that release the author's claim.
DEFAULT_RELEASE_PATTERNS = (
    r"^/unclaim\b",
    r"^/unassign(?:\s+@?(?P<who>[A-Za-z0-9-]+))?\s*$",
    r"^(?:@rustbot\s+)?release-assignment\b",
    r"^/unassign-me\b",
)


@dataclass(slots=True, frozen=True)
class Patterns:
    """Compiled claim and release patterns (configurable)."""

    claim: tuple[re.Pattern[str], ...]
    release: tuple[re.Pattern[str], ...]
    #: These are the default patterns, whose commands the store keeps for each comment.
    default: bool = False

    @classmethod
    def of(cls, claim: Iterable[str] = DEFAULT_CLAIM_PATTERNS,
           release: Iterable[str] = DEFAULT_RELEASE_PATTERNS) -> Patterns:
        flags = re.IGNORECASE
        claim, release = tuple(claim), tuple(release)
        return cls(tuple(re.compile(p, flags) for p in claim),
                   tuple(re.compile(p, flags) for p in release),
                   claim == DEFAULT_CLAIM_PATTERNS and release == DEFAULT_RELEASE_PATTERNS)


DEFAULT_PATTERNS = Patterns.of()


@functools.cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


#: Anything that could make Markdown of a comment: inline markup anywhere, odd whitespace,
#: the start of a block (a quote, a list item, a heading or its underline, a rule, a fence,
#: indented code). A comment with none of it is plain text. `+1`, `#12` or `1.5x` at the
#: start of a line start no block, and are common enough to keep from the parser.
_MARKUP = re.compile(r"[\\`*_&<\[\]\x00]|[^\S \n]|^ {4}|^ {0,3}(?:>|[-+](?: |$)|-[- ]*$|=+ *$"
                     r"|#{1,6}(?: |$)|~~~|\d{1,9}[.)](?: |$))", re.MULTILINE)


def command_lines(body: str) -> list[str]:
    """The lines of a comment that are its author's own words: not quoted, not code."""
    # Most comments are plain sentences; parsing them as Markdown gives their lines
    # back unchanged, at a tenth of a millisecond each (seconds on a large roadmap).
    return markdown_lines(body) if _MARKUP.search(body) else _plain_lines(body)


def _plain_lines(body: str) -> list[str]:
    return [line.strip() for line in body.split("\n") if line.strip()]


def stored_words(body: str) -> dict[str, str | None]:
    """What the store keeps of a comment, so that no report reads its body again:
    `own_words`, a Markdown comment's `command_lines` one per line (None for plain text,
    which needs no parsing), and `commands`, those of the lines under the default
    patterns, one "kind[ login]" per line."""
    markdown = _MARKUP.search(body) is not None
    lines = markdown_lines(body) if markdown else _plain_lines(body)
    said = _commands(lines, DEFAULT_PATTERNS)
    return {"own_words": "\n".join(lines) if markdown else None,
            "commands": "\n".join(kind if who is None else f"{kind} {who}"
                                   for kind, who in said)}


def _kept_commands(kept: str) -> list[Command]:
    return [(kind, who or None) for kind, _, who in (line.partition(" ")
                                                    for line in kept.split("\n") if line)]


def markdown_lines(body: str) -> list[str]:
    """`command_lines` the long way, parsing the comment as Markdown."""
    lines: list[str] = []
    quoted = 0
    for token in _markdown().parse(body):
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        elif token.type == "inline" and not quoted:
            pieces = []
            for child in token.children or []:
                if child.type == "text":
                    pieces.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    pieces.append("\n")
                elif child.type == "code_inline":
                    pieces.append("`code`")
            lines.extend(line.strip() for line in "".join(pieces).split("\n") if line.strip())
    return lines


#: A command in a comment: "claim" or "release", and the login it names (`/assign @bob`).
Command = tuple[str, str | None]


def comment_intent(comment: RemoteComment, patterns: Patterns = DEFAULT_PATTERNS) -> str | None:
    """"claim", "release" or None: what a comment says of its author's work.

    The last command in a comment wins (one naming someone else says nothing); bots'
    comments say nothing.
    """
    author = comment.author
    if comment.author_is_bot or not author or author.endswith("[bot]"):
        return None
    # What the store kept, read once when the comment was stored:
    if comment.commands is not None and patterns.default:
        said = _kept_commands(comment.commands)
    elif comment.own_words is not None:
        said = _commands(comment.own_words.split("\n") if comment.own_words else [], patterns)
    else:
        said = commands(comment.body, patterns)
    intent = None
    for kind, who in said:
        if who is None or who.lower() == author.lower():
            intent = kind
    return intent


def commands(body: str, patterns: Patterns = DEFAULT_PATTERNS) -> list[Command]:
    """The commands of a comment's lines, in order: the first pattern a line matches."""
    return _commands(command_lines(body), patterns)


def _commands(lines: list[str], patterns: Patterns) -> list[Command]:
    found = []
    for line in lines:
        command = _line_command(line, patterns)
        if command is not None:
            found.append(command)
    return found


def _line_command(line: str, patterns: Patterns) -> Command | None:
    for kind, compiled in (("release", patterns.release), ("claim", patterns.claim)):
        for pattern in compiled:
            match = pattern.search(line)
            if match is not None:
                return kind, match.groupdict().get("who")
    return None


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
    for key in {login.lower() for login in record.assignees}:
        if key not in holders:
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
        last = max([since, *_activity(record, key)])
        claims.append(Claim(names.get(key, key), kind, since, last, evidence,
                            stale=now - last > expiry))
    return sorted(claims, key=lambda c: (c.since, c.login))


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
    """When the claimant last did something on the issue: comments, their pull requests."""
    times = [c.updated_at for c in record.comments if (c.author or "").lower() == key]
    times += [p.updated_at for p in record.pulls if (p.author or "").lower() == key]
    times += [e.created_at for e in record.events
              if e.event == "assigned" and (e.subject or "").lower() == key]
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
