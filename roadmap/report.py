"""`roadmap report`: a maintainer's status report, gathered from the store, then rendered.

The whole report is gathered first into one plain dict, whose shape is the
documented JSON (`schema` 1); Markdown and HTML are Jinja2 templates over that dict
(`templates/report.md.j2`, `templates/report.html.j2`, or the user's own), and the
terminal view reads it too. Everything from GitHub is untrusted: HTML autoescapes,
Markdown goes through `md`, which keeps text from becoming tables, links or HTML.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.errors import InputError
from roadmap.history import changes_between
from roadmap.resources import data_path
from roadmap.status import Overview, progress
from roadmap.store import Store
from roadmap.work import available_view, stamp, status_view, who_view

if TYPE_CHECKING:
    from jinja2 import Environment

SCHEMA = 1
FORMATS = ("md", "html", "json", "text")
#: Data older than this gets a warning at the top of the report.
FRESH = timedelta(days=1)
_DURATION = re.compile(r"^(\d+)\s*([dhw])$")
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e"
                          "\u200f\u061c"))


def parse_since(text: str, now: datetime) -> datetime:
    """`7d`, `12h`, `2w`, `2026-11-01` or `2026-11-28T19:00:00Z` as a moment."""
    text = text.strip()
    match = _DURATION.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        unit_name = {"d": "days", "h": "hours", "w": "weeks"}[unit]
        return now - timedelta(**{unit_name: amount})
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--since: not a duration (7d, 12h), a date (2026-11-01) or an "
                         f"ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


def build_report(store: Store, overview: Overview, title: str | None, now: datetime,
                 since: datetime | None) -> dict[str, Any]:
    """Everything a report says, as the documented JSON shape."""
    last_sync = store.load_last_sync()
    since = since or store.load_last_report() or now - timedelta(days=7)
    status = status_view(overview)
    attention = dict(status["attention"])
    attention["items_without_issue"] = [
        s.item.id for s in overview.items if "no issue linked" in s.drift]
    return {
        "schema": SCHEMA,
        "title": title or "Roadmap",
        "generated_at": stamp(now),
        "last_sync": stamp(last_sync),
        "stale_data": last_sync is None or now - last_sync > FRESH,
        "since": stamp(since),
        "sections": [_section(overview, state) for state in overview.items
                     if state.item.parent is None],
        "people": who_view(overview),
        "attention": attention,
        "help_wanted": available_view(overview),
        "changes": [{"at": stamp(h.at), "kind": h.kind, "subject": h.subject,
                     "detail": h.detail} for h in changes_between(store, since, now)],
    }


def _section(overview: Overview, state: Any) -> dict[str, Any]:
    counts = progress(overview.items, state)
    return {
        "id": state.item.id, "number": state.item.number, "title": state.item.title,
        "status": state.status, "declared": state.item.declared, "people": state.people,
        "done": counts.get("done", 0),
        "in_progress": counts.get("in-progress", 0) + counts.get("stalled", 0),
        "planned": counts.get("planned", 0), "dropped": counts.get("dropped", 0),
        "total": sum(counts.values()),
    }


# -- rendering ---------------------------------------------------------------------------------


def clean(text: Any, limit: int = 300) -> str:
    """Untrusted text made safe to show: one line, no control or direction characters."""
    value = str(text if text is not None else "")
    value = "".join(" " if unicodedata.category(ch)[0] == "C" else ch
                    for ch in value.translate(_BIDI))
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md(text: Any, limit: int = 300) -> str:
    """Untrusted text for Markdown: every character that could start markup is escaped,
    so it cannot break a table, become a link or an image, or inject HTML."""
    value = clean(text, limit)
    value = value.replace("&", "&amp;")
    escaped = _MD_SPECIAL.sub(r"\\\1", value)
    return re.sub(r"(?i)\b(https?|javascript|data|vbscript):", r"\1&#58;", escaped)


def bar(done: int, moving: int, total: int, width: int = 10) -> str:
    """A text progress bar: `█` done, `▒` in progress, `░` the rest."""
    if total <= 0:
        return "░" * width
    full = round(width * done / total)
    part = min(width - full, round(width * moving / total))
    return "█" * full + "▒" * part + "░" * (width - full - part)


@functools.cache
def jinja_env(folder: str | None = None) -> Environment:
    """The one Jinja environment: the project's templates (or a user's folder), filters."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader([folder] if folder else [str(data_path("templates"))]),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md, clean=clean, bar=bar, day=lambda s: (s or "")[:10])
    return env


def render_report(report: dict[str, Any], format: str, template: Path | None = None) -> str:
    """The report in `format`; `template` replaces the built-in one for md and html."""
    if format == "json":
        import json

        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if format == "text":
        from roadmap.report_text import render_text

        return str(render_text(report))
    if template is not None:
        if not template.is_file():
            raise InputError(f"{template}: no such template")
        env = jinja_env(str(template.resolve().parent))
        name = template.name
    else:
        env, name = jinja_env(), f"report.{format}.j2"
    from jinja2 import TemplateError

    try:
        return env.get_template(name).render(report=report)
    except TemplateError as error:
        raise InputError(f"{template or name}: template error: {error}") from None
