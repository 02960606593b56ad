"""Reading the inline tokens markdown-it gives for a heading, paragraph or cell."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from roadmap.model import QueryLink, Ref, RefKind
from roadmap.parse import refs as R

_MYST_ROLES: dict[str, RefKind] = {
    "{issue}": "issue", "{pr}": "pull", "{gh-issue}": "issue", "{gh-pr}": "pull",
}
_ROLE_NAMES = tuple(_MYST_ROLES)
#: One HTML comment and nothing else (`<!-- roadmap: id=x -->`): html.parser gives its text
#: alone. No `--` inside, nor a `-` or `>` first, so every Python's html.parser ends it
#: where this does (at the first `--` then `>`; newer ones at `--!>` and `<!-->` too).
_LONE_COMMENT = re.compile(r"\s*<!--(?![->])((?:[^-]|-(?!-))*)-->\s*")
#: What a link (`[`, `<`), a reference (`#`, `GH-`, a bare URL) or a MyST role (`{`) needs.
_REFERRING = ("#", "[", "<", "{", "GH-", "github.com/")


@dataclass(slots=True)
class Found:
    """What one run of inline tokens holds besides its text."""

    refs: list[Ref | R.Unresolved] = field(default_factory=list)
    bad: list[R.BadRef] = field(default_factory=list)
    queries: list[QueryLink] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    #: Repositories of the issues and pull requests linked by URL, which tell what
    #: repository the document is about (an `owner/repo#1` in text usually names another).
    linked: list[str] = field(default_factory=list)

    def add_url(self, url: str, line: int) -> None:
        """Record what a link's target points at."""
        target = R.target_of_url(url, line)
        if isinstance(target, Ref):
            self.refs.append(target)
            self.linked.append(target.repo or "")
        elif isinstance(target, R.BadRef):
            self.bad.append(target)
        elif isinstance(target, QueryLink):
            self.queries.append(target)

    def add_html(self, html: str, line: int) -> None:
        """Record the links and `roadmap:` markers of raw HTML."""
        lone = _LONE_COMMENT.fullmatch(html)
        if lone is not None:  # most raw HTML of a roadmap: read without html.parser
            self.markers.append(lone.group(1))
            return
        from roadmap.parse.rawhtml import read_html

        hrefs, comments = read_html(html)
        for url, offset in hrefs:
            self.add_url(url, line + offset)
        self.markers.extend(comments)


def plain_text(children: Sequence[Token] | None) -> str:
    """The text a reader sees: link text and code kept, markup and raw HTML dropped."""
    if not children:
        return ""
    parts: list[str] = []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline"):
            parts.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "image":
            parts.append(plain_text(token.children))
    return "".join(parts)


def heading_text(children: Sequence[Token] | None) -> str:
    """A heading's title: its plain text without in-page links such as `<a href="#top">↑</a>`,
    which point back up the page rather than name anything."""
    if not children:
        return ""
    kept: list[Token] = []
    skipping = 0
    for token in children:
        opens = token.type == "link_open" and str(token.attrs.get("href", "")).startswith("#")
        if token.type == "html_inline":
            html = token.content.strip().lower()
            opens = html.startswith("<a ") and 'href="#' in html
            skipping -= 1 if skipping and html.startswith("</a") else 0
        elif skipping and token.type == "link_close":
            skipping -= 1
            continue
        if opens:
            skipping += 1
        elif not skipping:
            kept.append(token)
    return plain_text(kept)


def lines_of(children: Sequence[Token] | None) -> list[str]:
    """The plain text split at line breaks: one entry per source line of a paragraph."""
    return plain_text(children).split("\n")


def may_refer(source: str) -> bool:
    """Whether Markdown source could hold a link, a reference or a marker, so that its
    tokens are worth a `scan`: most prose holds none, and a substring test is cheap."""
    return any(mark in source for mark in _REFERRING)


def scan(children: Sequence[Token] | None, line: int, found: Found) -> None:
    """Collect references, search links and markers from inline tokens."""
    if not children:
        return
    in_link = 0
    previous = ""
    for token in children:
        kind = token.type
        if kind == "text":  # most tokens: tested first
            previous = token.content
            if not in_link:
                if "#" in previous or "GH-" in previous:
                    found.refs.extend(R.refs_of_text(previous))
                if "github.com/" in previous:
                    for url in R.urls_of_text(previous):
                        found.add_url(url, line)
            continue
        if kind == "softbreak" or kind == "hardbreak":
            line += 1
        elif kind == "link_open":
            in_link += 1
            found.add_url(str(token.attrs.get("href", "")), line)
        elif kind == "link_close":
            in_link = max(0, in_link - 1)
        elif kind == "code_inline" and previous.endswith(_ROLE_NAMES):
            role_kind = _MYST_ROLES[previous[previous.rindex("{"):]]
            role = R.ref_of_role(token.content, role_kind)
            if role is not None:
                found.refs.append(role)
        elif kind == "html_inline":
            found.add_html(token.content, line)
        previous = ""
