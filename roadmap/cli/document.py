"""Commands on the roadmap document: `roadmap init`, `roadmap parse`, `roadmap lint`."""

from __future__ import annotations

from pathlib import Path

import click

from roadmap.cli.app import (
    _parse,
    main,
)
from roadmap.errors import ProblemsFound


@main.command()
@click.option("--workflow", is_flag=True,
              help="Also write the GitHub Actions workflow (.github/workflows/roadmap.yml).")
@click.option("--force", is_flag=True, help="Replace an existing configuration (and workflow).")
def init(workflow: bool, force: bool) -> None:
    """Write [tool.roadmap] (or roadmap.toml) with the repository and label detected here."""
    from roadmap.init import check_first, detect, render_init, write_config, write_workflow

    folder = Path.cwd()
    check_first(folder, force, workflow)
    detected = detect(folder)
    written = [write_config(folder, detected)]
    if workflow:
        written.append(write_workflow(folder))
    click.echo(render_init(detected, written))


_FILE = click.argument("file", required=False, type=click.Path(path_type=Path))


_REPO = click.option("--repo", metavar="OWNER/NAME",
                     help="Repository that bare #123 references point at.")


@main.command()
@_FILE
@_REPO
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@click.pass_context
def parse(ctx: click.Context, file: Path | None, repo: str | None, as_json: bool) -> None:
    """Print the structured items of a roadmap file (default: the configured ROADMAP.md)."""
    from roadmap.cli.output import render_roadmap_json, render_tree

    roadmap = _parse(ctx, file, repo)
    if as_json:
        # JSON escapes every control character: no ANSI code to strip, so no scan of the
        # whole text for one, which click makes when the output is piped (`color=True`);
        # the newline apart, as appending it would copy the whole text.
        click.echo(render_roadmap_json(roadmap), color=True, nl=False)
        click.echo()
    else:
        click.echo(render_tree(roadmap))


@main.command()
@_FILE
@_REPO
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.pass_context
def lint(ctx: click.Context, file: Path | None, repo: str | None, strict: bool) -> None:
    """Report problems as FILE:LINE: SEVERITY: MESSAGE; exit 1 when there is an error."""
    from roadmap.cli.output import render_problems
    from roadmap.parse.lint import lint_roadmap

    roadmap = _parse(ctx, file, repo)
    problems = lint_roadmap(roadmap)
    if problems:
        click.echo(render_problems(roadmap.source, problems))
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        raise ProblemsFound(f"{roadmap.source}: {len(failing)} problem(s) found")
