"""What a comment's author says of their work: claim and release commands.

Comments are read as Markdown, so a `/claim` quoted or inside a code block does not
count, while one inside a sentence ("Hi! /claim") does; comments by bots say nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roadmap.model import RemoteComment

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: Comment commands and phrases that claim an issue for their author. A command counts at the
#: start of a line or of a sentence or clause ("Hi! /claim", "Thanks, /claim"), not named
#: in the middle of one ("Thanks for the /claim earlier") nor in a path (`docs/claim`).
DEFAULT_CLAIM_PATTERNS = (
    r"(?:^|[.!?:;,]\s+)/claim\b",
    r"(?:^|[.!?:;,]\s+)/assign(?:\s+@?(?P<who>[A-Za-z0-9-]+))?\s*$",
    r"(?:^|[.!?:;,]\s+)@rustbot\s+claim\b",
    r"^take\s*[.!]?$",
    r"(?:^|[.!?:;,]\s+)/assign-me\b",
    r"\bI(?:'d| would) like to (?:work on|take|pick up) (?:this|it)\b",
    r"\bI(?:'m| am) (?:working on|taking|picking up) (?:this|it)\b",
    r"\bI(?:'ll| will) (?:work on|take|pick up) (?:this|it)\b",
    r"\bcan I (?:work on|take|pick up) (?:this|it)\b",
)
#: Comment commands that release the author's claim.
DEFAULT_RELEASE_PATTERNS = (
    r"(?:^|[.!?:;,]\s+)/unclaim\b",
    r"(?:^|[.!?:;,]\s+)/unassign(?:\s+@?(?P<who>[A-Za-z0-9-]+))?\s*$",
    r"(?:^|[.!?:;,]\s+)(?:@rustbot\s+)?release-assignment\b",
    r"(?:^|[.!?:;,]\s+)/unassign-me\b",
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


#: A word every default pattern needs, compiled with their flag (so with the same case
#: rules: a dotless i is an i here as there): a line without one holds no default command, which
#: spares most lines the thirteen searches (a tenth of a large sync's CPU, issue 16).
_MAY_COMMAND = re.compile(r"claim|assign|tak|work|pick", re.IGNORECASE)


def _commands(lines: list[str], patterns: Patterns) -> list[Command]:
    found = []
    screen = _MAY_COMMAND.search if patterns.default else None
    for line in lines:
        if screen is not None and screen(line) is None:
            continue
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
