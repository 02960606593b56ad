"""Shared helpers: the repository root, the shared corpus, and running the CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from roadmap.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "roadmaps"
MOBY_2017 = CORPUS / "moby__moby__ROADMAP__de86d33.md"


def run(*args: str) -> Result:
    """Run the `roadmap` CLI in-process, as a user would from the current folder."""
    return CliRunner().invoke(main, list(args))
