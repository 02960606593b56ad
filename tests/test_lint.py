"""`roadmap lint`: each problem it reports, at the right line."""

from __future__ import annotations

from roadmap.parse import parse_roadmap
from roadmap.parse.lint import lint_roadmap


def problems(text: str, repo: str | None = "acme/widgets") -> list[tuple[int, str, str]]:
    return [(p.line, p.severity, p.code) for p in lint_roadmap(parse_roadmap(text, repo=repo))]


def test_clean_roadmap_has_no_problems():
    assert problems("# Plan\n\n## 1. A\n\n### 1.1 B\n\n### 1.2 C\n\n## 2. D\n") == []


def test_duplicate_explicit_ids():
    text = "# Plan\n\n## A <!-- roadmap: id=same -->\n\n## B\n<!-- roadmap: id=same -->\n"
    assert problems(text) == [(5, "error", "duplicate-id")]


def test_repeated_titles_get_prefixed_ids_without_a_problem():
    text = "# Plan\n\n## Q1 2026\n\n### Docs\n\n## Q2 2026\n\n### Docs\n"
    roadmap = parse_roadmap(text)
    assert [i.id for i in roadmap.items] == ["q1-2026", "docs", "q2-2026", "q2-2026-docs"]
    assert lint_roadmap(roadmap) == []


def test_numbering_repeat_gap_and_parent():
    text = ("# Plan\n\n## 1. A\n\n### 1.1 B\n\n### 1.3 C\n\n## 2. D\n\n### 1.1 E\n\n"
            "## 2. F\n")
    assert problems(text) == [
        (7, "warning", "number-gap"),
        (11, "warning", "number-parent"),
        (13, "error", "number-repeat"),
    ]


def test_lettered_sections_are_checked_too():
    assert problems("# Plan\n\n## A. One\n\n## B. Two\n\n## D. Four\n") == [
        (7, "warning", "number-gap"),
    ]


def test_reference_that_does_not_parse():
    text = "# Plan\n\n## A\n\nSee https://github.com/acme/widgets/issues/12a and\n" \
           "[this](https://github.com/acme/widgets/pull/9x).\n"
    assert problems(text) == [(3, "error", "bad-ref"), (3, "error", "bad-ref")]


def test_bare_reference_without_a_repository():
    assert problems("# Plan\n\n## A\n\nFixes #12.\n", repo=None) == [
        (3, "warning", "unresolved-ref"),
    ]


def test_empty_tracking_list():
    text = ("# Plan\n\n## A\n\nTracking issues:\n\n## B\n\nTracking issues: TBD\n\n"
            "## C\n\nTracking issues:\n\n- #4\n")
    assert problems(text) == [(5, "warning", "empty-tracking"), (9, "warning", "empty-tracking")]


def test_skipped_heading_level():
    assert problems("# Plan\n\n### A\n\n#### B\n") == [(3, "warning", "heading-level")]


def test_no_items():
    assert problems("Some prose.\n") == [(1, "warning", "no-items")]
