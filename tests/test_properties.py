"""Property-based: any Markdown parses, raising nothing but the project's own error."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap.cli.output import render_roadmap_json
from roadmap.errors import RoadmapError
from roadmap.parse import parse_roadmap
from roadmap.parse.lint import lint_roadmap
from roadmap.parse.markdown import normalise, tokenize
from roadmap.parse.source import decode
from roadmap.parse.walk import reads_paragraph, walk_tokens

WORDS = st.sampled_from([
    "Runtime", "v2.0", "Q3 2025", "2026", "Done", "Next", "Later", "In progress", "How?",
    "✅", "✅\ufe0f", "🚧", "⏳", "❌", ":white_check_mark:", "#12", "a/b#3", "GH-4", "@alice",
    "Owner:", "Status:", "Tracking issues:", "TBD", "[x]", "[ ]", "|", "||", "`code`", "*", "_",
    "<!-- roadmap: id=x -->", "<details>", "</details>", "<table><tr><td>#1</td></tr></table>",
    "<a href='https://github.com/a/b/issues/9'>x</a>", "{issue}`7`", "{{% alert %}}",
    "https://github.com/a/b/issues/12a", "<https://github.com/a/b/pull/5>", "[l][1]",
    "[1]: https://github.com/a/b/issues/1", "\t", "\r\n", "\r", "\x00", "\u202e", "A.", "1.",
    "1.1", "#", "##", "###", "---", "+++", "title: X", "---\ntitle: Y\n---",
])
LINE_STARTS = st.sampled_from(["", "# ", "## ", "### ", "#### ", "- ", "* ", "  - ", "1. ",
                               "> ", "| ", "|---|---|", "    ", "\t- ", "- [ ] ", "- [x] ",
                               "```\n", "<details>\n", "+++\n"])
LINE = st.builds(lambda start, words: start + " ".join(words),
                 LINE_STARTS, st.lists(WORDS | st.text(max_size=8), max_size=8))
DOCUMENT = st.lists(LINE, max_size=40).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENT)
def test_any_markdown_parses_into_consistent_items(text):
    roadmap = parse_roadmap(text, repo="acme/widgets")
    line_count = max(1, text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1)
    ids = [item.id for item in roadmap.items]
    seen: set[str] = set()
    for item in roadmap.items:
        assert 1 <= item.line <= item.end_line <= line_count
        assert item.parent is None or item.parent in seen
        seen.add(item.id)
        assert item.title
    assert len(set(ids)) == len(ids) or any(p.code == "duplicate-id" for p in roadmap.problems)
    assert render_roadmap_json(roadmap) == json.dumps(roadmap.to_dict(), ensure_ascii=False,
                                                      indent=2)
    lint_roadmap(roadmap)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_text_or_our_error(data):
    try:
        text = decode(data, "ROADMAP.md")
    except RoadmapError as error:
        assert str(error).startswith("ROADMAP.md: ")
        return
    parse_roadmap(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENT)
def test_paragraphs_left_unparsed_change_nothing(text):
    # parse_roadmap parses inline only the paragraphs the walk reads (reads_paragraph).
    text = normalise(text)
    lines = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
    every = walk_tokens(tokenize(text), "R.md", lines, None, "acme/widgets")
    some = walk_tokens(tokenize(text, reads_paragraph), "R.md", lines, None, "acme/widgets")
    assert some == every


def test_prose_paragraphs_are_not_parsed_inline():
    tokens = tokenize("# Roadmap\n\nPlain *prose*.\n\nSee #12.\n", reads_paragraph)
    paragraphs = [t for n, t in enumerate(tokens)
                  if t.type == "inline" and tokens[n - 1].type == "paragraph_open"]
    assert [bool(p.children) for p in paragraphs] == [False, True]
    assert tokens[1].children  # the heading is always parsed
