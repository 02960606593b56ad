"""`roadmap init`: a configuration from what a clone already says, and the CI workflow.

The repository comes from the `origin` remote (https or ssh), the label from the
roadmap's own label-query link (`issues?q=label:roadmap`). The settings go into
`[tool.roadmap]` of pyproject.toml when the folder has one (appended as text, so the
rest of the file keeps every byte), else into a roadmap.toml.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roadmap.config import DEFAULT_LABEL
from roadmap.errors import ConfigError, InputError, ProblemsFound

#: Where the roadmap usually lives, in the order looked at.
ROADMAP_NAMES = ("ROADMAP.md", "roadmap.md", "Roadmap.md", "docs/ROADMAP.md",
                 ".github/ROADMAP.md")
WORKFLOW = Path(".github/workflows/roadmap.yml")
#: The workflow the README shows (a test keeps the two the same).
WORKFLOW_FILE = Path(__file__).resolve().parent / "examples" / "roadmap.yml"

# https://github.com/o/r(.git), ssh://git@host/o/r(.git), git@host:o/r(.git), git://host/o/r
_REMOTE = re.compile(r"^(?:[a-z+]+://(?:[^@/]+@)?[^/]+(?::\d+)?/|[^@/:]+@[^:/]+:/?)"
                     r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<name>[A-Za-z0-9._-]{1,100}?)"
                     r"(?:\.git)?/?$")


@dataclass(slots=True)
class Detected:
    """What `init` found, and where each setting came from."""

    roadmap: str
    repo: str | None
    label: str
    #: Setting name to where it came from, in words.
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True, frozen=True)
class Written:
    """A file `init` wrote (as the user would name it), and what it put there."""

    path: str
    what: str


def parse_remote(url: str) -> str | None:
    """`owner/name` of a git remote URL in https, ssh or scp-like form, else None."""
    match = _REMOTE.match(url.strip())
    if match is None:
        return None
    name = match.group("name")
    return None if name in (".", "..") else f"{match.group('owner')}/{name}"


def read_origin(folder: Path) -> str | None:
    """The URL of the clone's `origin` remote, or None (no git, no clone, no origin)."""
    try:
        result = subprocess.run(["git", "-C", str(folder), "remote", "get-url", "origin"],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def detect(folder: Path) -> Detected:
    """The roadmap file, repository and label of the project in `folder`."""
    from roadmap.parse import parse_file

    found = next((name for name in ROADMAP_NAMES if (folder / name).is_file()), None)
    detected = Detected(found or "ROADMAP.md", None, DEFAULT_LABEL)
    detected.sources["roadmap"] = "found" if found else "not found yet: the default"
    origin = read_origin(folder)
    repo = parse_remote(origin) if origin else None
    if repo:
        detected.repo, detected.sources["repos"] = repo, "from the origin remote"
    if found:
        links = parse_file(folder / found).links
        labelled = [link for link in links if link.label]
        ours = [link for link in labelled if repo is None or
                (link.repo or "").lower() == repo.lower()] or labelled
        if ours:
            detected.label = ours[0].label or DEFAULT_LABEL
            detected.sources["label"] = f"from {found}'s label link (line {ours[0].line})"
        if detected.repo is None:
            linked = next((link.repo for link in links if link.repo), None)
            if linked:
                detected.repo, detected.sources["repos"] = linked, f"from {found}'s links"
    detected.sources.setdefault("label", "the default")
    return detected


def render_settings(detected: Detected) -> str:
    """The settings as TOML lines (no table header)."""
    lines = [f"roadmap = {_toml_string(detected.roadmap)}"]
    if detected.repo:
        lines.append(f"repos = [{_toml_string(detected.repo)}]")
    lines.append(f"label = {_toml_string(detected.label)}")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_first(folder: Path, force: bool, workflow: bool) -> None:
    """Refuse before writing anything, so a refusal leaves every file as it was."""
    if force:
        return
    if (folder / "roadmap.toml").exists():
        raise ProblemsFound("roadmap.toml exists already: nothing written (--force replaces it)")
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "roadmap" in _toml(pyproject).get("tool", {}):
        raise ProblemsFound("pyproject.toml has a [tool.roadmap] table already: nothing "
                         "written (--force replaces it)")
    if workflow and (folder / WORKFLOW).exists():
        raise ProblemsFound(f"{WORKFLOW} exists already: nothing written (--force replaces it)")


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path.name}: not valid TOML: {error}") from None


def write_config(folder: Path, detected: Detected) -> Written:
    """`[tool.roadmap]` into pyproject.toml if there is one (and no roadmap.toml, which
    would win), else a roadmap.toml."""
    settings = render_settings(detected)
    pyproject, own = folder / "pyproject.toml", folder / "roadmap.toml"
    if own.exists() or not pyproject.is_file():
        own.write_text(settings, encoding="utf-8")
        return Written("roadmap.toml", "the settings")
    text = pyproject.read_text(encoding="utf-8")
    table = "[tool.roadmap]\n" + settings
    if "roadmap" in _toml(pyproject).get("tool", {}):
        pyproject.write_text(_replace_table(text, table), encoding="utf-8")
        return Written("pyproject.toml", "[tool.roadmap] (replaced)")
    # Appended as text: tomllib only reads, and the rest of the file keeps every byte.
    gap = "" if not text.strip() else "\n" if text.endswith("\n") else "\n\n"
    pyproject.write_text(text + gap + table, encoding="utf-8")
    return Written("pyproject.toml", "[tool.roadmap]")


_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*roadmap[ \t]*\][ \t]*(?:#.*)?$",
                     re.MULTILINE)
_ANY_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)


def _replace_table(text: str, table: str) -> str:
    """`text` with its `[tool.roadmap]` table (header to the next header) replaced."""
    header = _HEADER.search(text)
    if header is None:  # set by dotted keys under [tool]: not a table to cut out
        raise InputError("pyproject.toml: tool.roadmap is not a [tool.roadmap] table; "
                         "edit it by hand")
    following = _ANY_HEADER.search(text, header.end())
    rest = text[following.start():] if following else ""
    return text[:header.start()] + table + ("\n" + rest if rest else "")


def write_workflow(folder: Path) -> Written:
    """The README's GitHub Actions workflow, as .github/workflows/roadmap.yml."""
    target = folder / WORKFLOW
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(workflow_text(), encoding="utf-8")
    return Written(str(WORKFLOW), "the GitHub Actions workflow")


def workflow_text() -> str:
    """The workflow of the README's "GitHub Actions" section."""
    return WORKFLOW_FILE.read_text(encoding="utf-8")


def render_init(detected: Detected, written: list[Written]) -> str:
    """What `init` wrote, and where each setting came from."""
    lines = [f"wrote {entry.what} to {entry.path}" for entry in written]
    lines.append(f"  roadmap = {_toml_string(detected.roadmap)} ({detected.sources['roadmap']})")
    if detected.repo:
        lines.append(f"  repos = [{_toml_string(detected.repo)}] ({detected.sources['repos']})")
    else:
        lines.append('  repos: none found (no origin remote); add repos = ["OWNER/NAME"] '
                     "to sync")
    lines.append(f"  label = {_toml_string(detected.label)} ({detected.sources['label']})")
    return "\n".join(lines)
