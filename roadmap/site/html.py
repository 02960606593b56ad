"""The small pieces of HTML every page repeats, as Jinja filters.

A badge, a date, a login, an issue or item link, a label list, a progress bar: tens of
thousands of them on a large roadmap's site. As macros each call cost Jinja a new frame
and context (a third of a 10,000-issue build); as filters they are one Python call.
Everything shown is escaped here, as autoescape would (`clean` first, as the templates
do); each returns `Markup`, so the page does not escape it twice.
"""

from __future__ import annotations

from typing import Any, Protocol

from markupsafe import Markup, escape

from roadmap.markup import clean
from roadmap.site.data import Totals
from roadmap.track.overview import ItemCounts

STATUSES = ("done", "in_progress", "stalled", "planned", "dropped")
STATUS_TEXT = {"done": "done", "in-progress": "in progress", "in_progress": "in progress",
               "stalled": "stalled", "planned": "planned", "dropped": "dropped"}
_BAR = ('<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect class="track" x="0" y="0" width="100" height="8"/>')


class Named(Protocol):
    """Whatever names a person and their page (a claim, a person, an owner)."""

    @property
    def login(self) -> str: ...
    @property
    def page(self) -> str | None: ...


class Linked(Protocol):
    """Whatever names an issue and its URL."""

    @property
    def ref(self) -> str: ...
    @property
    def url(self) -> str | None: ...


class Titled(Protocol):
    """Whatever names an item: its number, title and page."""

    @property
    def number(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def page(self) -> str | None: ...


def status_badge(status: str) -> Markup:
    """`<span class="badge in-progress">in progress</span>`."""
    return Markup(f'<span class="badge {escape(status.replace("_", "-"))}">'
                  f"{escape(STATUS_TEXT.get(status, status))}</span>")


def date_tag(moment: str | None) -> Markup:
    """A day (dates only: a page should not change because something happened later the
    same day), or "never"."""
    if not moment:
        return Markup("never")
    day = escape(moment[:10])
    return Markup(f'<time datetime="{day}">{day}</time>')


def person_link(ref: Named, root: str) -> Markup:
    """`@login`, linked to their page when they have one."""
    login = escape(clean(ref.login, 60))
    if ref.page:
        return Markup(f'<a class="login" href="{escape(root)}{escape(ref.page)}">@{login}</a>')
    return Markup(f'<span class="login">@{login}</span>')


def issue_link(issue: Linked) -> Markup:
    """`owner/repo#12`, linked to GitHub when its URL is safe."""
    ref = escape(clean(issue.ref, 160))
    if issue.url:
        return Markup(f'<a href="{escape(issue.url)}" rel="nofollow ugc noopener">{ref}</a>')
    return ref


def item_label(item: Titled) -> Markup:
    """An item's number and title."""
    title = escape(clean(item.title))
    if item.number:
        return Markup(f'<span class="num">{escape(clean(item.number, 40))}</span> {title}')
    return title


def item_link(item: Titled, root: str) -> Markup:
    """An item's number and title, linked to its page when it has one."""
    if item.page:
        return Markup(f'<a href="{escape(root)}{escape(item.page)}">{item_label(item)}</a>')
    return item_label(item)


def label_list(names: tuple[str, ...]) -> Markup:
    """An issue's label chips."""
    if not names:
        return Markup("")
    chips = "".join(f'<li class="label">{escape(clean(name, 60))}</li>' for name in names)
    return Markup(f'<ul class="labels" aria-label="Labels">{chips}</ul>')


def segments(progress: ItemCounts | Totals) -> list[tuple[str, float, float]]:
    """A progress bar's parts: (status, x, width) in percent, in a fixed order."""
    total = progress.total
    parts, x = [], 0.0
    for key in STATUSES:
        width = round(100 * getattr(progress, key) / total, 3) if total else 0.0
        if width:
            parts.append((key, round(x, 3), width))
            x += width
    return parts


def progress_bar(progress: ItemCounts | Totals) -> Markup:
    """A bar of an item's leaf items by status (hidden from screen readers: the text
    beside it says the same)."""
    rects = "".join(f'<rect class="{escape(key.replace("_", "-"))}" x="{x}" y="0" '
                    f'width="{width}" height="8"/>' for key, x, width in segments(progress))
    return Markup(f"{_BAR}{rects}</svg>")


def progress_text(p: ItemCounts) -> Markup:
    """`3 of 7 done, 2 in progress, 2 planned`."""
    text = f"{p.done} of {p.total} done"
    for count, what in ((p.in_progress, "in progress"), (p.stalled, "stalled"),
                        (p.planned, "planned"), (p.dropped, "dropped")):
        if count:
            text += f", {count} {what}"
    return Markup(escape(text))


FILTERS: dict[str, Any] = {
    "status_badge": status_badge, "date_tag": date_tag, "person_link": person_link,
    "issue_link": issue_link, "item_label": item_label, "item_link": item_link,
    "label_list": label_list, "progress_bar": progress_bar, "progress_text": progress_text,
}
