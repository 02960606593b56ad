"""The command line: help for every command, fast --help, one-line errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from roadmap import __version__
from roadmap.cli import main

from .conftest import ROOT, run


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # loads the lazily loaded commands too
        command = group.get_command(ctx, name)
        assert command is not None, f"`roadmap {prefix}{name}` is listed but not defined"
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(main))
def test_every_command_has_help(name, command):
    assert command.help and command.help.strip(), f"`roadmap {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"`roadmap {name}` option {param.opts} has no help text"
    result = run(*name.split(), "--help")
    assert result.exit_code == 0
    assert command.help.split("\n")[0].strip()[:30] in result.output


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_imports_no_heavy_library():
    """`roadmap --help` stays fast: the cores and their libraries load only when used."""
    code = (
        "import sys\n"
        "from roadmap.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ['github', 'sqlalchemy', 'alembic', 'jinja2', 'markdown_it', 'rich',"
        " 'roadmap.parse']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_parse_json_shape(tmp_path):
    roadmap = tmp_path / "ROADMAP.md"
    roadmap.write_text("# Plan\n\n## 1. Ship it ✅\n\nOwner: @alice\n\n- [x] done #7\n",
                       encoding="utf-8")
    result = run("parse", str(roadmap), "--json", "--repo", "acme/widgets")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["source", "title", "repo", "items", "notes", "links"]
    (item,) = data["items"]
    assert list(item) == ["id", "number", "title", "level", "parent", "line", "end_line",
                          "anchor", "body", "refs", "owners", "status", "tasks", "milestone"]
    assert item["status"] == {"value": "done", "raw": "✅"}
    assert item["owners"] == ["alice"]
    assert item["refs"] == [{"kind": "issue", "repo": "acme/widgets", "number": 7,
                             "url": "https://github.com/acme/widgets/issues/7"}]
    assert item["tasks"] == [{"text": "done #7", "done": True, "line": 7}]


def test_parse_tree(tmp_path):
    roadmap = tmp_path / "ROADMAP.md"
    roadmap.write_text("# Plan\n\n## 1. Ship it\n\n### 1.1 Docs 🚧\n\n- [ ] write #3\n",
                       encoding="utf-8")
    result = run("parse", str(roadmap), "--repo", "acme/widgets")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Plan")
    assert lines[1] == "1 Ship it"
    assert lines[2] == "  1.1 Docs  [in-progress] 1 ref 0/1 tasks"


def test_parse_says_when_there_are_no_items(tmp_path):
    roadmap = tmp_path / "ROADMAP.md"
    roadmap.write_text("Just a paragraph about plans.\n", encoding="utf-8")
    result = run("parse", str(roadmap))
    assert result.exit_code == 0
    assert "no roadmap items found" in result.output


def test_parse_uses_configured_roadmap(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "plan.md").write_text("# Plan\n\n## Faster builds\n", encoding="utf-8")
    (tmp_path / "roadmap.toml").write_text('roadmap = "docs/plan.md"\nrepos = ["a/b"]\n',
                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("parse", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["source"] == str(Path("docs/plan.md"))
    assert data["repo"] == "a/b"
    assert [i["title"] for i in data["items"]] == ["Faster builds"]


def test_lint_exit_codes(tmp_path):
    roadmap = tmp_path / "ROADMAP.md"
    roadmap.write_text("# Plan\n\n## 1. A\n\n## 1. B\n", encoding="utf-8")
    result = run("lint", str(roadmap))
    assert result.exit_code == 1
    assert f"{roadmap}:5: error: number 1 is used twice" in result.output
    assert "problem(s) found" in result.stderr

    roadmap.write_text("# Plan\n\n## 1. A\n\n## 3. B\n", encoding="utf-8")
    result = run("lint", str(roadmap))
    assert result.exit_code == 0
    assert f"{roadmap}:5: warning: numbering gap: 3 follows 1" in result.output
    assert run("lint", str(roadmap), "--strict").exit_code == 1


def test_lint_clean_file_prints_nothing(tmp_path):
    roadmap = tmp_path / "ROADMAP.md"
    roadmap.write_text("# Plan\n\n## 1. A\n\n## 2. B\n", encoding="utf-8")
    result = run("lint", str(roadmap))
    assert (result.exit_code, result.output) == (0, "")


def test_build_runs_on_this_repository(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("roadmap Project Roadmap — ROADMAP.md:")


def test_own_roadmap_lints_clean():
    result = run("lint", str(ROOT / "ROADMAP.md"), "--strict")
    assert (result.exit_code, result.output) == (0, "")


def test_usage_error_is_exit_2():
    result = run("parse", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_malformed_repo_is_one_line(tmp_path):
    roadmap = tmp_path / "ROADMAP.md"
    roadmap.write_text("# Plan\n", encoding="utf-8")
    result = run("parse", str(roadmap), "--repo", "not a repo")
    assert result.exit_code == 2
    assert result.stderr == "roadmap: not a repository (expected OWNER/NAME): 'not a repo'\n"


def test_verbose_shows_the_traceback(tmp_path):
    missing = tmp_path / "nope.md"
    result = run("-v", "parse", str(missing))
    assert result.exit_code != 0
    assert result.exception is not None
    assert type(result.exception).__name__ == "InputError"
