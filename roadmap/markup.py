"""What every renderer shares: untrusted text made safe to show, and the one Jinja environment.

Everything from GitHub is untrusted: HTML autoescapes, Markdown goes through `md`, which
keeps text from becoming tables, links, mentions or HTML, and only issue URLs the store
holds and `https://github.com/<login>` ever become link targets.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from roadmap.model import is_login
from roadmap.resources import data_path

if TYPE_CHECKING:
    from jinja2 import Environment


def plural(count: int, noun: str) -> str:
    """`1 roadmap issue`, `2 roadmap issues`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def issue_count(issues: int, pulls: int, open_issues: int | None = None) -> str:
    """The one count of roadmap issues every screen gives: `4 roadmap issues (3 open) and
    1 labelled pull request` (no pull requests, no mention of them)."""
    text = plural(issues, "roadmap issue")
    if open_issues is not None:
        text += f" ({open_issues} open)"
    return text + (f" and {plural(pulls, 'labelled pull request')}" if pulls else "")


def field(entry: Any, name: str) -> Any:
    """A field of a report's entry: its attribute, or the key of a dict (a template of
    one's own may pass a dict to these filters)."""
    return entry.get(name) if isinstance(entry, dict) else getattr(entry, name)


def change_counts(changes: Iterable[Any]) -> list[tuple[str, int]]:
    """How many changes of each kind, most first: for a one-line summary."""
    return Counter(field(c, "kind") for c in changes).most_common()


# -- making untrusted text safe ---------------------------------------------------------------

_DROP = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean(text: Any, limit: int = 300) -> str:
    """Untrusted text made safe to show: one line, no control or direction characters,
    at most `limit` characters."""
    if type(text) is str and len(text) <= limit and text.isprintable() and (
            "  " not in text and text[:1] != " " and text[-1:] != " "):
        return text  # most text: nothing to take out (printable means no tab or newline)
    value = str(text if text is not None else "")
    if not value.isprintable():
        value = "".join(_clean_char(ch) for ch in value)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _clean_char(ch: str) -> str:
    if ch in _DROP:
        return ""
    category = unicodedata.category(ch)
    if category == "Cc" or category.startswith("Z"):
        return " "
    # Format characters (zero-width, direction marks) go, but the joiner emoji need stays.
    return "" if category[0] == "C" and ch != "\u200d" else ch


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~$])")
_MD_LINE_START = re.compile(r"^(?:([-=])|(\d+)([.)]))")
# GitHub turns `https://...`, `www....` and `name@host` into links on its own: a `:` as
# an entity, an escaped `.` and an invisible joiner after `@` (which also stops an
# @mention from notifying someone) keep them text.
_COLON_AFTER_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp|javascript|vbscript|data|"
                                 r"file):|(?<=[A-Za-z0-9]):(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")


def md(text: Any, limit: int = 300) -> str:
    """Untrusted text for Markdown: every character that could start markup is escaped,
    so it cannot break a table, become a link, an image, a mention or HTML."""
    value = clean(text, limit).replace("&", "&amp;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    value = _MD_LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1)
                               else f"{m.group(2)}\\{m.group(3)}", value)
    value = _COLON_AFTER_SCHEME.sub(lambda m: f"{m.group(1) or ''}&#58;", value)
    value = _WWW.sub(r"\1\\.", value)
    return value.replace("@", "@\u2060")


_URL_CHARS = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9\-._~/?#&=%+,;:@!$']*)?")


def href(url: Any) -> str:
    """`url` if it may be a link target, else "": http(s), no character that could end
    a Markdown link or an HTML attribute. Reports only put the store's issue URLs here."""
    if isinstance(url, str) and _URL_CHARS.fullmatch(url):
        return url
    return ""


def profile(login: Any) -> str:
    """A GitHub profile URL for a login that is one, else ""."""
    if is_login(login):
        return f"https://github.com/{login}"
    return ""


def md_link(text: Any, url: Any, limit: int = 300) -> str:
    """`[text](url)` with the text escaped, or the escaped text alone for an unsafe URL."""
    target = href(url)
    return f"[{md(text, limit)}]({target})" if target else md(text, limit)


def md_issue(entry: Any) -> str:
    """An issue as `[acme/widgets#12](url)`."""
    return md_link(f"{field(entry, 'repo')}#{field(entry, 'number')}", field(entry, "url"))


def md_person(login: Any) -> str:
    """`[@login](https://github.com/login)`, or `@login` escaped when it is not a login."""
    url = profile(login)
    return f"[@{login}]({url})" if url else md(f"@{login}", 60)


def bar(done: int, moving: int, total: int, width: int = 10) -> str:
    """A text progress bar: `█` done, `▒` in progress, `░` the rest."""
    if total <= 0:
        return "░" * width
    full = round(width * done / total)
    part = min(width - full, round(width * moving / total))
    return "█" * full + "▒" * part + "░" * (width - full - part)


def percent(part: int, total: int) -> int:
    return round(100 * part / total) if total > 0 else 0


def when(moment: str | None) -> str:
    """`2026-11-28T19:00:00Z` as `2026-11-28 19:00 UTC`."""
    return f"{moment[:10]} {moment[11:16]} UTC" if moment else "never"


def item_name(entry: Any) -> str:
    """An item as `1.2 Title`, or its title alone."""
    number, title = field(entry, "number"), field(entry, "title")
    return f"{number} {title}" if number else str(title)


# -- rendering ----------------------------------------------------------------------------------


def _escaped(text: str) -> str:
    """`text` escaped as `markupsafe.escape` does it, character for character, without
    the `Markup` object per piece (a large HTML report joins tens of thousands)."""
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def html_issue(entry: Any) -> Markup:
    """An issue for HTML: `<a href="url">acme/widgets#12</a> Title`, everything escaped.
    A filter, not a template macro: a large report shows thousands, and a filter is a
    plain call where a macro goes through Jinja's calling machinery."""
    if isinstance(entry, dict):
        repo, number, url, title = entry["repo"], entry["number"], entry["url"], entry["title"]
    else:
        repo, number, url, title = entry.repo, entry.number, entry.url, entry.title
    name = _escaped(f"{clean(repo, 140)}#{number}")
    url = href(url)
    shown = f'<a href="{_escaped(url)}">{name}</a>' if url else name
    return Markup(f"{shown} {_escaped(clean(title, 200))}")


def html_person(login: Any) -> Markup:
    """`<a href="https://github.com/login">@login</a>`, or `@login` escaped when it is not
    a login (a filter, like `html_issue`)."""
    url = profile(login)
    if url:
        return Markup(f'<a href="{_escaped(url)}">@{_escaped(login)}</a>')
    return Markup(_escaped(f"@{clean(login, 60)}"))


@functools.cache
def jinja_env(folder: str | None = None, html: bool = False) -> Environment:
    """The one Jinja environment per template folder and escaping mode, with its filters.

    A user's folder comes first, then the built-in templates, so a template of one's own
    can `{% extends "report.md.j2" %}`. HTML autoescapes whatever the file is called.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    folders = [folder] if folder else []
    env = Environment(
        loader=FileSystemLoader([*folders, str(data_path("templates"))]),
        autoescape=html, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md, clean=clean, bar=bar, day=lambda s: (s or "")[:10], when=when,
                       href=href, profile=profile, md_link=md_link, md_issue=md_issue,
                       md_person=md_person, percent=percent, item_name=item_name,
                       html_issue=html_issue, html_person=html_person)
    env.globals.update(change_counts=change_counts)
    return env
