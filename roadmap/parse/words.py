"""What the words of a heading, cell or field line mean.

These read plain text that markdown-it has already taken out of the Markdown
structure: a heading's title, a table cell, a `Status:` line. Adding a status
word, an emoji or a note title is one entry in a table here.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from roadmap.model import LOGIN, Status, StatusValue

#: Status words and emoji, lower-cased, to the status they declare.
STATUS_WORDS: dict[str, StatusValue] = {
    **dict.fromkeys(
        ["done", "completed", "complete", "shipped", "released", "finished", "delivered",
         "implemented", "merged", "landed", "recently completed", "closed", "achieved",
         "available"],
        "done",
    ),
    **dict.fromkeys(
        ["in progress", "in-progress", "inprogress", "wip", "work in progress", "ongoing",
         "started", "active", "doing", "now", "current", "in development", "in review",
         "review", "under development", "being worked on", "partially done", "partial"],
        "in-progress",
    ),
    **dict.fromkeys(
        ["planned", "not started", "unimplemented", "not implemented", "todo", "to do",
         "backlog", "next", "later", "future",
         "proposed", "near-term", "near term", "long-term", "long term", "mid-term",
         "medium term", "up next", "ideas", "open", "tbd", "hold", "on hold", "blocked",
         "exploring", "investigating", "under consideration", "considering", "upcoming"],
        "planned",
    ),
    **dict.fromkeys(
        ["dropped", "cancelled", "canceled", "abandoned", "won't do", "wont do", "wontfix",
         "won't fix", "rejected", "declined", "deferred indefinitely", "removed", "obsolete"],
        "dropped",
    ),
    # Chinese and Japanese roadmaps say these in status cells and fields.
    **dict.fromkeys(["已完成", "完成", "完了", "済み"], "done"),
    **dict.fromkeys(["进行中", "進行中", "开发中", "対応中"], "in-progress"),
    **dict.fromkeys(["计划中", "未开始", "待定", "計画中", "未着手", "予定"], "planned"),
    **dict.fromkeys(["已取消", "取消", "中止"], "dropped"),
}

#: Emoji (without variation selectors), GitHub shortcodes and checkboxes that declare a status.
STATUS_EMOJI: dict[str, StatusValue] = {
    "✅": "done", "✔": "done", "☑": "done", "🎉": "done", "🚀": "done",
    ":white_check_mark:": "done", ":heavy_check_mark:": "done", ":ballot_box_with_check:": "done",
    "🚧": "in-progress", "🏗": "in-progress", "🔨": "in-progress", "🔄": "in-progress",
    ":construction:": "in-progress", ":building_construction:": "in-progress",
    ":hammer:": "in-progress", ":arrows_counterclockwise:": "in-progress",
    "⏳": "planned", "⌛": "planned", "⬜": "planned", "📅": "planned", "🔜": "planned",
    "💭": "planned",
    ":hourglass:": "planned", ":hourglass_flowing_sand:": "planned", ":soon:": "planned",
    ":calendar:": "planned", ":dart:": "planned", ":thought_balloon:": "planned",
    "❌": "dropped", "✖": "dropped", "🚫": "dropped", "⛔": "dropped",
    ":x:": "dropped", ":no_entry_sign:": "dropped", ":no_entry:": "dropped",
    "[x]": "done", "[X]": "done", "[ ]": "planned",  # a checkbox, as in a task list
}

_VARIATION_SELECTORS = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200d"))
#: Emoji that open a heading as decoration ("🚀 Platform", "📅 Timeline") more often than
#: they declare its status; after a title ("Launch 🚀") or in a cell they still do.
_DECORATIVE = frozenset({"🚀", "📅", "🎉", "🔨", "🏗", "💭"})
#: Emoji that declare a status wherever they stand in a heading ("Phase 1 ✅ — Setup").
_INNER_EMOJI: dict[str, StatusValue] = {
    "✅": "done", "✔": "done", "☑": "done", "❌": "dropped", "🚧": "in-progress", "⏳": "planned",
}
#: The characters a status marker can start or end with, variation selectors included.
_EDGE_CHARS = frozenset(
    {key[0] for key in STATUS_EMOJI} | {key[-1] for key in STATUS_EMOJI} | set("\ufe0e\ufe0f\u200d")
)
_SEPARATORS = " \t-:\u2013\u2014"  # and the en and em dashes
#: ASCII characters a heading anchor drops: everything but letters, digits, " ", "-", "_".
_ASCII_SYMBOLS = str.maketrans(
    "", "", "".join(ch for ch in map(chr, range(128)) if not ch.isalnum() and ch not in " -_")
)
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")

#: Headings that explain the document instead of naming work: whole titles, and openings.
_NOTE_TITLE = re.compile(
    r"""^(?:(?:introduction|intro|overview|purpose|scope|summary|table\ of\ contents|contents
    |toc|legend|status\ legend|status\ columns?|glossary|definitions|terminology|conventions
    |contributing|contribute|contributors|feedback|disclaimer|notes?|background|motivation
    |preamble|license|references|resources|links|faq|credits|funding|best\ practices
    |process|issues|labels|searching|search|useful\ links|prior\ art)$
    |(?:how|why|who|where|about|using|getting\ involved|get\ involved|contributing\ to
    |frequently\ asked|acknowledg|things\ to\ avoid|see\ also|help\ wanted)\b
    |.*\?$)""",
    re.IGNORECASE | re.VERBOSE,
)
#: More whole titles that explain the document, kept out of the pattern above.
_NOTE_TITLES = frozenset(
    {"executive summary", "vision", "mission", "principles", "format", "risks", "known risks",
     "risk register", "risk assessment",
     "request a feature", "feature requests", "changelog", "release notes", "do not edit",
     "文档说明", "说明", "概述", "简介", "目录", "背景"}
)
#: Headings inside an item that are part of it, not work of their own ("### Tasks").
_FACET_TITLES = frozenset(
    {"goal", "goals", "objective", "objectives", "tasks", "task list", "deliverables",
     "exit criteria", "success criteria", "acceptance criteria", "definition of done",
     "dependencies", "requirements", "scope", "status", "outcome", "outcomes", "plans",
     "progress", "details", "description", "risks", "known risks", "notes", "background",
     "motivation"}
)
#: Opening words that make a heading a status group ("Completed Roadmap Projects").
_GROUP_LEADS: dict[str, StatusValue] = {
    "next": "planned", "deferred": "planned",
    "completed": "done", "done": "done", "shipped": "done", "finished": "done",
    "delivered": "done", "upcoming": "planned", "planned": "planned", "backlog": "planned",
    "backlogs": "planned", "near-term": "planned", "long-term": "planned",
    "mid-term": "planned", "future": "planned", "in-progress": "in-progress",
    "ongoing": "in-progress", "dropped": "dropped", "cancelled": "dropped",
}
_STOP_WORDS = frozenset(
    {"as", "was", "is", "the", "a", "an", "lead", "leads", "with", "by", "for", "of", "to",
     "tbd", "and", "or", "from", "on", "in", "team", "help", "wanted", "none", "owner"}
)

_NUMBER = re.compile(
    r"^(?:(\d{1,3}(?:\.\d{1,3})*|[A-Za-z](?:\.\d{1,3})+)\.?|([A-Za-z]|[IVX]{1,4})[.)]"
    r"|(\d{1,3})\))$"
)
#: Where the first clause of a status text ends: `Exploring. We need a maintainer`.
_CLAUSE_END = re.compile(r"[.;,(]|\s[-\u2013\u2014]\s")

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_PERIOD = rf"(?:Q[1-4]|H[12]|[12]H|(?:early|mid|late|end\ of)\ \d{{4}}|{_MONTH}\ \d{{4}})"
_VERSION = r"v?\d+(?:\.\d+)+(?:[-.]?[a-z]+\d*)?|v\d+"
_MILESTONE_TOKEN = re.compile(
    rf"(?:^|(?<=[\s(]))(?:{_PERIOD}(?:\s*\d{{4}})?|\d{{4}}(?:\s*{_PERIOD})?|{_VERSION}"
    r"|(?:phase|milestone|release|sprint|stage|iteration)\s+\d+)(?=$|[\s,:;)(])",
    re.IGNORECASE | re.VERBOSE,
)
#: A bracketed note and the space before it; `(?<!\s)` starts it only where a run of
#: spaces starts (from every space of a long run, `\s*` rescanned the run each time).
_PARENTHETICAL = re.compile(r"(?<!\s)\s*[(\[][^)\]]*[)\]]")
_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z /'-]{0,30}?)\s*:\s*(.*)$")
_LOGIN = re.compile(rf"@?({LOGIN})(?![\w@.-])")
_MENTION = re.compile(rf"(?<![\w@])@({LOGIN})(?![\w-])")

STATUS_FIELDS = frozenset({"status", "state", "progress"})
OWNER_FIELDS = frozenset(
    {"owner", "owners", "lead", "leads", "poc", "pocs", "point of contact", "points of contact",
     "champion", "champions", "driver", "drivers", "assignee", "assignees", "contact",
     "maintainer", "maintainers", "dri", "shepherd", "shepherds", "responsible"}
)
MILESTONE_FIELDS = frozenset(
    {"milestone", "target", "target date", "target release", "target completion", "release", "eta",
     "due", "due date", "timeline", "timespan", "version", "target version", "quarter",
     "expected", "expected by", "when"}
)
TRACKING_FIELDS = frozenset(
    {"tracking issue", "tracking issues", "tracking", "tracked in", "tracked by", "issues",
     "issue", "tracking epic", "epic", "github issue", "github issues"}
)
EMPTY_VALUES = frozenset({"", "tbd", "n/a", "na", "none", "-", "—", "todo", "?"})


def fold(text: str) -> str:
    """Lower-case text with variation selectors and joiners removed, for lookups."""
    return text.translate(_VARIATION_SELECTORS).strip().lower()


def split_status(title: str, decorative: bool = True) -> tuple[str, Status | None]:
    """Take a leading or trailing status emoji or shortcode off a title.

    Without `decorative`, an opening 🚀 or 📅 stays part of the title (headings).
    """
    bare = title.strip()
    if not bare or (bare[0] not in _EDGE_CHARS and bare[-1] not in _EDGE_CHARS):
        return title, None  # the common case, without translating every title
    folded = title.translate(_VARIATION_SELECTORS)
    for text, at_start in ((folded, True), (folded, False)):
        token = _edge_token(text, at_start)
        if token in _DECORATIVE and at_start and not decorative:
            continue
        value = STATUS_EMOJI.get(token) if token else None
        if token and value:
            rest = text[len(token):] if at_start else text[: -len(token)]
            return rest.strip(_SEPARATORS), Status(value, token)
    return title, None


def _edge_token(text: str, at_start: bool) -> str | None:
    """The emoji, `:shortcode:` or leading `[x]` checkbox at one end of `text`."""
    text = text.strip()
    if not text:
        return None
    if at_start and text[0] == "[":
        box = text[:3]
        return box if box in STATUS_EMOJI and text[3:4] in ("", " ", "\t") else None
    if (at_start and text[0] == ":") or (not at_start and text[-1] == ":"):
        match = _SHORTCODE.match(text) if at_start else _SHORTCODE.search(text)
        if match and (at_start or match.end() == len(text)):
            return match.group(0)
        return None
    return text[0] if at_start else text[-1]


@functools.lru_cache(maxsize=8192)
def status_of_words(text: str, first_clause: bool = True) -> Status | None:
    """The status a cell, field or grouping heading declares, if its words name one.

    A cell or field may go on after its status (`Exploring. We need a maintainer`);
    a heading may not (`Now, next, later` names no one status), so it passes
    `first_clause=False`.
    """
    raw = text.strip().strip("*_` ")
    if not raw:
        return None
    key = fold(raw).rstrip(".:!")
    value = STATUS_WORDS.get(key) or STATUS_EMOJI.get(key)
    if value is None:
        rest, emoji = split_status(raw, decorative=False)  # "📅 Schedule" names no status
        if emoji is not None:
            return Status(emoji.value, raw)
        said = _CLAUSE_END.split(fold(_drop_symbol(rest)), 1)[0] if first_clause \
            else fold(_drop_symbol(rest))
        said = said.split("(")[0].strip().rstrip(".:")
        value = STATUS_WORDS.get(said) or (_leading_status(said) if first_clause else None)
    return Status(value, raw) if value else None


def _drop_symbol(text: str) -> str:
    """Text without an opening emoji that names no status (`📋 Planned`, `🟨 Planned`)."""
    text = text.strip()
    if text and unicodedata.category(text[0]) == "So":
        return text[1:].translate(_VARIATION_SELECTORS).strip()
    return text


def _leading_status(said: str) -> StatusValue | None:
    """The status a cell or field opens with: `Blocked on the signing key`."""
    parts = said.split()
    for count in range(min(3, len(parts) - 1), 0, -1):
        value = STATUS_WORDS.get(" ".join(parts[:count]))
        if value:
            return value
    return None


def split_number(title: str) -> tuple[str | None, str]:
    """Split `1.1 Runtime improvements` into `("1.1", "Runtime improvements")`.

    `0.9 (autumn)` is a version with a note, not a section numbered 0.9.
    """
    head, _, rest = title.partition(" ")
    match = _NUMBER.match(head)
    if match is None or not rest.strip() or _PARENTHETICAL.fullmatch(rest.strip()):
        return None, title
    number = match.group(1) or match.group(2) or match.group(3)
    return number, rest.strip()


@functools.lru_cache(maxsize=8192)
def is_note_title(title: str) -> bool:
    """Whether a heading explains the document ("How can I help?") rather than naming work."""
    bare = _drop_symbol(title)
    lower = bare.lower()
    return (_NOTE_TITLE.match(bare) is not None or lower in _NOTE_TITLES
            or lower.endswith(" legend") or "this document" in lower)


@functools.lru_cache(maxsize=8192)
def is_facet_title(title: str) -> bool:
    """Whether a heading inside an item names a part of it ("Tasks", "Exit criteria")."""
    return _drop_symbol(title).lower().rstrip(":") in _FACET_TITLES


def milestone_of_heading(title: str) -> str | None:
    """The milestone a heading names: `v2.0`, `Q3 2025`, `2026`, `Rook Ceph 1.21`.

    A heading that opens with one names it up to a colon (`v0.4.0: Observability`);
    a short one may end with it (`etcd 2.3alpha (November)`).
    """
    title = _drop_symbol(title)
    core = _without_parentheticals(title, "").strip()
    match = _MILESTONE_TOKEN.search(core)
    if match is None:
        return None
    if match.start() == 0:
        # `v0.4.0: Observability`, `v0.1.0 - Initial release`: the name ends at the first.
        cuts = [at for at in (title.find(s) for s in (":", " - ", " \u2013 ", " \u2014 "))
                if at > 0]
        return title[:min(cuts)].strip() if cuts else title
    if match.end() == len(core) and len(core.split()) <= 3:
        return title
    return None


@functools.lru_cache(maxsize=8192)
def milestone_of_text(text: str) -> str:
    """The most specific milestone in a cell or field: a version or period if there is one."""
    text = " ".join(text.split())
    match = _MILESTONE_TOKEN.search(text)
    if match is None or (match.start() == 0 and len(text) <= 20):
        return text
    day = text[: match.start()].strip()
    if day.isdigit() and len(day) <= 2 and match.end() == len(text):
        return text  # `12 Sept 2025`, a date: the day belongs to it
    return match.group(0).strip()


def _without_parentheticals(text: str, replacement: str) -> str:
    """`text` with its bracketed notes replaced. No note ends after the last `)` or `]`,
    so only the text up to it is searched: an opening bracket with no closing one after it
    would be scanned to the end of the text, once for each."""
    end = max(text.rfind(")"), text.rfind("]")) + 1
    return _PARENTHETICAL.sub(replacement, text[:end]) + text[end:] if end else text


def group_status(title: str) -> Status | None:
    """The status a grouping heading gives its items: "Done", "Next", "Completed projects"."""
    whole = status_of_words(title.split("(")[0], first_clause=False)
    if whole is not None:
        return Status(whole.value, title.strip())
    lead = fold(_drop_symbol(title)).split(" ", 1)[0].rstrip(":")
    value = _GROUP_LEADS.get(lead)
    return Status(value, title.strip()) if value else None


def field_line(text: str) -> tuple[str, str] | None:
    """Split a `Name: value` line into a lower-cased name and its value."""
    match = _FIELD.match(text)
    if match is None:
        return None
    # `**Status:** : ✅ Complete` repeats the colon after the bold name.
    return match.group(1).strip().lower(), match.group(2).lstrip(": \t").strip()


def logins(text: str, bare: bool) -> list[str]:
    """GitHub logins in text: `@mentions`, or with `bare` the names of an Owner field."""
    found = _MENTION.findall(text)
    if not found and bare:
        found = [login for part in re.split(r"[,;/&]|\band\b", _without_parentheticals(text, " "))
                 for login in _part_logins(part)]
    return list(dict.fromkeys(found))


def _part_logins(part: str) -> list[str]:
    """`vishh` of `vishh`, and only `robdolinms` of `robdolinms as lead coordinator`."""
    names = part.split()
    if not names or fold(names[0]) in _STOP_WORDS | EMPTY_VALUES:
        return []
    if len(names) <= 3 and not any(fold(n) in _STOP_WORDS for n in names):
        return [n.lstrip("@") for n in names if _LOGIN.fullmatch(n)]
    return [names[0].lstrip("@")] if _LOGIN.fullmatch(names[0]) else []


def anchor(text: str) -> str:
    """The anchor GitHub gives a heading (github-slugger): marks kept, symbols dropped."""
    lower = text.lower()
    if lower.isascii():  # the common case, one translate instead of a call per character
        return lower.translate(_ASCII_SYMBOLS).replace(" ", "-")
    kept = (ch for ch in lower if ch in " -_" or unicodedata.category(ch)[0] in "LMN")
    return "".join(kept).replace(" ", "-")


_SLUG_WORD = re.compile(r"[a-z0-9]+")


def slug(text: str) -> str:
    """A stable, file-name-safe id: ASCII letters and digits joined by hyphens."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(_SLUG_WORD.findall(text.lower()))[:80].strip("-")


@functools.lru_cache(maxsize=8192)
def split_title(text: str) -> tuple[str, str | None, Status | None]:
    """A heading or title cell as (title, number, declared status): `✅ 1.2 Docs` gives
    ("Docs", "1.2", done). A title that is only an emoji keeps it."""
    title, status = split_status(text, decorative=False)
    number, title = split_number(title)
    if status is None:
        title, status = split_status(title, decorative=False)
    if status is None:
        title, status = _inner_status(title)
    title = title.rstrip().removesuffix(":").rstrip() if title.rstrip().endswith(":") else title
    if status is None:
        status = _trailing_status(title)
    return title or text, number, status


def _inner_status(title: str) -> tuple[str, Status | None]:
    """A status emoji inside a heading: `Phase 1 ✅ — Setup`, `Import ✅ COMPLETE (64 tests)`.

    The emoji leaves the title, and so do status words right after it.
    """
    if not any(emoji in title for emoji in _INNER_EMOJI):
        return title, None
    parts = title.split()
    for at, part in enumerate(parts):
        value = _INNER_EMOJI.get(part.translate(_VARIATION_SELECTORS))
        if value is None or at == 0:
            continue
        after = parts[at + 1:]
        if after and status_of_words(" ".join(after)) is not None:
            after = []
        return " ".join(parts[:at] + after), Status(value, part)
    return title, None


def _trailing_status(title: str) -> Status | None:
    """The status a heading's closing parenthetical names: `v2.0 Plugins (Planned)`."""
    if not title.endswith(")") or "(" not in title:
        return None
    said = title[title.rindex("(") + 1:-1]
    status = status_of_words(said, first_clause=False)
    return Status(status.value, said) if status else None


HeadingFacts = tuple[str, str | None, Status | None, str | None, Status | None]


@functools.lru_cache(maxsize=8192)
def heading_facts(text: str) -> HeadingFacts:
    """What a heading says, worked out once: title, number, status, the milestone it
    names, and the status it gives its items as a grouping heading."""
    title, number, status = split_title(text)
    named = title[: title.rindex("(")].rstrip() if _trailing_status(title) else title
    return title, number, status, milestone_of_heading(named), group_status(title)
