"""The README's two workflows are what actionlint accepts, with the permissions each needs
(the same check `.ci/run` makes with `.ci/workflows.py`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from .conftest import ROOT


def _workflows() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_workflows", ROOT / ".ci" / "workflows.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_shows_both_workflows_with_their_permissions():
    found = _workflows().extract_workflows((ROOT / "README.md").read_text(encoding="utf-8"))
    assert sorted(found) == [".github/workflows/roadmap-respond.yml",
                             ".github/workflows/roadmap.yml"]
    build, respond = found[".github/workflows/roadmap.yml"], found[
        ".github/workflows/roadmap-respond.yml"]
    for needed in ("pages: write", "id-token: write", "issues: read", "pull-requests: read",
                   "roadmap build"):
        assert needed in build
    for needed in ("issues: write", "pull-requests: read", "issue_comment:", "schedule:",
                   "run: roadmap respond"):
        assert needed in respond


def test_actionlint_accepts_the_readme_workflows():
    result = _workflows().check(ROOT / "README.md")
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_does_find_a_broken_workflow(tmp_path: Path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    broken = readme.replace("  issues: write\n", "  issues: scribble\n", 1)
    assert broken != readme
    (tmp_path / "README.md").write_text(broken, encoding="utf-8")
    result = _workflows().check(tmp_path / "README.md")
    assert result.returncode == 1
    assert "scribble" in result.stdout
