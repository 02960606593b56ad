"""The built wheel: it carries the data folders and the entry point, and runs installed.

The wheel is built from this checkout with pip. With hatchling installed beside pytest
(the dev extra) the build runs offline (`--no-build-isolation`); without it pip fetches
hatchling into an isolated build environment, which needs the package index.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA_FOLDERS = ("templates", "migrations", "site")

SAMPLE_ROADMAP = """\
# Sample roadmap

What comes next.

## Parse the roadmap

- [x] read the file
- [ ] lint it

## Publish the site
"""


def _run(args: list[str], cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, (
        f"{args} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    args = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        args.append("--no-build-isolation")
    _run([*args, str(REPO)])
    wheels = sorted(out.glob("roadmap_tool-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the wheel installed alone, to put first on PYTHONPATH."""
    target = tmp_path_factory.mktemp("installed") / "site"
    _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
          str(wheel)])
    return target


def test_wheel_carries_code_data_and_entry_point(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "roadmap/cli/__init__.py" in names
        assert "roadmap/__init__.py" in names
        for folder in DATA_FOLDERS:
            prefix = f"roadmap/_data/{folder}/"
            assert any(name.startswith(prefix) for name in names), f"no {prefix} in {wheel.name}"
        # Nothing from the checkout beyond the package itself.
        assert not [n for n in names if not n.startswith(("roadmap/", "roadmap_tool-"))]
        assert "roadmap/examples/roadmap.yml" in names  # what `roadmap init --workflow` writes

        # `roadmap` on PyPI is someone else's package: the distribution is roadmap-tool,
        # the import package and the command stay `roadmap`.
        metadata = [n for n in names if n.endswith(".dist-info/METADATA")]
        assert len(metadata) == 1, metadata
        assert "\nName: roadmap-tool\n" in archive.read(metadata[0]).decode("utf-8")

        entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert len(entry_points) == 1, entry_points
        parser = configparser.ConfigParser()
        parser.read_string(archive.read(entry_points[0]).decode("utf-8"))
    assert parser.get("console_scripts", "roadmap").strip() == "roadmap.cli:main"


def _python(code: str, site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` with the installed copy first on the path, away from the checkout."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("PYTHONHOME", None)
    return _run([sys.executable, "-c", code], cwd=cwd, env=env)


def test_installed_wheel_is_imported_with_its_data(installed: Path, tmp_path: Path) -> None:
    code = (
        "import json, roadmap, roadmap.cli; from pathlib import Path; "
        "package = Path(roadmap.__file__).resolve().parent; "
        "print(json.dumps({'package': str(package), 'version': roadmap.__version__, "
        "'data': sorted(p.name for p in (package / '_data').iterdir() if p.is_dir())}))"
    )
    report = json.loads(_python(code, installed, tmp_path).stdout)
    package = Path(report["package"])
    assert package.is_relative_to(installed.resolve()), (
        f"imported {package}, not the installed wheel under {installed}"
    )
    assert not package.is_relative_to(REPO)
    assert set(DATA_FOLDERS) <= set(report["data"])


def test_installed_wheel_parses_a_roadmap(installed: Path, tmp_path: Path) -> None:
    roadmap_file = REPO / "ROADMAP.md"
    if not roadmap_file.is_file():  # not written yet: a small stand-in
        roadmap_file = tmp_path / "ROADMAP.md"
        roadmap_file.write_text(SAMPLE_ROADMAP, encoding="utf-8")
    code = (
        "import sys, roadmap.cli; "
        f"sys.argv = ['roadmap', 'parse', {str(roadmap_file)!r}, '--json']; "
        "roadmap.cli.main()"
    )
    data = json.loads(_python(code, installed, tmp_path).stdout)
    assert isinstance(data["items"], list)
    assert len(data["items"]) > 0
    assert all(item["title"] for item in data["items"])
