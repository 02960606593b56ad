"""Take the GitHub Actions workflows out of README.md and check them with actionlint.

Every fenced `yaml` block whose first line is `# .github/workflows/NAME.yml` is written to
that path under a scratch folder (actionlint reads workflows there), then actionlint runs
over them. Exit 1 when it finds a problem, or when the README shows no workflow at all.

    python .ci/workflows.py [README.md]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BLOCK = re.compile(r"^```yaml\n(# (\.github/workflows/[\w.-]+\.ya?ml)\n.*?)^```$",
                   re.MULTILINE | re.DOTALL)


def extract_workflows(readme: str) -> dict[str, str]:
    """Each workflow the README shows, by its path."""
    return {match[2]: match[1] for match in BLOCK.finditer(readme)}


def actionlint() -> str:
    """The actionlint beside this Python (the venv's), else on PATH."""
    here = Path(sys.executable).parent / "actionlint"
    found = str(here) if here.exists() else shutil.which("actionlint")
    if found is None:
        raise SystemExit("actionlint is not installed (pip install -e '.[dev]')")
    return found


def check(readme: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint over the README's workflows; its output and exit code."""
    workflows = extract_workflows(readme.read_text(encoding="utf-8"))
    if not workflows:
        raise SystemExit(f"{readme}: no `# .github/workflows/...` YAML block")
    with tempfile.TemporaryDirectory() as scratch:
        for path, text in workflows.items():
            target = Path(scratch) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return subprocess.run([actionlint(), "-no-color", *workflows], cwd=scratch,
                              capture_output=True, text=True, check=False)


def main() -> int:
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    result = check(readme)
    sys.stdout.write(result.stdout + result.stderr)
    names = ", ".join(extract_workflows(readme.read_text(encoding="utf-8")))
    print(f"actionlint: {names}: {'ok' if result.returncode == 0 else 'problems found'}")
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
