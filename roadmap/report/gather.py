"""`roadmap report`: a maintainer's status report, gathered from the store, then rendered.

The whole report is gathered first into one plain dict, whose shape is the
documented JSON (`schema` 1); Markdown, HTML and plain text are Jinja2 templates over
that dict (`templates/report.*.j2`, or the user's own), and the rich terminal view
reads it too. Everything from GitHub is untrusted: HTML autoescapes, Markdown goes
through `md`, which keeps text from becoming tables, links, mentions or HTML, and only
issue URLs the store holds and `https://github.com/<login>` ever become link targets.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from roadmap.config import DEFAULT_LABEL
from roadmap.errors import InputError
from roadmap.model import IssueRecord
from roadmap.resources import data_path
from roadmap.store import Store
from roadmap.track.history import changes_between
from roadmap.track.overview import GOOD_FIRST, available_view, stamp, who_view
from roadmap.track.status import ItemState, Overview, progress

if TYPE_CHECKING:
    from jinja2 import Environment

SCHEMA = 1
FORMATS = ("md", "html", "json", "text")
#: Data older than this gets a warning at the top of the report.
FRESH = timedelta(days=1)
#: How far back changes go when there is no `--since` and no previous report.
DEFAULT_SINCE = timedelta(days=7)
_DURATION = re.compile(r"^(\d{1,6})\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_CLAIM_KINDS = ("claimed", "released", "claim went stale", "claim active again")
_NO_ISSUE = "no issue linked"


def parse_since(text: str, now: datetime) -> datetime:
    """`7d`, `12h`, `2w`, `2026-11-01` or `2026-11-28T19:00:00Z` as a UTC moment."""
    text = text.strip()
    match = _DURATION.match(text)
    try:
        if match:
            moment = now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError):
        raise InputError(f"--since: not a duration (7d, 12h), a date (2026-11-01) or an "
                         f"ISO 8601 time (2026-11-28T19:00:00Z): {text!r}") from None
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    if moment > now:
        raise InputError(f"--since: {text!r} is in the future")
    return moment


# -- gathering ----------------------------------------------------------------------------------


def build_report(store: Store, overview: Overview, title: str | None, now: datetime,
                 since: datetime | None, label: str = DEFAULT_LABEL) -> dict[str, Any]:
    """Everything a report says, as the documented JSON shape (`schema` 1).

    `since` None means since the previous report, else `DEFAULT_SINCE` ago; `label`, the
    one every roadmap issue carries, is left out of the help-wanted labels. Changes go
    back to where history starts at most: the first sync's facts are not changes.
    """
    last_sync = store.load_last_sync()
    since = since or store.load_last_report() or now - DEFAULT_SINCE
    warnings = _warnings(overview, last_sync, now)
    start = store.load_history_start()
    if start is not None and since < start:
        since = start
        warnings.append(f"History starts at {when(stamp(start))}, its first record: what "
                        "changed before then is not known.")
    sections = [_section(overview, s) for s in overview.items if s.item.parent is None]
    return {
        "schema": SCHEMA,
        "title": title or "Roadmap",
        "generated_at": stamp(now),
        "last_sync": stamp(last_sync),
        "stale_data": last_sync is None or now - last_sync > FRESH,
        "since": stamp(since),
        "history_start": stamp(start),
        "warnings": warnings,
        "totals": _totals(overview, sections),
        "sections": sections,
        "people": _people(overview),
        "attention": _attention(overview),
        "help_wanted": _help_wanted(overview, label),
        "changes": _changes(store, overview, since, now),
    }


def _warnings(overview: Overview, last_sync: datetime | None, now: datetime) -> list[str]:
    """What the reader must know before trusting the rest, in plain words."""
    found = []
    if last_sync is None:
        found.append("The store has never been synced: nothing here comes from GitHub yet. "
                     "Run `roadmap sync`.")
    elif now - last_sync > FRESH:
        found.append(f"The data is {_age(now - last_sync)} old (last sync "
                     f"{stamp(last_sync)}). Run `roadmap sync`.")
    if not overview.items and not overview.records:
        found.append("The store is empty: no roadmap items and no roadmap issues.")
    elif not overview.items:
        found.append("No roadmap items: the store holds no parsed ROADMAP.md.")
    elif not overview.records:
        found.append("No roadmap issues in the store.")
    return found


def _age(delta: timedelta) -> str:
    days = delta.days
    return f"{days} days" if days > 1 else f"{int(delta.total_seconds() // 3600)} hours"


def _counts(overview: Overview, state: ItemState) -> dict[str, int]:
    counts = progress(overview.items, state)
    return {"done": counts.get("done", 0),
            "in_progress": counts.get("in-progress", 0) + counts.get("stalled", 0),
            "planned": counts.get("planned", 0), "dropped": counts.get("dropped", 0),
            "total": sum(counts.values())}


def _section(overview: Overview, state: ItemState) -> dict[str, Any]:
    return {"id": state.item.id, "number": state.item.number, "title": state.item.title,
            "status": state.status, "declared": state.item.declared, "people": state.people,
            **_counts(overview, state),
            "sub_issues": state.sub_issues.to_dict() if state.sub_issues else None}


def _totals(overview: Overview, sections: list[dict[str, Any]]) -> dict[str, int]:
    """Leaf items over every section, and how many roadmap issues are open or closed."""
    keys = ("done", "in_progress", "planned", "dropped", "total")
    totals = {key: sum(s[key] for s in sections) for key in keys}
    issues = [r for r in overview.records if not r.is_pull_request]
    totals["issues"] = len(issues)
    totals["open_issues"] = sum(r.state == "open" for r in issues)
    return totals


def _issue(record: IssueRecord) -> dict[str, Any]:
    return {"repo": record.repo, "number": record.number, "title": record.title,
            "url": record.url,
            "sub_issues": record.sub_issues.to_dict() if record.sub_issues else None}


def _item(state: ItemState) -> dict[str, Any]:
    return {"id": state.item.id, "number": state.item.number, "title": state.item.title}


def _people(overview: Overview) -> list[dict[str, Any]]:
    """`who_view`, with each issue's URL."""
    urls = {r.ref: r.url for r in overview.records}
    people = who_view(overview)
    for person in people:
        for issue in person["issues"]:
            issue["url"] = urls.get(f"{issue['repo']}#{issue['number']}")
    return people


def _attention(overview: Overview) -> dict[str, list[dict[str, Any]]]:
    """Stale claims, stalled items, drift, conflicts, issues linked to no item, items with
    no issue: each entry an issue (repo, number, title, url) or an item (id, number, title)."""
    by_ref = {r.ref: r for r in overview.records}
    suggested = {f"{s.repo}#{s.number}": s.item_id for s in overview.suggestions}
    leaves = [s for s in overview.items if not s.children]
    return {
        "stale_claims": [
            {**_issue(r), "login": c.login, "since": stamp(c.since),
             "last_activity": stamp(c.last_activity)}
            for r in overview.records for c in overview.claims[r.ref] if c.stale],
        "stalled": [{**_item(s), "last_activity": stamp(s.last_activity)}
                    for s in leaves if s.status == "stalled"],
        "drift": [{**_item(s), "detail": d} for s in overview.items for d in s.drift
                  if d != _NO_ISSUE],
        "conflicts": [{**_issue(by_ref[ref]), "detail": detail} for ref, _, detail in
                      (c.partition(": ") for c in overview.conflicts) if ref in by_ref],
        "unlinked_issues": [{**_issue(r), "suggested_item": suggested.get(r.ref)}
                            for r in overview.unlinked if not r.is_pull_request],
        "items_without_issue": [_item(s) for s in leaves if _NO_ISSUE in s.drift],
    }


def _help_wanted(overview: Overview, label: str) -> list[dict[str, Any]]:
    """`available_view`, each entry marked `good_first` or not (those come first)."""
    wanted = available_view(overview)
    for entry in wanted:
        entry["labels"] = [x for x in entry["labels"] if x.lower() != label.lower()]
        entry["good_first"] = any(x.lower() in GOOD_FIRST for x in entry["labels"])
    return wanted


def _changes(store: Store, overview: Overview, since: datetime,
             now: datetime) -> list[dict[str, Any]]:
    """What changed after `since`: each with the issue's URL and title, or the item's
    title, as they are now, and the login for claims."""
    records = {r.ref: r for r in overview.records}
    items = {s.item.id: _item(s) for s in overview.items}
    changes = []
    for change in changes_between(store, since, now):
        record, item = records.get(change.subject), items.get(change.subject)
        about = "item" if change.kind.startswith("item ") else "issue"
        changes.append({
            "at": stamp(change.at), "kind": change.kind, "about": about,
            "subject": change.subject, "detail": change.detail,
            "url": record.url if record else None,
            "title": record.title if record else item_name(item) if item else None,
            "login": change.detail[1:] if change.kind in _CLAIM_KINDS else None,
        })
    return changes


def change_counts(changes: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """How many changes of each kind, most first: for a one-line summary."""
    return Counter(c["kind"] for c in changes).most_common()


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
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")


def href(url: Any) -> str:
    """`url` if it may be a link target, else "": http(s), no character that could end
    a Markdown link or an HTML attribute. Reports only put the store's issue URLs here."""
    if isinstance(url, str) and _URL_CHARS.fullmatch(url):
        return url
    return ""


def profile(login: Any) -> str:
    """A GitHub profile URL for a login that is one, else ""."""
    if isinstance(login, str) and _LOGIN.fullmatch(login):
        return f"https://github.com/{login}"
    return ""


def md_link(text: Any, url: Any, limit: int = 300) -> str:
    """`[text](url)` with the text escaped, or the escaped text alone for an unsafe URL."""
    target = href(url)
    return f"[{md(text, limit)}]({target})" if target else md(text, limit)


def md_issue(entry: dict[str, Any]) -> str:
    """An issue as `[acme/widgets#12](url)`."""
    return md_link(f"{entry['repo']}#{entry['number']}", entry.get("url"))


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


def item_name(entry: dict[str, Any]) -> str:
    """An item as `1.2 Title`, or its title alone."""
    return f"{entry['number']} {entry['title']}" if entry.get("number") else entry["title"]


# -- rendering ----------------------------------------------------------------------------------


def html_issue(entry: dict[str, Any]) -> Markup:
    """An issue for HTML: `<a href="url">acme/widgets#12</a> Title`, everything escaped.
    A filter, not a template macro: a large report shows thousands, and a filter is a
    plain call where a macro goes through Jinja's calling machinery."""
    name = escape(f"{clean(entry['repo'], 140)}#{entry['number']}")
    url = href(entry["url"])
    shown = f'<a href="{escape(url)}">{name}</a>' if url else name
    return Markup(f"{shown} {escape(clean(entry['title'], 200))}")


def html_person(login: Any) -> Markup:
    """`<a href="https://github.com/login">@login</a>`, or `@login` escaped when it is not
    a login (a filter, like `html_issue`)."""
    url = profile(login)
    if url:
        return Markup(f'<a href="{escape(url)}">@{escape(login)}</a>')
    return escape(f"@{clean(login, 60)}")


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


def render_report(report: dict[str, Any], format: str, template: Path | None = None,
                  width: int | None = None) -> str:
    """The report in `format`; `template` replaces the built-in one for md, html and text.

    `width` asks for the rich terminal view of `text` (colours, tables) at that width.
    """
    if format not in FORMATS:
        raise InputError(f"unknown report format {format!r} (one of {', '.join(FORMATS)})")
    if format == "json":
        if template is not None:
            raise InputError("--template works with --format md, html or text, not json")
        return to_json(report) + "\n"
    if format == "text" and template is None:
        from roadmap.report.text import render_rich, render_text

        return render_text(report) if width is None else render_rich(report, width)
    return _render_template(report, format, template)


def to_json(value: Any) -> str:
    """JSON with each key of an object starting a line and each element of a list on
    one line: two reports diff entry by entry, and a 10,000-issue report is written by
    the standard library's C encoder, not its pure-Python indenting (which took a sixth
    of the report's time, issue 5)."""
    out: list[str] = []
    _write_json(value, out, "\n")
    return "".join(out)


#: One value on one line, by the C encoder (`json.dumps` with `indent` is pure Python).
_ONE_LINE = json.JSONEncoder(ensure_ascii=False, check_circular=False,
                             separators=(", ", ": ")).encode


def _write_json(value: Any, out: list[str], newline: str) -> None:
    inner = newline + "  "
    if isinstance(value, dict) and value:
        for n, (key, item) in enumerate(value.items()):
            out.append(("{" if n == 0 else ",") + inner + _ONE_LINE(str(key)) + ": ")
            _write_json(item, out, inner)
        out.append(newline + "}")
    elif isinstance(value, list) and value:
        out.append("[" + inner + ("," + inner).join(map(_ONE_LINE, value)) + newline + "]")
    else:
        out.append(_ONE_LINE(value))


def _render_template(report: dict[str, Any], format: str, template: Path | None) -> str:
    from jinja2 import TemplateError

    if template is not None:
        if not template.is_file():
            raise InputError(f"{template}: no such template")
        env = jinja_env(str(template.resolve().parent), format == "html")
        name = template.name
    else:
        env, name = jinja_env(None, format == "html"), f"report.{format}.j2"
    try:
        return env.get_template(name).render(report=report)
    except TemplateError as error:
        raise InputError(f"{template or name}: template error: {error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{template}: not UTF-8 text") from None
