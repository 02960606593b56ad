"""The `roadmap` command line: click commands only.

Each command reads its options, calls one core function and prints the result.
Cores are imported inside the commands so `roadmap --help` stays fast; errors are
turned into one line and an exit code in `RoadmapGroup.invoke`, nowhere else.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from roadmap import __version__
from roadmap.errors import EXIT_PROBLEMS, ProblemsFound, RoadmapError

if TYPE_CHECKING:
    from roadmap.config import Config
    from roadmap.model import Roadmap

EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class RoadmapGroup(click.Group):
    """Runs a command and turns every RoadmapError into one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RoadmapError as error:
            if _verbose(ctx):
                raise
            _fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # a bug: one line, and the traceback on request
            if _verbose(ctx):
                raise
            _fail(f"internal error: {type(error).__name__}: {error} "
                  "(run with -v for the traceback)", EXIT_INTERNAL)


def _verbose(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.get("verbose"))


def _fail(message: str, code: int) -> None:
    from roadmap.output import terminal_safe

    click.echo(f"roadmap: {terminal_safe(message)}", err=True)
    sys.exit(code)


@click.group(cls=RoadmapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Configuration file (default: roadmap.toml or [tool.roadmap] in "
                   "pyproject.toml, searched upwards).")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks and debug logging.")
@click.version_option(__version__, prog_name="roadmap")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, verbose: bool) -> None:
    """Keep ROADMAP.md and the GitHub issues labelled `roadmap` in step.

    Exit codes: 0 ok, 1 problems found, 2 usage or input error, 3 internal error.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(config_path=config_path, verbose=verbose)


def _config(ctx: click.Context) -> Config:
    from roadmap.config import load_config

    return load_config(ctx.obj["config_path"])


def _parse(ctx: click.Context, file: Path | None, repo: str | None) -> Roadmap:
    """Parse FILE, or the configured roadmap, resolving `#123` against the chosen repo."""
    from roadmap.model import parse_repo
    from roadmap.parse import parse_file

    config = _config(ctx)
    repo = parse_repo(repo) if repo else (config.repos[0] if config.repos else None)
    return parse_file(file or _relative(config.roadmap), repo=repo)


def _relative(path: Path) -> Path:
    """A path as the user would type it: relative when it lies under the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


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
    from roadmap.output import render_json, render_tree

    roadmap = _parse(ctx, file, repo)
    click.echo(render_json(roadmap.to_dict()) if as_json else render_tree(roadmap))


@main.command()
@_FILE
@_REPO
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.pass_context
def lint(ctx: click.Context, file: Path | None, repo: str | None, strict: bool) -> None:
    """Report problems as FILE:LINE: SEVERITY: MESSAGE; exit 1 when there is an error."""
    from roadmap.lint import lint_roadmap
    from roadmap.output import render_problems

    roadmap = _parse(ctx, file, repo)
    problems = lint_roadmap(roadmap)
    if problems:
        click.echo(render_problems(roadmap.source, problems))
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        raise ProblemsFound(f"{roadmap.source}: {len(failing)} problem(s) found")


@main.command()
@click.pass_context
def build(ctx: click.Context) -> None:
    """The main job: read the configured ROADMAP.md, check it, and summarise it."""
    from roadmap.lint import lint_roadmap
    from roadmap.output import render_problems, render_tree

    roadmap = _parse(ctx, None, None)
    click.echo(render_tree(roadmap))
    problems = lint_roadmap(roadmap)
    if problems:
        click.echo(render_problems(roadmap.source, problems), err=True)
    if any(p.severity == "error" for p in problems):
        sys.exit(EXIT_PROBLEMS)
