"""The markdown-it parser the tool reads roadmaps with, and front matter."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, lheading
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

#: `title:` of YAML front matter; the quotes are taken off after, as `(.*?)\s*$` took
#: quadratic time on a title followed by a long run of spaces.
_YAML_TITLE = re.compile(r"^title[^\S\n]*:(.*)$", re.MULTILINE)


#: A URL markdown-it's normalizeLink (mdurl's parse, punycode, percent-encoding) and
#: normalizeLinkText give back unchanged: http(s), an ASCII host of short labels, and only
#: characters mdurl leaves as they are. Most links of a roadmap look so, and the general path
#: costs ~14 us a link (a sixth of tokenising a roadmap full of issue links).
_PLAIN_URL = re.compile(r"https?://(?P<host>(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63})"
                        r"(?:[/?#](?:[A-Za-z0-9;/?:@&=+$,_.!~*'()#-]|%[0-9A-Fa-f]{2})*)?")
#: mdurl drops a hostname longer than this.
_HOST_MAX = 255


def plain_url(url: str) -> bool:
    """Whether markdown-it's link normalisation would give `url` back unchanged."""
    match = _PLAIN_URL.fullmatch(url)
    return match is not None and len(match["host"]) <= _HOST_MAX


class _Reader(MarkdownIt):
    """MarkdownIt whose link normalisation skips the URLs it would leave as they are."""

    def normalizeLink(self, url: str) -> str:
        return url if plain_url(url) else super().normalizeLink(url)

    def normalizeLinkText(self, link: str) -> str:
        # Text decodes %XX and punycode (`xn--`) where the link encodes: neither, unchanged.
        unchanged = plain_url(link) and "%" not in link and "xn--" not in link.lower()
        return link if unchanged else super().normalizeLinkText(link)


#: The characters an enabled inline rule can start at (a newline, `\\` escapes, code, `~~`,
#: emphasis, links and `]` that ends their text, images, autolinks and HTML, entities).
#: markdown-it's text rule stops at more (`#`, `-`, `:`, `@` ... for plugins), where every
#: rule is then tried in turn, fails, and the character joins the text all the same.
_TERMINATORS = re.compile(r"[\n\\`~*_\[\]!<&]")


#: A line that could underline a setext heading (`Title` over `---` or `===`): only `-` or
#: only `=` once the marks of the blockquotes (and the indent of the lists) it sits in are
#: taken off. markdown-it takes its underline from the line's first non-space character
#: (after `>` in a quote) to its end.
_UNDERLINE = re.compile(r"^[ \t>]*(?:-+|=+)[ \t]*$", re.MULTILINE)
#: The `env` key under which `tokenize` passes `last_underline` to `_setext_heading`.
_LAST_UNDERLINE = "roadmap.last_underline"


def last_underline(text: str) -> int:
    """The 0-based number of the last line that could underline a setext heading, or -1."""
    if "\r" in text:  # line numbers as markdown-it counts them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    last = None
    for last in _UNDERLINE.finditer(text):  # noqa: B007 (only the last one counts)
        pass
    return -1 if last is None else text.count("\n", 0, last.start())


def _setext_heading(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """markdown-it's lheading, not tried where no later line could underline a heading.

    It is tried at every paragraph and reads the paragraph's lines for an underline
    (which the paragraph rule then reads again): a tenth of tokenising a roadmap that
    has no setext headings. Failing, it changes nothing a later rule reads.
    """
    if startLine >= state.env.get(_LAST_UNDERLINE, endLine):
        return False
    return lheading(state, startLine, endLine, silent)


def _github(table: bool = True, strikethrough: bool = True,
            front_matter: bool = True) -> MarkdownIt:
    """CommonMark with GitHub's tables, strikethrough and YAML front matter, each optional."""
    md = _Reader("commonmark").enable([name for name, on in (
        ("table", table), ("strikethrough", strikethrough)) if on])
    md.inline.terminator_re = _TERMINATORS
    md.block.ruler.at("lheading", _setext_heading)
    return md.use(front_matter_plugin) if front_matter else md


@functools.cache
def markdown() -> MarkdownIt:
    """CommonMark with GitHub's tables, strikethrough and YAML front matter, as GitHub
    renders a roadmap."""
    return _github()


def constructs(text: str) -> tuple[bool, bool, bool]:
    """Which of tables, strikethrough and front matter `text` could hold at all.

    Each rule fails on text without its mark (a table's header line has a `|`, a strike
    opens with `~~`, front matter starts the text with `-`), so leaving it out changes no
    token, and saves its calls: the table rule runs at every block and paragraph line.
    """
    return "|" in text, "~~" in text, text.startswith("-")


@functools.cache
def _markdown_reading(wanted: Callable[[str], bool], table: bool, strikethrough: bool,
                      front_matter: bool) -> MarkdownIt:
    """`markdown()` with only the constructs asked for, parsing the inline content of only
    the paragraphs `wanted` accepts."""
    md = _github(table, strikethrough, front_matter)
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
    md = markdown() if wanted is None else _markdown_reading(wanted, *constructs(text))
    return md.parse(text, {_LAST_UNDERLINE: last_underline(text)})
