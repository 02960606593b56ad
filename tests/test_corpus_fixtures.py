"""Self-written roadmaps in the styles of real ones, each with hand-checked facts.

`tests/fixtures/corpus/NAME.md` is a roadmap written for this project in the style of a
real one (INDEX.tsv names the repository and path it follows); `NAME.facts` holds what a
reader finds in it, written by hand, not by the parser:

    title: Document title          (or `-` for none)
    repo: owner/name               (the repository bare `#12` resolves to, or `-`)
    notes: Overview; How to help   (optional: the headings that are notes)
    Title | no=1.2 | status=done | milestone=v2 | owners=ann | refs=o/r#1,pull:o/r#2 | tasks=1/3

One line per item in document order, indented two spaces per level under its parent.
A field left out asserts that the item has none of it: no number, no status, no
milestone, no owners, no references, no checklist.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from roadmap.model import Item, Roadmap
from roadmap.parse import parse_roadmap

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
CASES = sorted(FIXTURES.glob("*.md"))
_FIELDS = ("no", "status", "milestone", "owners", "refs", "tasks")


@dataclass
class Facts:
    """What a fixture's `.facts` file says of its roadmap."""

    title: str | None = None
    repo: str | None = None
    notes: list[str] | None = None
    items: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)


def read_facts(path: Path) -> Facts:
    """Parse a `.facts` file; a line it cannot read fails the test that reads it."""
    facts = Facts()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, sep, value = raw.partition(": ")
        if sep and key in ("title", "repo", "notes") and not raw.startswith(" "):
            value = value.strip()
            if key == "notes":
                facts.notes = [n.strip() for n in value.split(";") if n.strip()]
            else:
                setattr(facts, key, None if value == "-" else value)
            continue
        depth = (len(raw) - len(raw.lstrip(" "))) // 2
        parts = raw.strip().split(" | ")
        said: dict[str, str] = {}
        # Fields come last; a title may itself hold ` | ` (`[R1] MUST | Define it`).
        while len(parts) > 1 and parts[-1].split("=", 1)[0] in _FIELDS:
            key, value = parts.pop().split("=", 1)
            said[key] = value
        facts.items.append((depth, " | ".join(parts), dict(sorted(said.items()))))
    return facts


def item_facts(item: Item) -> dict[str, str]:
    """An item's facts in the `.facts` notation, leaving out what it does not have."""
    refs = [f"{'pull:' if r.kind == 'pull' else ''}{r.repo or ''}#{r.number}" for r in item.refs]
    found = {
        "no": item.number or "",
        "status": item.status.value if item.status else "",
        "milestone": item.milestone or "",
        "owners": ",".join(item.owners),
        "refs": ",".join(refs),
        "tasks": f"{sum(t.done for t in item.tasks)}/{len(item.tasks)}" if item.tasks else "",
    }
    return dict(sorted((key, value) for key, value in found.items() if value))


def depths(roadmap: Roadmap) -> list[int]:
    level: dict[str, int] = {}
    for item in roadmap.items:
        level[item.id] = level[item.parent] + 1 if item.parent in level else 0
    return [level[item.id] for item in roadmap.items]


def parse_case(path: Path) -> Roadmap:
    return parse_roadmap(path.read_bytes().decode("utf-8"), source=path.name)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture_gives_its_hand_checked_facts(path: Path) -> None:
    facts = read_facts(path.with_suffix(".facts"))
    roadmap = parse_case(path)
    assert roadmap.title == facts.title
    assert roadmap.repo == facts.repo
    if facts.notes is not None:
        assert [note.title for note in roadmap.notes] == facts.notes
    found = [(depth, item.title, item_facts(item))
             for depth, item in zip(depths(roadmap), roadmap.items, strict=True)]
    assert found == facts.items


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture_with_sections_has_items(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    roadmap = parse_case(path)
    if roadmap.notes or any(line.startswith("## ") for line in text.splitlines()):
        assert roadmap.items


def test_every_fixture_names_its_source() -> None:
    with (FIXTURES / "INDEX.tsv").open(encoding="utf-8", newline="") as index:
        rows = list(csv.DictReader(index, delimiter="\t"))
    assert sorted(row["fixture"] for row in rows) == [path.name for path in CASES]
    for row in rows:
        assert row["repo"].count("/") == 1 and row["path"] and row["style"], row
    assert sorted(p.stem for p in FIXTURES.glob("*.facts")) == [p.stem for p in CASES]
