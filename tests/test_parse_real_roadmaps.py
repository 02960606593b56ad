"""Shapes of real roadmaps that once parsed wrong or empty (issue 13, "Reading real roadmaps")."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap.parse import parse_file, parse_roadmap
from roadmap.parse.lint import lint_roadmap

from .conftest import CORPUS

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
TEKTON = CORPUS / "tektoncd__pipeline__roadmap.md"


def refs_of(text: str) -> dict[str, list[int]]:
    return {item.title: [ref.number for ref in item.refs] for item in parse_roadmap(text).items}


def test_lettered_appendix_sections_are_items() -> None:
    # Metadata block, contents, milestones, then `### A. 📺 ...` with `#### 1. ...` below
    # an unnumbered `Appendix` heading: all headings but the appendix's were notes.
    roadmap = parse_file(FIXTURES / "appendix_lettered_emoji.md")
    appendix = "appendix-feature-areas"
    assert [(i.number, i.title, i.parent) for i in roadmap.items] == [
        (None, "Milestones", None),
        (None, "Appendix: feature areas", None),
        ("A", "📺 Video streaming", appendix),
        ("1", "Adaptive bitrate", "video-streaming"),
        ("2", "Subtitles", "video-streaming"),
        ("B", "📻 Radio", appendix),
        ("1", "Station list", "radio"),
        ("C", "🗓️ Programme guide", appendix),
    ]
    statuses = [i.status.value if i.status else None for i in roadmap.items]
    assert statuses == [None, None, None, "done", "in-progress", None, "planned", None]
    assert [n.title for n in roadmap.notes] == ["Table of Contents", "Vision", "Principles"]


def test_the_parent_of_numbered_sections_is_an_item() -> None:
    # Unnumbered headings before the first numbered one are notes (Moby's introduction),
    # except the one the numbered sections sit in; a second `#` title stays a note.
    text = ("# Ledger v1.0 scope\n\n# 账本 1.0 范围\n\n## Summary\n\nText.\n\n"
            "## What 1.0 is\n\nText.\n\n## Core requirements\n\n### 1. Stability\n\n"
            "### 2. Docs\n")
    roadmap = parse_roadmap(text)
    assert [(i.title, i.parent) for i in roadmap.items] == [
        ("Core requirements", None), ("Stability", "core-requirements"),
        ("Docs", "core-requirements")]
    assert [n.title for n in roadmap.notes] == ["账本 1.0 范围", "Summary", "What 1.0 is"]


def test_numbered_heading_under_an_explaining_note_stays_a_note() -> None:
    text = "# Roadmap\n\n## 1. Work\n\nText.\n\n## How can I help?\n\n### 1. Report bugs\n"
    roadmap = parse_roadmap(text)
    assert [i.title for i in roadmap.items] == ["Work"]
    assert [n.title for n in roadmap.notes] == ["How can I help?", "1. Report bugs"]


@pytest.mark.parametrize("line", [
    "**Status:** : ✅ Complete", "Status: : done", "**Status**: :: in progress",
])
def test_status_line_with_an_extra_colon(line: str) -> None:
    roadmap = parse_roadmap(f"# Roadmap\n\n## Indexing\n\n{line}\n")
    status = roadmap.items[0].status
    assert status is not None
    assert status.value == ("in-progress" if "progress" in line else "done")


def test_bare_number_links_in_a_reference_table_are_refs_of_the_item() -> None:
    text = (
        "# Roadmap\n\n## Subtitles\n\n"
        "| Format | Issue |\n|---|---|\n"
        "| SRT | [2101](https://github.com/o/r/issues/2101) |\n"
        "| WebVTT | [2102](https://github.com/o/r/issues/2102) |\n\n"
        "## Indexing\n\n"
        "| # | Description |\n|---|---|\n"
        "| [2066](https://github.com/o/r/issues/2066) | index titles |\n"
        "| [2070](https://github.com/o/r/pull/2070) | index bodies |\n"
    )
    assert refs_of(text) == {"Subtitles": [2101, 2102], "Indexing": [2066, 2070]}


def test_tables_that_list_items_still_give_items() -> None:
    under_milestone = (
        "# Roadmap\n\n## v2.0\n\n| Feature | Issue |\n|---|---|\n"
        "| Sharding | [12](https://github.com/o/r/issues/12) |\n"
    )
    assert refs_of(under_milestone) == {"v2.0": [], "Sharding": [12]}
    with_status = (
        "# Roadmap\n\n## Storage\n\n| Feature | Status | Issue |\n|---|---|---|\n"
        "| Sharding | Done | [12](https://github.com/o/r/issues/12) |\n"
    )
    assert refs_of(with_status) == {"Storage": [], "Sharding": [12]}


def test_a_roadmap_of_explaining_sections_is_one_item() -> None:
    roadmap = parse_file(FIXTURES / "board_guide_sections.md", repo="harbor-deploy/cli")
    assert [(i.title, i.line, i.level) for i in roadmap.items] == [
        ("Harbor Deploy Roadmap", 1, 1)]
    assert [(r.repo, r.number) for r in roadmap.items[0].refs] == [("harbor-deploy/cli", 88)]
    codes = [p.code for p in lint_roadmap(roadmap)]
    assert "whole-document-item" in codes and "no-items" not in codes


def test_a_roadmap_without_sections_still_has_no_items() -> None:
    roadmap = parse_file(FIXTURES / "no_items.md")
    assert roadmap.items == []
    assert [p.code for p in lint_roadmap(roadmap)] == ["no-items"]


@pytest.mark.skipif(not TEKTON.is_file(), reason="../shared/corpus not present")
def test_tekton_board_guide_is_not_empty() -> None:
    roadmap = parse_file(TEKTON)
    assert [i.title for i in roadmap.items] == ["Tekton Pipelines Roadmap"]
    assert roadmap.items[0].end_line == len(TEKTON.read_text(encoding="utf-8").splitlines())


def only_item(heading: str) -> tuple[str, str | None, str | None]:
    roadmap = parse_roadmap(f"# Roadmap\n\n## {heading}\n\nText.\n")
    [item] = roadmap.items
    return item.title, item.status.value if item.status else None, item.milestone


@pytest.mark.parametrize(("heading", "expected"), [
    ("Phase 1 ✅ — Command skeleton", ("Phase 1 — Command skeleton", "done", "Phase 1")),
    ("🚀 Phase F1: Import ✅ COMPLETE (64 tests)", ("🚀 Phase F1: Import", "done", None)),
    ("🚀 Platform Modernization", ("🚀 Platform Modernization", None, None)),
    ("📅 Timeline", ("📅 Timeline", None, None)),
    ("Launch 🚀", ("Launch", "done", None)),
    ("v1.0.0-rc:", ("v1.0.0-rc", None, "v1.0.0-rc")),
    ("📋 v2.0 Plugins (Planned)", ("📋 v2.0 Plugins (Planned)", "planned", "v2.0 Plugins")),
    ("v0.1.0 - Initial Release", ("v0.1.0 - Initial Release", None, "v0.1.0")),
    ("📅 Upcoming Milestones", ("📅 Upcoming Milestones", "planned", None)),
    ("Next Phases", ("Next Phases", "planned", None)),
])
def test_what_a_heading_says(heading: str, expected: tuple[str, str | None, str | None]) -> None:
    assert only_item(heading) == expected


@pytest.mark.parametrize(("value", "status"), [
    ("⬜ Not Started", "planned"), ("📋 Not Started", "planned"), ("🟨 Planned", "planned"),
    ("Blocked on the signing key (#430)", "planned"), ("Completed / 状态: 已完成", "done"),
    ("进行中", "in-progress"), ("計画中", "planned"), ("🚀", "done"),
])
def test_status_field_values(value: str, status: str) -> None:
    roadmap = parse_roadmap(f"# Roadmap\n\n## Indexing\n\nStatus: {value}\n")
    assert roadmap.items[0].status is not None
    assert roadmap.items[0].status.value == status


def test_in_page_link_in_a_heading_is_not_its_title() -> None:
    roadmap = parse_roadmap('# Roadmap\n\n## Overview <a href="#roadmap">↑ Top</a>\n\nText.\n\n'
                            "## v0.2 [↑](#roadmap)\n\nMore.\n")
    assert [n.title for n in roadmap.notes] == ["Overview"]
    assert [(i.title, i.anchor) for i in roadmap.items] == [("v0.2", "v02-")]


def test_parts_of_an_item_are_not_items() -> None:
    text = ("# Roadmap\n\n## Phase 3 — Search\n\nIntro.\n\n### Goal\n\nFast.\n\n### Tasks\n\n"
            "- [x] Index\n- [ ] Ranking (#7)\n\n### Exit criteria\n\nBenchmarks pass.\n\n"
            "### Ranking service\n\nA child item.\n")
    roadmap = parse_roadmap(text, repo="o/r")
    assert [i.title for i in roadmap.items] == ["Phase 3 — Search", "Ranking service"]
    phase = roadmap.items[0]
    assert [(t.text, t.done) for t in phase.tasks] == [("Index", True), ("Ranking (#7)", False)]
    assert [r.number for r in phase.refs] == [7]
    assert "Benchmarks pass." in phase.body and "A child item." not in phase.body


@pytest.mark.parametrize(("table", "titles"), [
    ("| Symbol | Status |\n|---|---|\n| ⬜ | Not Started |\n| ✅ | Complete |\n", []),
    ("| Milestone | Codename | Ends | Status |\n|---|---|---|---|\n"
     "| 003 | Low Tide | Q1 2026 | 🚧 |\n| 002 | Driftwood | None | ✅ |\n", ["003", "002"]),
    ("| 里程碑 | 目标日期 | 负责人 |\n|---|---|---|\n| 统一网关 | 2026-06-30 | @zhaolei |\n",
     ["统一网关"]),
    ("| Milestone | Date |\n|---|---|\n| Iteration start | 2026-04-06 |\n", []),
])
def test_which_tables_list_items(table: str, titles: list[str]) -> None:
    roadmap = parse_roadmap(f"# Roadmap\n\n## v2.0\n\n{table}")
    assert [i.title for i in roadmap.items[1:]] == titles


def test_milestone_table_rows_take_the_next_date_column() -> None:
    table = ("| Milestone | Codename | Ends | Status |\n|---|---|---|---|\n"
             "| 003 | Low Tide | Q1 2026 | 🚧 |\n| LATER | Open Water | None | 🟨 |\n"
             "| 002 | Driftwood | 12 Sept 2025 | ✅ |\n")
    rows = parse_roadmap(f"# Roadmap\n\n## Milestones\n\n{table}").items[1:]
    assert [(i.milestone, i.status.value if i.status else None) for i in rows] == [
        ("Q1 2026", "in-progress"), (None, None), ("12 Sept 2025", "done")]


def test_a_status_first_table_lists_items() -> None:
    table = ("| Status | Feature | Issue |\n|---|---|---|\n"
             "| :white_check_mark: | README generation | #42 |\n"
             "| :dart: | Docs audit | #55 |\n| :thought_balloon: | Translations | #62 |\n")
    rows = parse_roadmap(f"# Roadmap\n\n## v1.3\n\n{table}", repo="o/r").items[1:]
    assert [(i.title, i.status.value if i.status else None, [r.number for r in i.refs])
            for i in rows] == [("README generation", "done", [42]), ("Docs audit", "planned", [55]),
                               ("Translations", "planned", [62])]


def test_sections_numbered_only_deep_down_leave_the_upper_ones_items() -> None:
    text = ("# Plan\n\n## Vision\n\nText.\n\n## Current state\n\nText.\n\n## Implementation\n\n"
            "### Phase 1: Setup\n\n#### 1.1 Milestones\n\n#### 1.2 Issues\n\n"
            "### Phase 2: Automation\n\n**Status:** Unimplemented\n")
    roadmap = parse_roadmap(text)
    assert [(i.title, i.parent) for i in roadmap.items] == [
        ("Current state", None), ("Implementation", None),
        ("Phase 1: Setup", "implementation"), ("Milestones", "phase-1-setup"),
        ("Issues", "phase-1-setup"), ("Phase 2: Automation", "implementation")]
    assert roadmap.items[-1].status is not None
    assert roadmap.items[-1].status.value == "planned"
    assert [n.title for n in roadmap.notes] == ["Vision"]
