"""Untrusted text at GitHub's own limits: every stage that reads it gives well-formed,
inert output on 64 KB worst cases, and what is longer than GitHub allows is cut.

Speed is not tested here (`benchmarks/hostile_bench.py` measures it); these tests run
the benchmark's own inputs and check what comes out.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cmarkgfm  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text as sql

from roadmap.config import load_config
from roadmap.errors import ConfigError
from roadmap.github.export import read_export
from roadmap.github.read import (
    closing_words,
    parse_comment,
    parse_issue,
    parse_pull,
    parse_repo_event,
)
from roadmap.limits import (
    BODY_CUT_NOTE,
    BODY_LIMIT,
    CUT_MARK,
    LABEL_LIMIT,
    LOGIN_LIMIT,
    TITLE_LIMIT,
)
from roadmap.linear import find_slow_probe
from roadmap.markup import md
from roadmap.parse.comments import commands
from roadmap.parse.refs import ref_keys_of_text, refs_of_text, resolve
from roadmap.report.gather import build_report
from roadmap.report.render import render_report
from roadmap.store import Store
from roadmap.track.links import markers_of_text
from roadmap.track.overview import gather, patterns_of

from . import hostile
from .conftest import run
from .github_server import GitHubServer
from .sites import build, config, save_roadmap
from .syncing import REPO, TOKEN, sync

SIZE = 65_536
INPUTS = hostile.hostile_inputs(SIZE)
PLAIN = "plain words"  # not a login, a URL or markup: the shape every report must keep


# -- the stages, at 64 KB -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=list(INPUTS))
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param, INPUTS[request.param]


def test_inputs_are_the_size_asked() -> None:
    assert {len(text) for text in INPUTS.values()} == {SIZE}
    assert {len(text) for text in hostile.hostile_inputs(8192).values()} == {8192}


def test_roadmap_parses_around_the_text(case: tuple[str, str]) -> None:
    name, text = case
    roadmap = hostile.parse_stage(text)
    lines = text.count("\n") + 20
    assert roadmap.items[0].title == "First item", name
    # A run of backticks opens a code block that never closes, and lists nested past
    # markdown-it's limit end its reading of blocks: both keep the rest of the document.
    if name not in ("`", "nested lists"):
        assert any(item.title == "Second item" for item in roadmap.items)
    assert all(1 <= item.line <= item.end_line <= lines for item in roadmap.items)
    json.dumps(roadmap.to_dict())


def test_references_are_issue_keys(case: tuple[str, str]) -> None:
    name, text = case
    found = hostile.references_stage(text)
    assert all(isinstance(repo, str) and isinstance(number, int) and 0 < number < 10**9
               for repo, number in found)
    assert set(found.values()) <= {"closing", "cross-referenced"}
    expected = {
        "refs": {("acme/widgets", 1): "closing", ("acme/w", 2): "cross-referenced",
                 ("acme/widgets", 3): "cross-referenced"},
        "url )": {("acme/widgets", 1): "cross-referenced"},
        "spaces": {}, "closing + spaces": {}, "[": {},
    }
    if name in expected:
        assert found == expected[name]


def test_markers_are_one_line_each(case: tuple[str, str]) -> None:
    name, text = case
    markers = hostile.markers_stage(text)
    assert all(marker and "\n" not in marker and marker == marker.strip()
               for marker in markers)
    if name == "spaces":
        assert markers == [text[len("Roadmap: "):]]
    if name == "blank lines":
        assert markers == []


def test_closing_words_are_words(case: tuple[str, str]) -> None:
    _, text = case
    assert all(word and not any(ch.isspace() for ch in word)
               for word in hostile.closing_stage(text))


def test_no_command_hides_in_the_text(case: tuple[str, str]) -> None:
    name, text = case
    words, said = hostile.claims_stage(text)
    assert said == [], name
    assert words["commands"] == ""


class Tags(HTMLParser):
    """The start tags and attribute names of a page, and whether every tag closes."""

    VOID = frozenset({"br", "hr", "img", "meta", "link", "input"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[str] = []
        self.hrefs: list[str] = []
        self.open: list[str] = []
        self.unbalanced = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append(" ".join([tag, *sorted(name for name, _ in attrs)]))
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]
        if tag not in self.VOID:
            self.open.append(tag)  # `<br />` comes through handle_startendtag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # `<hr />`: nothing to close

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            self.unbalanced += 1  # `</br>`: never written by a renderer
        elif self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.unbalanced += 1


def _inert(tags: Tags) -> None:
    assert tags.unbalanced == 0 and tags.open == []
    assert not any(shape.split()[0] in ("script", "iframe", "img", "object", "embed")
                   for shape in tags.shape)
    assert not any(attr.startswith("on") for shape in tags.shape for attr in shape.split()[1:])
    assert all(re.match(r"(https?://|mailto:|#|[\w./-]*$)", href) for href in tags.hrefs)


def test_site_markdown_is_safe_html(case: tuple[str, str]) -> None:
    _, text = case
    body, task = hostile.site_stage(text)
    for html in (body, task):
        _inert(Tags(html))


def test_html_report_keeps_its_shape(case: tuple[str, str]) -> None:
    _, text = case
    page = hostile.html_report_stage(text)
    tags = Tags(page)
    _inert(tags)
    assert tags.shape == Tags(hostile.html_report_stage(PLAIN)).shape


def test_markdown_report_keeps_its_tables(case: tuple[str, str]) -> None:
    """Rendered as GitHub renders Markdown, the report has the same elements whatever the
    text: every table keeps its columns, and no link, image or HTML comes from the text."""
    _, text = case
    report, cell = hostile.md_report_stage(text)
    rendered = Tags(cmarkgfm.github_flavored_markdown_to_html(report))
    assert rendered.shape == Tags(cmarkgfm.github_flavored_markdown_to_html(
        hostile.md_report_stage(PLAIN)[0])).shape
    table = f"| a | b |\n| - | - |\n| {cell} | b |\n"
    assert Tags(cmarkgfm.github_flavored_markdown_to_html(table)).shape == [
        "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]


# -- the patterns, as they read -------------------------------------------------------------------


def test_markers_read_as_before() -> None:
    body = ("Intro\n  **Roadmap:** `runtime`  \nroadmap item: 1.2\r\nRoadmap:\n"
            "not Roadmap: here\n__ROADMAP__ : Faster builds\n")
    assert markers_of_text(body) == ["runtime", "1.2", "Faster builds"]


def test_closing_keywords_read_as_before() -> None:
    text = "Fixes #12, prefix #3 FIXES: acme/w#4 closes\n#5 resolved\tGH-6 fixed:#7 Fixİ #8"
    assert closing_words(text) == ["#12,", "acme/w#4", "#5", "GH-6"]


def _old_keys(text: str, repo: str) -> list[tuple[str, int]]:
    refs = [resolve(ref, repo) for ref in refs_of_text(text)]
    return list(dict.fromkeys((r.repo.lower(), r.number) for r in refs if r.repo))


@pytest.mark.parametrize("at", [0, 1, 4095, 4096, 4097, 8191, 8192, 12_000])
def test_reference_keys_are_found_across_chunks(at: int) -> None:
    """References are searched only near a `#` or `GH-`, in chunks: one that straddles a
    chunk's edge, or whose repository starts in the chunk before, is still found."""
    for ref in ("#12", "GH-12", "acme/widgets#12", "a" * 39 + "/" + "b" * 100 + "#12",
                "#1234567890", "x#12", "GH-123456789"):
        text = "word " * (at // 5) + " " * (at % 5) + ref + " and more" + " z" * 3000
        assert list(ref_keys_of_text(text, "Acme/Widgets")) == _old_keys(text, "Acme/Widgets")


def test_user_patterns_that_backtrack_are_refused(tmp_path: Path) -> None:
    for pattern in (r"(a+)+$", r"^/take\s+(\w+\s*)+$", r"(.+?)\s*$", r"I.*will.*work"):
        assert find_slow_probe(re.compile(pattern, re.IGNORECASE)) is not None, pattern
    for pattern in (r"^/claim\b", r"^/take(?:\s+@?(?P<who>[\w-]+))?\s*$", r"\bI'm on it\b"):
        assert find_slow_probe(re.compile(pattern, re.IGNORECASE)) is None, pattern
    (tmp_path / "roadmap.toml").write_text(
        'claim_patterns = ["^/mine\\\\b", "^/take\\\\s+(\\\\w+\\\\s*)+$"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"claim_patterns: '\^/take.*is not linear"):
        load_config(tmp_path / "roadmap.toml")


def test_a_slow_pattern_stops_a_command_with_exit_2(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ROADMAP.md").write_text("# R\n\n## One\n", encoding="utf-8")
    (tmp_path / "roadmap.toml").write_text('release_patterns = ["(x+x+)+y"]\n',
                                           encoding="utf-8")
    result = run("lint")
    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message and "release_patterns: '(x+x+)+y' is not linear" in message


def test_a_linear_user_pattern_claims(tmp_path: Path) -> None:
    (tmp_path / "roadmap.toml").write_text('claim_patterns = ["^/mine\\\\b"]\n', encoding="utf-8")
    settings = load_config(tmp_path / "roadmap.toml")
    assert commands("/mine please", patterns_of(settings)) == [("claim", None)]


# -- GitHub's limits ----------------------------------------------------------------------------


def _user(login: str) -> dict[str, Any]:
    return {"login": login, "type": "User"}


LONG_LOGIN = "l" * 60
LONG_LABEL = "label-" * 20
STAMP = "2026-11-01T00:00:00Z"


def _issue_json(**extra: Any) -> dict[str, Any]:
    return {"id": 1, "number": 1, "title": "t" * 1000, "body": "b" * 100_000,
            "user": _user(LONG_LOGIN), "labels": [{"name": LONG_LABEL}],
            "assignees": [_user(LONG_LOGIN)], "milestone": {"title": "m" * 1000},
            "created_at": STAMP, "updated_at": STAMP, "state": "open",
            "html_url": f"https://github.com/{REPO}/issues/1", **extra}


def _cut(value: str, limit: int) -> bool:
    return len(value) == limit and value.endswith(CUT_MARK)


def test_an_issue_past_the_limits_is_cut() -> None:
    issue = parse_issue(_issue_json())
    assert _cut(issue.title, TITLE_LIMIT) and _cut(issue.milestone or "", TITLE_LIMIT)
    assert len(issue.body) == BODY_LIMIT and issue.body.endswith(BODY_CUT_NOTE)
    assert issue.author and _cut(issue.author, LOGIN_LIMIT)
    assert _cut(issue.labels[0], LABEL_LIMIT) and _cut(issue.assignees[0], LOGIN_LIMIT)


def test_text_within_the_limits_is_kept_whole() -> None:
    issue = parse_issue(_issue_json(title="t" * 256, body="b" * 65_536,
                                    labels=[{"name": "l" * 50}], user=_user("u" * 39)))
    assert (issue.title, issue.body, issue.labels, issue.author) == (
        "t" * 256, "b" * 65_536, ["l" * 50], "u" * 39)


def test_comments_pulls_and_events_past_the_limits_are_cut() -> None:
    comment = parse_comment({"id": 5, "issue_url": f"https://x/repos/{REPO}/issues/1",
                             "user": _user(LONG_LOGIN), "body": "/claim " * 20_000,
                             "created_at": STAMP, "html_url": "https://x"})
    assert comment is not None and len(comment.body) == BODY_LIMIT
    assert comment.author and _cut(comment.author, LOGIN_LIMIT)
    pull, refs = parse_pull({"number": 9, "title": "Fixes #1 " + "t" * 1000,
                             "body": " " * 70_000 + "Fixes #2", "user": _user(LONG_LOGIN),
                             "updated_at": STAMP}, REPO)
    assert _cut(pull.title, TITLE_LIMIT) and pull.author and _cut(pull.author, LOGIN_LIMIT)
    assert refs == {("acme/widgets", 1): "closing"}  # #2 was past the cut
    for kind, field, limit in (("labeled", {"label": {"name": LONG_LABEL}}, LABEL_LIMIT),
                               ("assigned", {"assignee": _user(LONG_LOGIN)}, LOGIN_LIMIT),
                               ("renamed", {"rename": {"to": "r" * 999}}, TITLE_LIMIT)):
        parsed = parse_repo_event({"id": 3, "event": kind, "actor": _user(LONG_LOGIN),
                                   "issue": {"number": 1}, "created_at": STAMP, **field})
        assert parsed is not None
        event = parsed[1]
        assert _cut(event.subject or "", limit) and _cut(event.actor or "", LOGIN_LIMIT)


def test_an_export_past_the_limits_is_cut(tmp_path: Path) -> None:
    entry = {"number": 1, "title": "t" * 1000, "state": "OPEN", "body": "b" * 100_000,
             "labels": [{"name": LONG_LABEL}], "assignees": [{"login": LONG_LOGIN}],
             "author": {"login": LONG_LOGIN}, "url": f"https://github.com/{REPO}/issues/1",
             "createdAt": STAMP, "updatedAt": STAMP,
             "comments": [{"url": f"https://github.com/{REPO}/issues/1#issuecomment-7",
                           "author": {"login": LONG_LOGIN}, "body": "c" * 100_000,
                           "createdAt": STAMP}]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps([entry]), encoding="utf-8")
    export = read_export(path, None)
    (issue,), (comment,) = export.issues, export.comments
    assert _cut(issue.title, TITLE_LIMIT) and len(issue.body) == BODY_LIMIT
    assert _cut(issue.labels[0], LABEL_LIMIT) and _cut(issue.author or "", LOGIN_LIMIT)
    assert len(comment.body) == BODY_LIMIT and _cut(comment.author or "", LOGIN_LIMIT)


def test_a_sync_of_text_past_the_limits_stores_it_cut_and_shows_it_cut(tmp_path: Path) -> None:
    """A server that sends more than GitHub allows: the sync stores the text cut, and the
    report and the site show it cut, inert."""
    title = "Runtime " + "<script>x</script> " * 40
    with GitHubServer() as server:
        server.add_user("alice", token=TOKEN)
        server.add_user(LONG_LOGIN, token="tok-long")
        server.add_repo(REPO, collaborators={"alice"})
        number = server.create_issue(REPO, title, INPUTS["[ ]"] + INPUTS["*a_"] + "tail",
                                     labels=["roadmap", LONG_LABEL], user=LONG_LOGIN)
        server.comment(REPO, number, LONG_LOGIN, INPUTS["emphasis"] * 2)
        server.create_issue(REPO, "t" * 300, "Fixes #1\n" + INPUTS["refs"] * 2,
                            user=LONG_LOGIN, pull_request=True)
        store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
        sync(server, store, full=True)
    (record,) = store.load_records()
    with store.engine.connect() as connection:
        ((body,),) = connection.execute(sql("SELECT body FROM issues WHERE on_roadmap"))
        ((comment,),) = connection.execute(sql("SELECT body FROM comments"))
    assert len(body) == BODY_LIMIT and body.endswith(BODY_CUT_NOTE)
    assert len(comment) == BODY_LIMIT and comment.endswith(BODY_CUT_NOTE)
    assert _cut(record.title, TITLE_LIMIT) and _cut(record.author or "", LOGIN_LIMIT)
    assert sorted(len(label) for label in record.labels) == [len("roadmap"), LABEL_LIMIT]
    assert [pull.title for pull in record.pulls] == ["t" * (TITLE_LIMIT - 1) + CUT_MARK]
    save_roadmap(store, "# Widgets\n\nIntro.\n\n## 1. Runtime\n\nTracking issue: #1\n")
    now = datetime.now(UTC)
    report = build_report(store, gather(store, config(), now), "Widgets", now, now)
    for format in ("md", "html"):
        shown = render_report(report, format)
        assert "<script>" not in shown and CUT_MARK in shown
    built = build(store, tmp_path / "site", now)
    assert built.written
    page = (tmp_path / "site" / "items" / "runtime.html").read_text(encoding="utf-8")
    assert "<script>x" not in page and md(record.title, 300).endswith(CUT_MARK)
    assert record.title[:40].replace("<", "&lt;").replace(">", "&gt;") in page
