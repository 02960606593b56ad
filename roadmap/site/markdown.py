"""Untrusted Markdown (item bodies, task lines) as HTML that can run nothing.

markdown-it-py with raw HTML off, images shown as links (a page loads nothing from
elsewhere), and links limited to http, https, mailto and relative targets. A
relative link in ROADMAP.md points into the repository, so it is resolved against
the repository on GitHub when that is known; `#anchor` links to another item's
heading go to that item's page. An issue reference in the text (`Tracking issue: #4`,
`owner/repo#12`) links to the issue on GitHub, as the issue cards below it do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from roadmap.parse.refs import ref_spans

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
#: Body headings sit under the item page's own `h1` and `h2`.
HEADING_SHIFT = 2

#: Turns a link target into the href to write, or None to drop the link.
Resolver = Callable[[str], "str | None"]


_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")
_HTTP_URL = re.compile(r"https?://[^\s/?#\\]+(?:[/?#]\S*)?", re.IGNORECASE)


def safe_href(url: str) -> bool:
    """Whether a link target is http(s), mailto or relative, and free of control characters."""
    value = url.strip()
    if _UNSAFE.search(value):
        return False
    match = _SCHEME.match(value)
    if match is None:
        return True  # relative: a path, `?query` or `#anchor`
    scheme = match.group(1).lower()
    return scheme == "mailto" or (scheme in SAFE_SCHEMES and bool(_HTTP_URL.fullmatch(value)))


def safe_url(url: str | None) -> str | None:
    """An absolute http(s) URL from GitHub, or None: the only kind a page links to as is."""
    if not url:
        return None
    value = url.strip()
    return value if _HTTP_URL.fullmatch(value) and not _UNSAFE.search(value) else None


@functools.cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    class SafeMarkdown(MarkdownIt):
        def validateLink(self, url: str) -> bool:
            return safe_href(url)

    md = SafeMarkdown("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")  # `![alt](src)` stays text and a link: nothing is fetched
    md.add_render_rule("ref_text", _ref_text)
    return md


def link_resolver(repo: str | None, anchors: dict[str, str]) -> Resolver:
    """Where links of a roadmap body go: `#anchor` of an item to its page (`anchors`
    maps anchor to href), other relative paths into the repository on GitHub."""
    base = f"https://github.com/{repo}/blob/HEAD/" if repo else None

    def resolve(href: str) -> str | None:
        if not safe_href(href):
            return None
        if href.startswith("#"):
            return anchors.get(href[1:].lower(), href)
        if _SCHEME.match(href) or href.startswith("//"):
            return href
        return urljoin(base, href) if base else href

    return resolve


def render_markdown(text: str, resolve: Resolver | None = None,
                    repo: str | None = None) -> str:
    """A Markdown block as safe HTML; issue references link into `repo` (or the one named)."""
    md = _markdown()
    tokens = md.parse(text or "")
    _rewrite(tokens, resolve or _keep)
    _link_refs(tokens, repo)
    return str(md.renderer.render(tokens, md.options, {}))


def render_inline(text: str, resolve: Resolver | None = None, repo: str | None = None) -> str:
    """One line of Markdown (a task) as safe inline HTML."""
    md = _markdown()
    tokens = md.parseInline(text or "")
    _rewrite(tokens, resolve or _keep)
    _link_refs(tokens, repo)
    return str(md.renderer.render(tokens, md.options, {}))


def _link_refs(tokens: list[Token], repo: str | None) -> None:
    """Issue references in text (not in a link or code) made links to GitHub."""
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _linked(token.children, repo)


def _linked(children: list[Token], repo: str | None) -> list[Token]:
    """A text token naming issues becomes one `ref_text` token of ready HTML: its text
    escaped as the renderer would, each reference a link (a roadmap's tracking line of
    thirty references is one token, not 120 for the renderer to walk)."""
    from markdown_it.common.utils import escapeHtml
    from markdown_it.token import Token

    out: list[Token] = []
    depth = 0  # inside a link: its text stays as it is
    for child in children:
        depth += (child.type == "link_open") - (child.type == "link_close")
        spans = ref_spans(child.content) if child.type == "text" and not depth else []
        html, at = [], 0
        for start, end, named, number in spans:
            owner = named or repo
            if owner is None:
                continue
            url = escapeHtml(f"https://github.com/{owner}/issues/{number}")
            html.append(f'{escapeHtml(child.content[at:start])}<a href="{url}" '
                        f'rel="nofollow ugc noopener">{escapeHtml(child.content[start:end])}</a>')
            at = end
        if at:
            html.append(escapeHtml(child.content[at:]))
            child = Token("ref_text", "", 0, content="".join(html))
        out.append(child)
    return out


def _ref_text(renderer: object, tokens: list[Token], idx: int, options: object,
              env: object) -> str:
    return tokens[idx].content  # made and escaped by `_linked`


def _keep(href: str) -> str | None:
    return href if safe_href(href) else None


def _rewrite(tokens: list[Token], resolve: Resolver) -> None:
    """Links resolved (or turned to plain text), external ones marked; headings shifted."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + HEADING_SHIFT)
            token.tag = f"h{level}"
        if token.children:
            _rewrite(token.children, resolve)
        if token.type != "link_open":
            continue
        href = resolve(str(token.attrGet("href") or ""))
        if href is None:
            token.attrs.pop("href", None)
            continue
        token.attrSet("href", href)
        if _SCHEME.match(href) or href.startswith("//"):
            token.attrSet("rel", "nofollow ugc noopener")
