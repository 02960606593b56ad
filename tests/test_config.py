"""Configuration: found upwards, validated, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap.config import find_config, load_config
from roadmap.errors import ConfigError

from .conftest import run


def test_defaults_without_a_file(tmp_path):
    (tmp_path / ".git").mkdir()
    config = load_config(None, start=tmp_path)
    assert config.roadmap == tmp_path / "ROADMAP.md"
    assert (config.repos, config.label, config.claim_expiry_days) == ((), "roadmap", 30)


def test_pyproject_table_found_from_a_subfolder(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.roadmap]\nroadmap = "docs/ROADMAP.md"\n'
        'repos = ["moby/moby"]\nlabel = "area/roadmap"\nclaim_expiry_days = 14\n',
        encoding="utf-8")
    sub = tmp_path / "src" / "pkg"
    sub.mkdir(parents=True)
    assert find_config(sub) == tmp_path / "pyproject.toml"
    config = load_config(None, start=sub)
    assert config.roadmap == tmp_path / "docs" / "ROADMAP.md"
    assert config.repos == ("moby/moby",)
    assert (config.label, config.claim_expiry_days) == ("area/roadmap", 14)


def test_pyproject_without_the_table_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / ".git").mkdir()
    assert find_config(tmp_path) is None


def test_roadmap_toml_wins_in_the_same_folder(tmp_path):
    (tmp_path / "roadmap.toml").write_text('label = "plan"\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.roadmap]\nlabel = "x"\n', encoding="utf-8")
    assert load_config(None, start=tmp_path).label == "plan"


@pytest.mark.parametrize(("content", "message"), [
    ('repos = "moby/moby"\n', "repos must be a list"),
    ('repos = ["moby"]\n', "not a repository (expected OWNER/NAME): 'moby'"),
    ('claim_expiry_days = "30"\n', "claim_expiry_days must be a int"),
    ('claim_expiry_days = true\n', "claim_expiry_days must be a int"),
    ('colour = "blue"\n', "unknown setting 'colour'"),
    ('label = \n', "not valid TOML"),
])
def test_bad_configuration_is_one_line(tmp_path, content, message):
    path = tmp_path / "roadmap.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(path)
    result = run("--config", str(path), "parse")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"roadmap: {path}")
    assert result.stderr.count("\n") == 1


def test_missing_config_file_is_an_error(tmp_path):
    result = run("--config", str(tmp_path / "nope.toml"), "lint")
    assert result.exit_code == 2
    assert "no such configuration file" in result.stderr


def test_config_repo_resolves_bare_references(tmp_path, monkeypatch):
    (tmp_path / "roadmap.toml").write_text('repos = ["acme/widgets"]\n', encoding="utf-8")
    Path(tmp_path / "ROADMAP.md").write_text("# P\n\n## Item\n\nSee #5.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("parse", "--json")
    assert '"url": "https://github.com/acme/widgets/issues/5"' in result.output
