"""The markdown-it parser the tool reads roadmaps with, and front matter."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

#: `title:` of YAML front matter; the quotes are taken off after, as `(.*?)\s*$` took
#: quadratic time on a title followed by a long run of spaces.
_YAML_TITLE = re.compile(r"^title[^\S\n]*:(.*)$", re.MULTILINE)


@functools.cache
def markdown() -> MarkdownIt:
    """CommonMark with GitHub's tables, strikethrough and YAML front matter, as GitHub
    renders a roadmap."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)


@functools.cache
def _markdown_reading(wanted: Callable[[str], bool]) -> MarkdownIt:
    """`markdown()` parsing the inline content of only the paragraphs `wanted` accepts."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)
    md.core.ruler.at("inline", functools.partial(_wanted_inlines, wanted=wanted))
    return md


def _wanted_inlines(state: StateCore, wanted: Callable[[str], bool]) -> None:
    """markdown-it's `inline` core rule, leaving a paragraph `wanted` turns down unparsed.

    Inline parsing is half of tokenising; a paragraph whose tokens nobody reads keeps an
    empty list of children. Headings and table cells are always parsed. Nothing an inline
    rule does reaches other tokens (link definitions are read in the block pass).
    """
    md, env, tokens = state.md, state.env, state.tokens
    for n, token in enumerate(tokens):
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if n and tokens[n - 1].type == "paragraph_open" and not wanted(token.content):
            continue
        md.inline.parse(token.content, md, env, token.children)


def normalise(text: str) -> str:
    """One newline convention and no byte-order mark, so line numbers match the source."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_toml_front_matter(text: str) -> tuple[str, str | None]:
    """Blank out Hugo's `+++` TOML front matter (keeping line numbers); return its title."""
    if not text.startswith("+++\n"):
        return text, None
    end = text.find("\n+++", 3)
    if end == -1:
        return text, None
    import tomllib  # only Hugo's front matter needs it: a few ms of every start otherwise

    block = text[4:end]
    close = end + len("\n+++")
    blanked = "\n" * text.count("\n", 0, close) + text[close:]
    try:
        title = tomllib.loads(block).get("title")
    except tomllib.TOMLDecodeError:
        title = None
    return blanked, title if isinstance(title, str) else None


def yaml_title(token: Token) -> str | None:
    """The `title:` of YAML front matter, read without a YAML library."""
    match = _YAML_TITLE.search(token.content)
    if match is None:
        return None
    title = match.group(1).strip()
    if len(title) >= 2 and title[0] == title[-1] and title[0] in "\"'":
        title = title[1:-1].strip()
    return title or None


def tokenize(text: str, wanted: Callable[[str], bool] | None = None) -> list[Token]:
    """The block and inline tokens of normalised Markdown text; with `wanted`, only the
    paragraphs whose source it accepts have inline tokens (children)."""
    return (markdown() if wanted is None else _markdown_reading(wanted)).parse(text)
