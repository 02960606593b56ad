"""Golden files for the parser: a new case is a new `tests/fixtures/parse/NAME.md`.

Beside each `NAME.md` sit `NAME.json` (`parse_roadmap(...).to_dict()` as
`roadmap parse --json` prints it) and `NAME.lint.txt` (one `LINE: SEVERITY: MESSAGE`
per lint problem, empty when there are none). Run with `ROADMAP_UPDATE_GOLDEN=1`
to write them from the current parser, then read the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from roadmap.cli.output import render_roadmap_json
from roadmap.model import Roadmap
from roadmap.parse import parse_roadmap
from roadmap.parse.lint import lint_roadmap

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
CASES = sorted(FIXTURES.glob("*.md"))
UPDATE = os.environ.get("ROADMAP_UPDATE_GOLDEN") == "1"


def parse_fixture(path: Path) -> Roadmap:
    # Bytes, not read_text: universal newlines would hide the CRLF fixtures' line endings.
    return parse_roadmap(path.read_bytes().decode("utf-8"), source=path.name)


def render_json(roadmap: Roadmap) -> str:
    return json.dumps(roadmap.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render_lint(roadmap: Roadmap) -> str:
    return "".join(f"{p.line}: {p.severity}: {p.message}\n" for p in lint_roadmap(roadmap))


def check_golden(golden: Path, actual: str) -> None:
    """Compare `actual` with the golden file, or rewrite it when updating."""
    if UPDATE:
        golden.write_bytes(actual.encode("utf-8"))
        return
    if not golden.exists():
        pytest.fail(f"{golden.name} is missing: run with ROADMAP_UPDATE_GOLDEN=1 to write it")
    assert actual == golden.read_bytes().decode("utf-8")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_parse_matches_golden(path: Path) -> None:
    roadmap = parse_fixture(path)
    golden = path.with_suffix(".json")
    if not UPDATE and golden.exists():
        # A structural diff first: pytest shows which item and field changed.
        assert roadmap.to_dict() == json.loads(golden.read_bytes())
    check_golden(golden, render_json(roadmap))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_parse_json_prints_the_golden(path: Path) -> None:
    # `roadmap parse --json` writes the JSON from a template, not through json.dumps.
    golden = path.with_suffix(".json")
    if not UPDATE:
        assert render_roadmap_json(parse_fixture(path)) + "\n" == golden.read_bytes().decode()


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_lint_matches_golden(path: Path) -> None:
    check_golden(path.with_suffix(".lint.txt"), render_lint(parse_fixture(path)))


def test_every_golden_has_its_markdown() -> None:
    stems = {path.stem for path in CASES}
    goldens = [*FIXTURES.glob("*.json"), *FIXTURES.glob("*.lint.txt")]
    orphans = [g.name for g in goldens
               if g.name.removesuffix(".json").removesuffix(".lint.txt") not in stems]
    assert orphans == []


@pytest.mark.parametrize(("name", "check"), [
    ("crlf_status_emoji.md", lambda data: data.count(b"\r\n") == data.count(b"\n")),
    ("mixed_indent_no_final_newline.md", lambda data: not data.endswith(b"\n")),
    ("empty.md", lambda data: data == b""),
])
def test_fixture_keeps_the_bytes_it_tests(name, check) -> None:
    # An editor or a checkout with autocrlf would quietly turn these into other cases.
    assert check((FIXTURES / name).read_bytes())


def test_parse_json_outside_the_shape_is_still_json_dumps() -> None:
    # Values of other types than the dataclasses declare (a tuple, a float, a str subclass,
    # a one-field tuple) are rendered by json.dumps, so the output never differs.
    roadmap = parse_fixture(FIXTURES / "grouping_headings.md")
    first = roadmap.items[0]
    for change in (lambda: setattr(first, "owners", ("a", "b")),
                   lambda: setattr(first, "level", 2.5),
                   lambda: setattr(first, "milestone", ("v1",)),
                   lambda: setattr(first, "title", type("Text", (str,), {})("t\n\"x\""))):
        change()
        assert render_roadmap_json(roadmap) == json.dumps(roadmap.to_dict(), ensure_ascii=False,
                                                          indent=2)
