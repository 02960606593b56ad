"""`roadmap report`: goldens per format on a fixed store, history over real syncs, hostile
text made inert, the empty and never-synced stores, and the command's options.

The fixed data set is built through the store API (a real SQLite file): a parsed
roadmap, issues and comments at fixed times, history recorded at two fixed moments, and
one finished sync. Run with `ROADMAP_UPDATE_GOLDEN=1` to rewrite the goldens in
`tests/fixtures/report/`, then read the diff.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from roadmap.config import Config
from roadmap.errors import InputError
from roadmap.markup import md
from roadmap.model import RemoteComment, RemoteIssue, RemoteRepo
from roadmap.parse import parse_roadmap
from roadmap.parse.comments import command_lines, markdown_lines
from roadmap.report.data import Report, report_from_dict
from roadmap.report.gather import build_report, parse_since
from roadmap.report.render import render_report
from roadmap.report.text import render_rich
from roadmap.store import Store
from roadmap.store.models import SyncRun
from roadmap.track.history import record_history
from roadmap.track.overview import ItemCounts, gather, item_counts, total_counts

from .conftest import run
from .github_server.fixtures import github_server_fixture, seed_acme
from .syncing import REPO, project_env
from .test_golden import check_golden

github_server = github_server_fixture(setup=seed_acme)

GOLDEN = Path(__file__).parent / "fixtures" / "report"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # first recorded sync
T1 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # second recorded sync
SINCE = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LAST_SYNC = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
CREATED = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)

ROADMAP = """\
# Widgets roadmap

How we plan the work: comment on a roadmap issue before you start.

# 1. Runtime

## 1.1 Faster startup

Tracked in #1 and #8.

## 1.2 Plugin API

Tracked in #2 and #3.

## 1.3 Internal decoupling

Nothing filed yet.

# 2. Documentation

## 2.1 Tutorials ✅

Tracked in #4.

## 2.2 Reference manual ✅

Tracked in #5.

## 2.3 Translations

Tracked in #6.
"""


# -- the fixed data set -----------------------------------------------------------------------


def issue(number: int, title: str, *, state: str = "open", reason: str | None = None,
          labels: tuple[str, ...] = (), updated: datetime = CREATED,
          assignees: tuple[str, ...] = ()) -> RemoteIssue:
    return RemoteIssue(
        id=1000 + number, number=number, title=title, body="", state=state,
        state_reason=reason, is_pull_request=False, author="alice",
        labels=["roadmap", *labels], assignees=list(assignees), milestone=None, comments=0,
        html_url=f"https://github.com/{REPO}/issues/{number}", created_at=CREATED,
        updated_at=updated, closed_at=updated if state == "closed" else None)


def comment(number: int, cid: int, author: str, body: str, at: datetime) -> RemoteComment:
    return RemoteComment(cid, number, author, False, body,
                         f"https://github.com/{REPO}/issues/{number}#issuecomment-{cid}",
                         at, at)


def day(n: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, n, hour, tzinfo=UTC)


def open_store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'roadmap.db'}")
    return store


def finish_sync(store: Store, at: datetime) -> None:
    """A finished sync at `at` (the store stamps runs with the real clock)."""
    run_id = store.begin_run(REPO, False)
    store.finish_run(run_id, outcome="ok")
    with store.session() as session:
        session.execute(update(SyncRun).where(SyncRun.id == run_id)
                        .values(started_at=at, finished_at=at))


def save_issues(store: Store, repo_id: int, *issues: RemoteIssue) -> None:
    store.save_issue_page(repo_id, list(issues), "roadmap", None)


def fixed_store(tmp_path: Path) -> Store:
    """The data set of the goldens: two recorded syncs, then the state of the report."""
    store = open_store(tmp_path)
    store.save_items(parse_roadmap(ROADMAP, repo=REPO))
    repo_id = store.save_repo(RemoteRepo(1, REPO, f"https://github.com/{REPO}"))
    plugin = issue(3, "Plugin API: <b>hooks</b> | [docs](javascript:alert(1))",
                   updated=day(1) - timedelta(days=30))
    save_issues(store, repo_id,
                issue(1, "Faster startup"), issue(2, "Plugin API: loader"), plugin,
                issue(4, "Write the tutorials", state="closed", reason="completed",
                      updated=day(2)),
                issue(5, "Reference manual", labels=("good first issue",)),
                issue(6, "Translate the docs", updated=day(18)),
                issue(8, "Profile the startup"))
    store.save_comments(repo_id, [
        comment(3, 1, "bob", "/claim", day(1) - timedelta(days=30)),
        comment(6, 2, "carol", "I'm working on this", day(18)),
        comment(6, 3, "dave", "/claim", day(18, 10)),
    ], None)
    record_history(store, gather(store, Config(), T0), T0)
    # Between the two recorded syncs: #8 closed, #5 renamed, #1 claimed, #7 filed.
    save_issues(store, repo_id,
                issue(1, "Faster startup", updated=day(25)),
                issue(8, "Profile the startup", state="closed", reason="completed",
                      updated=day(24)),
                issue(5, "Reference manual (API)", labels=("good first issue",),
                      updated=day(26)),
                issue(7, "Telemetry opt-out", labels=("help wanted",), updated=day(27)))
    store.save_comments(repo_id, [comment(1, 4, "alice", "/claim", day(25))], None)
    record_history(store, gather(store, Config(), T1), T1)
    finish_sync(store, LAST_SYNC)
    return store


def report_of(store: Store, title: str) -> Report:
    """The report of `store` at NOW since SINCE; the store is closed after."""
    try:
        return build_report(store, gather(store, Config(), NOW), title, NOW, SINCE)
    finally:
        store.close()


@pytest.fixture
def report(tmp_path) -> Report:
    return report_of(fixed_store(tmp_path), "Widgets roadmap")


# -- goldens ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("format", "name"), [("md", "report.md"), ("html", "report.html"),
                                              ("json", "report.json"), ("text", "report.txt")])
def test_report_matches_golden(report, format, name):
    check_golden(GOLDEN / name, render_report(report, format))


def test_rich_terminal_view_matches_golden(report):
    check_golden(GOLDEN / "report.rich.txt", render_rich(report, 100, color=False))
    coloured = render_report(report, "text", width=100)
    assert "\x1b[" in coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert [line.rstrip() for line in plain.splitlines()] == render_rich(
        report, 100, color=False).splitlines()


def test_report_says_what_the_fixed_store_holds(report):
    assert report.schema == 1
    assert (report.generated_at, report.last_sync, report.since) == (
        "2026-11-30T12:00:00Z", "2026-11-30T10:00:00Z", "2026-11-23T12:00:00Z")
    assert report.stale_data is False and report.warnings == ()
    runtime, docs = report.sections
    assert (runtime.done, runtime.in_progress, runtime.planned) == (0, 2, 1)
    assert (docs.done, docs.in_progress, docs.planned) == (2, 1, 0)
    # Active work first: bob holds only a stale claim (issue 13).
    assert [p.login for p in report.people] == ["alice", "carol", "dave", "bob"]
    attention = report.attention
    assert [e.login for e in attention.stale_claims] == ["bob"]
    assert [e.id for e in attention.stalled] == ["plugin-api"]
    assert [e.number for e in attention.conflicts] == [6]
    assert [e.id for e in attention.drift] == ["reference-manual"]
    assert [e.number for e in attention.unlinked_issues] == [7]
    assert [e.id for e in attention.items_without_issue] == ["internal-decoupling"]
    # Unclaimed before stale-claimed (#3, bob's stale claim), good first issues first.
    assert [(i.number, i.good_first) for i in report.help_wanted] == [
        (5, True), (2, False), (7, False), (3, False)]
    assert sorted((c.kind, c.subject) for c in report.changes) == [
        ("claimed", f"{REPO}#1"), ("issue added", f"{REPO}#7"), ("issue closed", f"{REPO}#8"),
        ("item started", "faster-startup"), ("item started", "runtime"),
        ("title changed", f"{REPO}#5")]


def test_the_json_is_the_report_key_for_key(report):
    """`as_dict` is the documented shape, in its order, and reads back to the same report."""
    data = json.loads(render_report(report, "json"))
    assert data == report.as_dict()
    assert list(data) == ["schema", "title", "generated_at", "last_sync", "stale_data",
                          "since", "history_start", "warnings", "totals", "sections",
                          "people", "attention", "help_wanted", "changes"]
    assert list(data["attention"]) == ["stale_claims", "stalled", "drift", "conflicts",
                                       "unlinked_issues", "items_without_issue"]
    assert report_from_dict(data) == report
    assert render_report(report_from_dict(data), "md") == render_report(report, "md")


def test_report_and_site_count_items_by_one_rule(tmp_path):
    """Stalled items apart in the site, folded into in progress in the report (its JSON
    schema 1): both from `item_counts` (issue 12)."""
    from roadmap.site.data import plain
    from roadmap.site.gather import gather_site

    store = fixed_store(tmp_path)
    try:
        overview = gather(store, Config(), NOW)
        report = build_report(store, overview, "W", NOW, SINCE)
        site = gather_site(store, overview, "W", None)
    finally:
        store.close()
    top = [s for s in overview.items if s.item.parent is None]
    counts = [item_counts(overview, s) for s in top]
    assert [c.stalled for c in counts] == [1, 0]  # plugin-api: a stale claim, quiet
    assert [(s.in_progress, s.total) for s in report.sections] == [
        (c.in_progress + c.stalled, c.total) for c in counts]
    assert [i.progress for i in site.items if i.parent is None] == counts
    assert sum(counts, ItemCounts()) == total_counts(overview)
    shown = total_counts(overview).as_dict()
    assert {k: v for k, v in plain(site.totals).items() if k in shown} == shown
    assert report.totals.counts == total_counts(overview).folded()


def test_folded_counts_keep_the_total():
    counts = ItemCounts(done=1, in_progress=2, stalled=3, planned=4, dropped=5)
    assert counts.total == counts.folded().total == 15
    assert counts.folded() == ItemCounts(1, 5, 0, 4, 5)
    assert list(counts.as_dict()) == ["done", "in_progress", "stalled", "planned", "dropped",
                                      "total"]


def test_golden_folder_has_nothing_else():
    names = {p.name for p in GOLDEN.iterdir()}
    assert names == {"report.md", "report.html", "report.json", "report.txt",
                     "report.rich.txt"}


# -- hostile text ---------------------------------------------------------------------------------

LONG = "A" * 10_000
HOSTILE = [
    "<script>alert(1)</script>",
    "a | b\n| c | d |\nnew row",
    "[x](javascript:alert(1))",
    "![img](http://evil/)",
    LONG,
    "\u202eexe.txt\u202c and \u2066isolated\u2069",
    "<img src=x onerror=alert(1)> &lt;b&gt; &amp;",
    "www.evil.com, https://evil.com/x, evil@evil.com, <https://evil.com>",
    "@everyone please look, cc @bob",
    "`code` *em* _u_ ~~gone~~ $x^2$ #1 <!-- hidden -->",
    "- [ ] not a task",
    "1. not a list",
    "[ref]: https://evil.com\n\n[ref]",
    "\x1b[31mred\x1b[0m \x00 bell\x07",
]
HOSTILE_LABELS = ("<b>bold</b>", "a|b", "[l](javascript:alert(1))", "good first issue")
HOSTILE_LOGIN = "ev|l](javascript:alert(1))"


def hostile_store(tmp_path: Path) -> Store:
    store = open_store(tmp_path)
    store.save_items(parse_roadmap("# Plans\n\nIntro.\n\n## <b>Item</b> | [x](javascript:1)\n\n"
                                   "Tracked in #1.\n", repo=REPO))
    repo_id = store.save_repo(RemoteRepo(1, REPO, f"https://github.com/{REPO}"))
    issues = [issue(n, title, labels=HOSTILE_LABELS) for n, title in enumerate(HOSTILE, 1)]
    save_issues(store, repo_id, *issues)
    store.save_comments(repo_id, [comment(1, 1, HOSTILE_LOGIN, "/claim", day(1)),
                                  comment(2, 2, "bob", "/claim", day(1))], None)
    record_history(store, gather(store, Config(), T0), T0)
    save_issues(store, repo_id, *(replace(i, title=f"{i.title} \u202e|<i>[y](data:x)",
                                          updated_at=day(25)) for i in issues))
    # Half the issues claimed, half free: hostile text in every section.
    store.save_comments(repo_id, [comment(n, 10 + n, "alice", "/claim", day(25))
                                  for n in range(4, len(HOSTILE) + 1, 2)], None)
    record_history(store, gather(store, Config(), T1), T1)
    finish_sync(store, LAST_SYNC)
    return store


@pytest.fixture
def hostile(tmp_path) -> Report:
    return report_of(hostile_store(tmp_path), "<b>Title</b> | x")


def unescaped_pipes(line: str) -> int:
    """Pipes a GFM table counts as cell borders: those not escaped by a backslash."""
    count, backslashes = 0, 0
    for ch in line:
        if ch == "|" and backslashes % 2 == 0:
            count += 1
        backslashes = backslashes + 1 if ch == "\\" else 0
    return count


OUR_LINKS = re.compile(r"\[(?:@[A-Za-z0-9-]+|acme/widgets\\#\d+)\]"
                       r"\((?:https://github\.com/[A-Za-z0-9-]+|"
                       r"https://github\.com/acme/widgets/issues/\d+)\)")


def test_hostile_text_is_inert_in_markdown(hostile):
    text = render_report(hostile, "md")
    assert "\u202e" not in text and "\u2066" not in text and "\x1b" not in text
    assert LONG not in text
    assert "](" not in OUR_LINKS.sub("", text)
    assert re.search(r"(?<!\\)<", text) is None, "a raw < could open HTML"
    assert "javascript:" not in text and "https://evil" not in text and "www.evil" not in text
    assert re.search(r"@(?!\u2060)[A-Za-z]", OUR_LINKS.sub("", text)) is None, "a live mention"
    assert not re.search(r"^\s*[-*+] \\?\[[ xX]\]", text, re.MULTILINE), "a task list"
    table: int | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            table = None
            continue
        cells = unescaped_pipes(line)
        table = table or cells
        assert cells == table, f"a row broke its table: {line[:200]}"


def markdown_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": True}).enable("table").render(text))


class Tags(HTMLParser):
    """Every tag and attribute of a page, and each table row's cell count."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append(0)
        elif tag in ("td", "th"):
            self.rows[-1] += 1


def parse_html(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    parser.close()
    return parser


MD_TAGS = {"h1", "h2", "p", "strong", "em", "code", "table", "thead", "tbody", "tr", "th",
           "td", "a", "blockquote", "br"}


def allowed_href(url: str | None) -> bool:
    return bool(url) and re.fullmatch(
        r"https://github\.com/(?:[A-Za-z0-9-]+|acme/widgets/issues/\d+)", url or "") is not None


@pytest.mark.parametrize("renderer", ["markdown-it", "cmark-gfm"])
def test_hostile_markdown_renders_to_no_unexpected_html(hostile, renderer):
    text = render_report(hostile, "md")
    if renderer == "cmark-gfm":
        # GitHub's own renderer, with its autolinks; skipped where it is not installed.
        cmarkgfm = pytest.importorskip("cmarkgfm")
        unsafe = pytest.importorskip("cmarkgfm.cmark").Options.CMARK_OPT_UNSAFE
        html = cmarkgfm.github_flavored_markdown_to_html(text, options=unsafe)
    else:
        html = markdown_html(text)
    page = parse_html(html)
    assert {tag for tag, _ in page.tags} <= MD_TAGS
    for tag, attrs in page.tags:
        if tag == "a":
            assert set(attrs) == {"href"} and allowed_href(attrs["href"]), attrs
        else:  # column alignment, as each renderer spells it
            assert set(attrs) <= {"style", "align"}, (tag, attrs)
            assert re.fullmatch(r"(text-align: ?)?(left|right)",
                                attrs.get("style") or attrs.get("align") or "left"), attrs
    assert set(page.rows) <= {3, 4, 5, 6}, "the report's tables have 3 to 6 columns"


ALLOWED_HTML = {
    "html": {"lang"}, "head": set(), "meta": {"charset", "name", "content"}, "title": set(),
    "style": set(), "body": set(), "main": set(), "header": set(), "nav": {"aria-label"},
    "ul": set(), "li": set(), "h1": set(), "h2": set(), "p": {"class", "role"},
    "section": {"id"}, "div": {"class", "role", "aria-label"}, "span": {"class", "style",
                                                                        "title"},
    "table": set(), "thead": set(), "tbody": set(), "tr": set(), "th": {"scope"},
    "td": {"class", "data-label"}, "a": {"href"}, "strong": set(), "time": {"datetime"},
    "details": set(), "summary": set(), "footer": {"class"}, "code": set(),
}


def test_hostile_text_is_inert_in_html(hostile):
    text = render_report(hostile, "html")
    assert "<script" not in text.lower() and "<img" not in text.lower()
    style = text[text.index("<style>"):text.index("</style>")]
    assert "url(" not in style and "@import" not in style  # nothing fetched
    assert "\u202e" not in text and "\x1b" not in text and LONG not in text
    page = parse_html(text)
    for tag, attrs in page.tags:
        assert tag in ALLOWED_HTML, tag
        assert set(attrs) <= ALLOWED_HTML[tag], (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or allowed_href(href), href
        if "style" in attrs:
            assert re.fullmatch(r"width: \d{1,3}%", attrs["style"] or ""), attrs
    assert [tag for tag, _ in page.tags].count("style") == 1


@pytest.mark.parametrize("render", [lambda r: render_report(r, "text"),
                                    lambda r: render_rich(r, 120, color=False)],
                         ids=["plain", "rich"])
def test_hostile_text_is_inert_in_text(hostile, render):
    text = render(hostile)
    assert "\u202e" not in text and "\u2066" not in text and LONG not in text
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", text), "a control character got through"
    assert not any(line.strip().startswith(("| c | d", "new row")) for line in text.splitlines())


def test_json_keeps_the_data_as_it_is(hostile):
    data = json.loads(render_report(hostile, "json"))
    (evil,) = (p for p in data["people"] if p["login"] == HOSTILE_LOGIN)
    # Escaping is for the renderers: JSON readers get the text as GitHub gave it.
    assert evil["issues"][0]["title"].startswith("<script>alert(1)</script>")


def test_md_escapes_every_markup_character():
    assert md("a|b") == "a\\|b"
    assert md("[x](y)") == "\\[x\\]\\(y\\)"
    assert md("<b>") == "\\<b\\>"
    assert md("- item") == "\\- item" and md("12. x") == "12\\. x"
    assert md("see https://x.org") == "see https&#58;//x.org"
    assert md("www.x.org") == "www\\.x.org"
    assert md("@bob") == "@\u2060bob"
    assert md("\u202eabc\ndef") == "abc def"
    assert len(md("x" * 1000, 50)) == 50


# -- the command ----------------------------------------------------------------------------------


@pytest.fixture
def cli_env(github_server, monkeypatch, tmp_path):
    """A project folder with a configuration and no roadmap file: only issues change."""
    project_env(github_server, monkeypatch, tmp_path)
    return tmp_path


def ok(*args: str):
    result = run(*args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def report_json(*args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok("report", "--format", "json", *args).stdout)
    return data


def changes_of(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((c["kind"], c["subject"], c["detail"]) for c in data["changes"])


def settle(server) -> None:
    # A change in the same second as a sync may be missed by it (fixed elsewhere): move on.
    server.clock.advance(5)


def test_since_finds_exactly_the_changes_made_between_syncs(github_server, cli_env):
    server = github_server
    keep, close, claim, rename = (
        server.create_issue(REPO, title, labels=["roadmap"])
        for title in ("Keep me", "Close me", "Claim me", "Rename me"))
    settle(server)
    ok("sync")
    first = report_json("--since", "1h")  # the first sync's facts are where history starts
    assert first["changes"] == [] and first["since"] == first["history_start"]
    assert any(" UTC, its first record: what changed before then is not known." in warning
               for warning in first["warnings"])
    between = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    added = server.create_issue(REPO, "Added later", labels=["roadmap"])
    settle(server)
    server.close(REPO, close)
    settle(server)
    server.comment(REPO, claim, "bob", "/claim")
    settle(server)
    server.edit(REPO, rename, title="Renamed")
    settle(server)
    ok("sync")
    expected = [("claimed", f"{REPO}#{claim}", "@bob"),
                ("issue added", f"{REPO}#{added}", "open"),
                ("issue closed", f"{REPO}#{close}", "completed"),
                ("title changed", f"{REPO}#{rename}", "Rename me → Renamed")]
    data = report_json("--since", between)
    assert changes_of(data) == expected
    assert data["since"] == between[:19] + "Z"
    assert keep not in [int(c["subject"].rpartition("#")[2]) for c in data["changes"]]
    # Without --since: since the previous recorded report; these previews recorded none.
    assert changes_of(report_json()) == expected


def test_default_since_is_the_previous_recorded_report(github_server, cli_env):
    server = github_server
    first = server.create_issue(REPO, "First", labels=["roadmap"])
    settle(server)
    ok("sync")
    assert changes_of(report_json("--record")) == []  # the first sync is no change
    server.close(REPO, first)
    settle(server)
    ok("sync")
    assert changes_of(report_json("--record")) == [
        ("issue closed", f"{REPO}#{first}", "completed")]
    later = server.create_issue(REPO, "Later", labels=["roadmap"])
    settle(server)
    ok("sync")
    data = report_json()
    assert changes_of(data) == [("issue added", f"{REPO}#{later}", "open")]
    assert not any("History" in w for w in data["warnings"])


def test_a_preview_does_not_move_the_next_reports_window(github_server, cli_env):
    server = github_server
    first = server.create_issue(REPO, "First", labels=["roadmap"])
    settle(server)
    ok("sync")
    ok("report", "--record")
    server.close(REPO, first)
    settle(server)
    ok("sync")
    closed = [("issue closed", f"{REPO}#{first}", "completed")]
    # Printed to the terminal, written to a file, in any format: each one a preview.
    for args in ((), ("--format", "md"), ("--format", "html", "-o", "preview.html")):
        ok("report", *args)
        assert changes_of(report_json()) == closed
    (cli_env / "ROADMAP.md").write_text("# Roadmap\n\n## First\n\nTracked in #1.\n",
                                        encoding="utf-8")
    ok("build")  # the published report is recorded
    assert changes_of(report_json()) == []


def test_report_without_since_and_without_reports_goes_back_seven_days(tmp_path):
    store = fixed_store(tmp_path)
    try:
        data = build_report(store, gather(store, Config(), NOW), None, NOW, None)
        assert data.since == "2026-11-23T12:00:00Z" and data.title == "Roadmap"
        store.save_report(day(29), "md")
        data = build_report(store, gather(store, Config(), NOW), None, NOW, None)
        assert data.since == "2026-11-29T09:00:00Z" and data.changes == ()
    finally:
        store.close()


def test_old_data_is_flagged(tmp_path):
    store = fixed_store(tmp_path)
    try:
        later = NOW + timedelta(days=3)
        data = build_report(store, gather(store, Config(), later), None, later, SINCE)
    finally:
        store.close()
    assert data.stale_data is True
    assert data.warnings == ("The data is 3 days old (last sync 2026-11-30T10:00:00Z). "
                             "Run `roadmap sync`.",)
    assert "> **Warning:** The data is 3 days old" in render_report(data, "md")


@pytest.mark.parametrize("fmt", ["md", "html", "json", "text"])
def test_empty_never_synced_store_says_so(tmp_path, monkeypatch, fmt):
    # An empty store named by --db: a folder with no project at all is refused (test_init).
    monkeypatch.chdir(tmp_path)
    result = ok("--db", f"sqlite:///{tmp_path / 'empty.db'}", "report", "--format", fmt)
    text = result.stdout
    if fmt == "json":
        data = json.loads(text)
        assert data["last_sync"] is None and data["stale_data"] is True
        assert data["sections"] == data["people"] == data["changes"] == []
        text = " ".join(data["warnings"])
    assert "never been synced" in text
    assert "The store is empty: no roadmap items and no roadmap issues." in text


def test_roadmap_but_no_sync_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROADMAP_DATABASE_URL", raising=False)
    (tmp_path / "ROADMAP.md").write_text(ROADMAP, encoding="utf-8")
    text = ok("report", "--format", "md").stdout
    assert text.startswith("# Widgets roadmap: status report\n")
    assert "last sync **never**" in text
    assert "> **Warning:** The store has never been synced" in text
    assert "No roadmap issues in the store." in text
    assert "| 1 Runtime | `░░░░░░░░░░` 0% | 0 | 0 | 3 | 3 |" in text


@pytest.mark.parametrize("value", ["", "7", "7x", "-7d", "yesterday", "2026-13-01",
                                   "2026-11-28T25:00:00Z", "999999w", "3000-01-01"])
def test_bad_since_is_a_one_line_error(tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROADMAP_DATABASE_URL", raising=False)
    result = run("report", "--since", value)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("roadmap: --since: ") and result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.parametrize(("value", "expected"), [
    ("7d", datetime(2026, 11, 23, 12, tzinfo=UTC)),
    ("12h", datetime(2026, 11, 30, 0, tzinfo=UTC)),
    ("2w", datetime(2026, 11, 16, 12, tzinfo=UTC)),
    ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
    ("2026-11-28T19:00:00Z", datetime(2026, 11, 28, 19, tzinfo=UTC)),
    ("2026-11-28T21:00:00+02:00", datetime(2026, 11, 28, 19, tzinfo=UTC)),
])
def test_since_forms(value, expected):
    moment = parse_since(value, NOW)
    assert moment == expected and moment.utcoffset() == timedelta(0)


def test_since_in_the_future_is_refused():
    with pytest.raises(InputError, match="in the future"):
        parse_since("2026-12-01", NOW)


def test_output_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROADMAP_DATABASE_URL", raising=False)
    (tmp_path / "ROADMAP.md").write_text(ROADMAP, encoding="utf-8")
    result = ok("report", "--format", "html", "-o", "report.html")
    assert result.stdout == ""
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "never been synced" in page


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_own_template(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROADMAP_DATABASE_URL", raising=False)
    title = 'Tom & Jerry <3 | "x"'
    write(tmp_path / "ROADMAP.md", ROADMAP.replace("Widgets roadmap", title))
    write(tmp_path / "mine.md.j2", "{{ report.title | md }}: "
          "{{ report.sections | length }} sections, {{ report.totals.total }} items\n")
    assert ok("report", "--format", "md", "--template", "mine.md.j2").stdout == (
        'Tom &amp; Jerry \\<3 \\| "x": 2 sections, 6 items\n')
    # HTML autoescapes whatever the file is called.
    write(tmp_path / "mine.txt", "<h1>{{ report.title }}</h1>\n")
    assert ok("report", "--format", "html", "--template", "mine.txt").stdout == (
        "<h1>Tom &amp; Jerry &lt;3 | &#34;x&#34;</h1>\n")
    # A template of one's own can extend the built-in one.
    write(tmp_path / "extended.md.j2", '{% extends "report.md.j2" %}\n')
    extended = ok("report", "--format", "md", "--template", "extended.md.j2").stdout
    assert extended == ok("report", "--format", "md").stdout
    assert ok("report", "--format", "text", "--template", "mine.md.j2").stdout.startswith(
        "Tom &amp;")


@pytest.mark.parametrize(("template", "fmt", "message"), [
    ("{{ report.nope }}", "md", "template error: 'roadmap.report.data.Report object' has no "
                                "attribute 'nope'"),
    ("{% for %}", "md", "template error:"),
    ("{{ report.title }}", "json", "--template works with --format md, html or text"),
])
def test_bad_template_is_a_one_line_error(tmp_path, monkeypatch, template, fmt, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROADMAP_DATABASE_URL", raising=False)
    write(tmp_path / "ROADMAP.md", ROADMAP)
    write(tmp_path / "bad.j2", template)
    result = run("report", "--format", fmt, "--template", "bad.j2")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1
    missing = run("report", "--template", "nowhere.j2")
    assert (missing.exit_code, missing.stderr) == (2, "roadmap: nowhere.j2: no such template\n")


# -- the fast path a large report relies on -------------------------------------------------------


PIECES = [*"ab /.,'?:;()\"0123456789\n", "    ", "claim", "I'm working on this", "1.", "2)",
          "\u00a0", "\x0c", "\u2028", "é", "\t", "-", "*", ">", "`", "#", "&amp;", "_", "\\",
          "<b>", "="]


PLAIN = [*"ab /.,'?:;()\"0123\n!#|~+>=-", "  ", "    ", "claim", "/claim", "1.", "2)", "é",
         "---", "===", "~~~", "+ ", "- ", "# ", "> "]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(PLAIN), max_size=30).map("".join),
                 st.lists(st.sampled_from(PIECES), max_size=30).map("".join)))
def test_plain_comments_skip_the_markdown_parse_without_changing_a_line(body):
    assert command_lines(body) == markdown_lines(body)
