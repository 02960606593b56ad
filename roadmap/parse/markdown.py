"""The markdown-it parser the tool reads roadmaps with, and front matter."""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
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


def tokenize(text: str) -> list[Token]:
    """The block and inline tokens of normalised Markdown text."""
    return markdown().parse(text)
