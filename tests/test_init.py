"""Getting started: `roadmap init` in a real git clone, a folder with no project, the
distribution name, the exit codes `--help` lists and close-match config suggestions."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from roadmap.config import load_config
from roadmap.errors import ConfigError
from roadmap.init import parse_remote, workflow_text

from .conftest import ROOT, run

ROADMAP = """\
# Widgets roadmap

See the [roadmap issues](https://github.com/acme/widgets/issues?q=is%3Aopen+label%3Aplan).

## 1. Faster startup

Tracked in #1.
"""

PYPROJECT = """\
# The project's own settings: init must keep every byte of them.
[project]
name = "widgets"   # a comment
version = "1.0"

[tool.ruff]
line-length = 100
"""


def clone(folder: Path, origin: str | None) -> Path:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    if origin:
        subprocess.run(["git", "-C", str(folder), "remote", "add", "origin", origin],
                       check=True)
    return folder


@pytest.fixture
def project(tmp_path, monkeypatch):
    clone(tmp_path, "git@github.com:acme/widgets.git")
    (tmp_path / "ROADMAP.md").write_text(ROADMAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("url", "repo"), [
    ("https://github.com/acme/widgets.git", "acme/widgets"),
    ("https://github.com/acme/widgets", "acme/widgets"),
    ("https://user@github.com/acme/widgets.git/", "acme/widgets"),
    ("git@github.com:acme/widgets.git", "acme/widgets"),
    ("ssh://git@github.com/acme/widgets.git", "acme/widgets"),
    ("ssh://git@github.example.com:2222/acme/my.widgets.git", "acme/my.widgets"),
    ("git://github.com/acme/widgets", "acme/widgets"),
    ("/srv/git/widgets.git", None),
    ("https://github.com/acme", None),
])
def test_remote_forms(url, repo):
    assert parse_remote(url) == repo


def test_init_writes_roadmap_toml_from_the_clone_and_the_roadmap(project):
    result = run("init")
    assert result.exit_code == 0, result.output + result.stderr
    assert "wrote the settings to roadmap.toml" in result.output
    assert "from the origin remote" in result.output
    assert "label link" in result.output
    settings = tomllib.loads((project / "roadmap.toml").read_text(encoding="utf-8"))
    assert settings == {"roadmap": "ROADMAP.md", "repos": ["acme/widgets"], "label": "plan"}
    config = load_config(None, start=project)
    assert config.repos == ("acme/widgets",) and config.label == "plan"
    assert not (project / ".roadmap").exists()


def test_init_https_origin(tmp_path, monkeypatch):
    clone(tmp_path, "https://github.com/Octo-Org/hello.world.git")
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0, result.stderr
    settings = tomllib.loads((tmp_path / "roadmap.toml").read_text(encoding="utf-8"))
    assert settings["repos"] == ["Octo-Org/hello.world"]
    assert settings["label"] == "roadmap"  # no roadmap yet: the default
    assert "not found yet" in result.output


def test_init_appends_to_pyproject_keeping_every_byte(project):
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    result = run("init")
    assert result.exit_code == 0, result.stderr
    assert "wrote [tool.roadmap] to pyproject.toml" in result.output
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(PYPROJECT)
    data = tomllib.loads(text)
    assert data["tool"]["roadmap"]["repos"] == ["acme/widgets"]
    assert data["tool"]["ruff"] == {"line-length": 100}
    assert not (project / "roadmap.toml").exists()


def test_init_refuses_to_overwrite_without_force(project):
    (project / "pyproject.toml").write_text(PYPROJECT + '\n[tool.roadmap]\nlabel = "old"\n'
                                            '\n[tool.other]\nx = 1\n', encoding="utf-8")
    before = (project / "pyproject.toml").read_bytes()
    result = run("init", "--workflow")
    assert result.exit_code == 1
    assert "already" in result.stderr and "--force" in result.stderr
    assert (project / "pyproject.toml").read_bytes() == before
    assert not (project / ".github").exists()

    result = run("init", "--force")
    assert result.exit_code == 0, result.stderr
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["tool"]["roadmap"]["label"] == "plan"
    assert data["tool"]["other"] == {"x": 1}  # the table after it is kept
    assert data["project"]["name"] == "widgets"


def test_init_refuses_over_a_roadmap_toml(project):
    (project / "roadmap.toml").write_text('label = "mine"\n', encoding="utf-8")
    result = run("init")
    assert result.exit_code == 1
    assert (project / "roadmap.toml").read_text(encoding="utf-8") == 'label = "mine"\n'


def test_init_workflow_is_the_readmes(project):
    result = run("init", "--workflow")
    assert result.exit_code == 0, result.stderr
    assert "wrote the GitHub Actions workflow to .github/workflows/roadmap.yml" in result.output
    written = (project / ".github" / "workflows" / "roadmap.yml").read_text(encoding="utf-8")
    assert written == workflow_text()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```yaml\n{written}```" in readme
    assert "roadmap-tool @ git+" in written
    again = run("init", "--workflow")
    assert again.exit_code == 1  # both exist now


def test_init_without_origin_says_so(tmp_path, monkeypatch):
    clone(tmp_path, None)
    (tmp_path / "ROADMAP.md").write_text("# Plan\n\n## One\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0, result.stderr
    assert "repos: none found" in result.output
    assert "repos" not in tomllib.loads((tmp_path / "roadmap.toml").read_text("utf-8"))


# -- a folder with no project ------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("status",), ("who",), ("available",), ("issues",), ("report",), ("site", "build"),
    ("db", "current"), ("report", "--format", "md"), ("link", "1", "x", "--repo", "a/b"),
])
def test_no_roadmap_no_configuration_says_so_and_makes_nothing(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROADMAP_DATABASE_URL", raising=False)
    result = run(*args)
    assert result.exit_code == 2, result.output + result.stderr
    assert result.stderr.count("\n") == 1
    assert "no roadmap here" in result.stderr and "roadmap init" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_store_is_still_read_without_a_roadmap(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("import", str(ROOT / "roadmap" / "examples" / "roadmap-issues.json")
               ).exit_code == 0
    result = run("issues")
    assert result.exit_code == 0, result.stderr
    assert "roadmap-tool/roadmap#" in result.output


# -- names, exit codes, configuration ----------------------------------------------------------


def test_distribution_name_is_free_of_the_pypi_roadmap_package():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["name"] == "roadmap-tool"
    assert data["project"]["scripts"] == {"roadmap": "roadmap.cli:main"}
    assert "roadmap_tool-*.whl" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install roadmap-tool" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_help_lists_the_readmes_exit_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n###", 1)[0]
    documented = re.findall(r"^\| (\d+) \|", table, re.MULTILINE)
    assert documented == ["0", "1", "2", "3", "4", "130"]
    text = " ".join(run("--help").output.split())
    said = re.search(r"Exit codes: (.*?)\.", text)
    assert said is not None
    assert re.findall(r"(?:^|, )(\d+) ", said.group(1)) == documented


@pytest.mark.parametrize(("content", "hint"), [
    ('repo = ["acme/widgets"]\n', "did you mean `repos`?"),
    ('lable = "roadmap"\n', "did you mean `label`?"),
    ('claim_expiry = 10\n', "did you mean `claim_expiry_days`?"),
])
def test_unknown_setting_gets_a_close_match(tmp_path, content, hint):
    path = tmp_path / "roadmap.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(hint)):
        load_config(path)


def test_unknown_setting_far_from_any_gets_no_guess(tmp_path):
    path = tmp_path / "roadmap.toml"
    path.write_text('colour = "blue"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert "did you mean" not in str(raised.value)
