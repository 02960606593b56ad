"""The real roadmaps in ../shared/corpus: the Moby archetype exactly, and every file parses.

That folder holds other projects' prose and lives beside the repository, not in it; the
project's own fixtures (tests/fixtures/parse) cover the same styles when it is absent.
"""

from __future__ import annotations

import json

import pytest

from roadmap.parse import parse_file
from roadmap.parse.lint import lint_roadmap

from .conftest import CORPUS, MOBY_2017, run

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
CORPUS_FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


@needs_corpus
def test_moby_2017_archetype():
    result = run("parse", str(MOBY_2017), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["title"] == "Moby Project Roadmap"
    items = data["items"]
    assert [(i["number"], i["title"]) for i in items] == [
        ("1", "Features and refactoring"), ("1.1", "Runtime improvements"),
        ("1.2", "Internal decoupling"), ("1.3", "Custom assembly tooling"),
    ]
    assert (items[0]["level"], items[0]["line"], items[0]["parent"]) == (1, 34, None)
    assert {i["parent"] for i in items[1:]} == {items[0]["id"]}
    assert [i["anchor"] for i in items[:2]] == ["1-features-and-refactoring",
                                                 "11-runtime-improvements"]
    assert [n["title"] for n in data["notes"]] == [
        "How should I use this document?", "How can I help?",
        "How can I add something to the roadmap?",
    ]
    assert [(link["repo"], link["label"]) for link in data["links"]] == [("moby/moby", "roadmap")]


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_file_parses(path):
    result = run("parse", str(path))
    assert result.exit_code == 0, result.output
    roadmap = parse_file(path)
    assert len(roadmap.items) <= len(path.read_text(encoding="utf-8").splitlines())
    assert not [p for p in lint_roadmap(roadmap) if p.code == "duplicate-id"]
    for item in roadmap.items:
        assert item.title.strip()
        assert 1 <= item.line <= item.end_line


@needs_corpus
def test_corpus_item_counts_are_sensible():
    counts = {path.name: len(parse_file(path).items) for path in CORPUS_FILES}
    # Documents with structure give items; a pointer with no sections gives none.
    assert counts["etcd-io__etcd__Documentation__contributor-guide__roadmap.md"] >= 20
    assert counts["kubernetes-sigs__cluster-api__docs__book__src__roadmap.md"] >= 20
    assert counts["docker__engine__ROADMAP.md"] == 6
    # Every section of the Tekton guide explains the board: the document is one item.
    assert counts["tektoncd__pipeline__roadmap.md"] == 1
    assert sum(1 for n in counts.values() if n > 0) >= len(counts) - 4
