"""Worst-case untrusted text, and the stages that read it, for the hostile-text test and
benchmark (`tests/test_hostile.py`, `benchmarks/hostile_bench.py`).

Each input is built to make a careless pattern or parser backtrack or rescan: long runs
of spaces, `#`, `[`, `*`, `\\`, backticks and `>`, nested lists, unclosed links, zero-width
and direction characters. `hostile_inputs(size)` gives each at exactly `size` characters,
so that one stage's times at two sizes show how it grows.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from roadmap.github.read import closing_words, references
from roadmap.markup import md
from roadmap.parse import parse_roadmap
from roadmap.parse.comments import commands, stored_words
from roadmap.report.data import Report, report_from_dict
from roadmap.report.render import render_report
from roadmap.site.markdown import link_resolver, render_inline, render_markdown
from roadmap.track.links import markers_of_text

REPO = "acme/widgets"
REPORT_JSON = Path(__file__).parent / "fixtures" / "report" / "report.json"


def _fill(unit: str, size: int, head: str = "", tail: str = "") -> str:
    """`head`, then `unit` repeated, then `tail`: `size` characters in all."""
    room = max(0, size - len(head) - len(tail))
    return head + (unit * (room // len(unit) + 1))[:room] + tail


def _growing(mark: str, size: int) -> str:
    """Runs of `mark` of every length, 1, 2, 3..., each closed by a letter: no two runs
    pair up (a backtick or emphasis run closes only one of its own length)."""
    parts, length, n = [], 0, 1
    while length < size:
        parts.append(mark * n + "a")
        length += n + 1
        n += 1
    return "".join(parts)[:size]


def _nested_list(size: int) -> str:
    lines, length, depth = [], 0, 0
    while length < size:
        line = "  " * (depth % 60) + ("- " if depth % 2 else "1. ") + "x\n"
        lines.append(line)
        length += len(line)
        depth += 1
    return "".join(lines)[:size]


#: How each worst case is made, by name.
BUILDERS: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: _fill(" ", n, "Roadmap: x", "y"),
    "closing + spaces": lambda n: _fill(" ", n, "fix"),
    "blank lines": lambda n: _fill(" \n", n, "roadmap", "Roadmap"),
    "tabs and spaces": lambda n: _fill(" \t", n, "/assign ", "!"),
    "#": lambda n: _fill("#", n),
    "# lines": lambda n: _fill("# #1\n", n),
    "[": lambda n: _fill("[", n),
    "![": lambda n: _fill("![", n),
    "[ ]": lambda n: _fill("[", n // 2) + _fill("]", n - n // 2),
    "*": lambda n: _fill("*", n),
    "* runs": lambda n: _growing("*", n),
    "*a_": lambda n: _fill("*a_", n),
    "emphasis": lambda n: _fill("*a **a ***a ", n),
    "\\": lambda n: _fill("\\", n),
    "`": lambda n: _fill("`", n),
    "` runs": lambda n: _growing("`", n),
    ">": lambda n: _fill(">", n),
    "> lines": lambda n: _fill("> - > 1. ", n),
    "nested lists": _nested_list,
    "unclosed links": lambda n: _fill("[a](", n),
    "unclosed titles": lambda n: _fill("a", n, "[a](b '"),
    "<": lambda n: _fill("<a ", n),
    "table": lambda n: _fill("| a |\n", n, "| a | b |\n| - | - |\n"),
    "wide table": lambda n: _fill("|a", n // 2, "", "\n") + _fill("|-", n - n // 2),
    "url )": lambda n: _fill(")", n, "https://github.com/acme/widgets/issues/1"),
    "urls": lambda n: _fill("https://github.com/", n),
    "refs": lambda n: _fill("fixes #1 acme/w#2 GH-3 ", n),
    "zero-width and RTL": lambda n: _fill("a\u200b\u202e\u2066#1\u200f\u061c ", n),
}


def hostile_inputs(size: int) -> dict[str, str]:
    """Every worst case at exactly `size` characters."""
    return {name: build(size) for name, build in BUILDERS.items()}


# -- the stages ---------------------------------------------------------------------------------


def parse_stage(text: str) -> Any:
    """ROADMAP.md with the text as an item's body and a table row's cell."""
    document = (f"# Roadmap\n\n## 1. First item\n\n{text}\n\n## 2. Second item\n\n"
                f"| Feature | Status |\n| --- | --- |\n| {text.replace(chr(10), ' ')} | done |\n")
    return parse_roadmap(document, "ROADMAP.md", REPO)


def references_stage(text: str) -> Any:
    return references(text, REPO)


def markers_stage(text: str) -> Any:
    return markers_of_text(text)


def closing_stage(text: str) -> Any:
    return closing_words(text)


def claims_stage(text: str) -> Any:
    """What the store keeps of a comment, and the commands it says."""
    return stored_words(text), commands(text)


def site_stage(text: str) -> Any:
    """An item's body and a task line as the site renders them."""
    resolve = link_resolver(REPO, {})
    return render_markdown(text, resolve), render_inline(text, resolve)


@cache
def _report_json() -> str:
    return REPORT_JSON.read_text(encoding="utf-8")


#: Report fields that hold text from GitHub or ROADMAP.md.
_UNTRUSTED_KEYS = frozenset({"title", "detail", "item", "login", "labels", "suggested_item"})


def hostile_report(text: str) -> Report:
    """The golden report with every title, detail, item name, label and login replaced."""
    report: dict[str, Any] = json.loads(_report_json())

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: (text if key in _UNTRUSTED_KEYS and isinstance(item, str)
                          else [text for _ in item] if key in _UNTRUSTED_KEYS
                          and isinstance(item, list) else swap(item))
                    for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    return report_from_dict(copy.deepcopy(swap(report)))


def html_report_stage(text: str) -> str:
    return render_report(hostile_report(text), "html")


def md_report_stage(text: str) -> tuple[str, str]:
    """The Markdown report, and the text escaped whole for a table cell."""
    return render_report(hostile_report(text), "md"), md(text, len(text) + 1)


#: The text-handling stages, by the name the benchmark prints.
STAGES: dict[str, Callable[[str], Any]] = {
    "parse ROADMAP.md": parse_stage,
    "references in bodies": references_stage,
    "Roadmap: markers": markers_stage,
    "closing keywords": closing_stage,
    "claim and release commands": claims_stage,
    "site Markdown": site_stage,
    "HTML report": html_report_stage,
    "report table escaping": md_report_stage,
}
