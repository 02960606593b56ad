"""ROADMAP.md into structured items: `parse_roadmap` for text, `parse_file` for a path."""

from __future__ import annotations

from pathlib import Path

from roadmap.collector import collector_paused
from roadmap.config import Config, as_typed
from roadmap.model import Roadmap
from roadmap.parse.markdown import normalise, split_toml_front_matter, tokenize
from roadmap.parse.source import read_source
from roadmap.parse.walk import reads_paragraph, walk_tokens

__all__ = ["parse_configured", "parse_file", "parse_roadmap"]


def parse_roadmap(text: str, source: str = "ROADMAP.md", repo: str | None = None) -> Roadmap:
    """Parse roadmap text; `repo` (`owner/name`) resolves bare `#123` references."""
    text, front_title = split_toml_front_matter(normalise(text))
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    with collector_paused():  # the tokens all live until the walk is done
        return walk_tokens(tokenize(text, reads_paragraph), source, lines, front_title, repo)


def parse_file(path: Path, repo: str | None = None) -> Roadmap:
    """Read and parse a roadmap file; bad input raises InputError with one clear line."""
    return parse_roadmap(read_source(path), source=str(path), repo=repo)


def parse_configured(config: Config) -> Roadmap:
    """The configured roadmap file, parsed, its source named as the user would type it."""
    return parse_file(as_typed(config.roadmap), repo=config.default_repo)
