"""The `roadmap` group: its options, the one place errors become a line and an exit code,
and what every command shares (the configuration, the store, the roadmap, the clock).

Cores are imported inside the commands so `roadmap --help` stays fast."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from roadmap import __version__
from roadmap.errors import InputError, RoadmapError

if TYPE_CHECKING:
    from datetime import datetime

    from roadmap.config import Config
    from roadmap.github.client import GitHubClient
    from roadmap.model import Item, Roadmap
    from roadmap.store import Store
    from roadmap.track.status import Overview

EXIT_INTERNAL = 3

EXIT_INTERRUPTED = 130

#: The module of `roadmap.cli` that defines each command. A command loads only its own
#: module, so `roadmap parse` imports none of the others' (click's lazy subcommands);
#: `--help`, which lists them all, loads them all.
COMMAND_MODULES = {
    "init": "document", "parse": "document", "lint": "document",
    "build": "publish", "site": "publish", "report": "publish",
    "sync": "data", "issues": "data", "import": "data", "db": "data",
    "who": "work", "available": "work", "status": "work", "claim": "work",
    "unclaim": "work", "link": "work", "unlink": "work",
    "respond": "answer", "webhook": "answer",
}


class RoadmapGroup(click.Group):
    """Runs a command and turns every RoadmapError into one line and its exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"roadmap.cli.{module}")  # its decorators add it
        return super().get_command(ctx, cmd_name)

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
    from roadmap.cli.output import terminal_safe

    click.echo(f"roadmap: {terminal_safe(message)}", err=True)
    sys.exit(code)

@click.group(cls=RoadmapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", metavar="URL", envvar="ROADMAP_DATABASE_URL",
              help="SQLAlchemy database URL (env ROADMAP_DATABASE_URL; default: SQLite "
                   "file .roadmap/roadmap.db beside the roadmap).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Configuration file (default: roadmap.toml or [tool.roadmap] in "
                   "pyproject.toml, searched upwards).")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks and debug logging.")
@click.version_option(__version__, prog_name="roadmap")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, config_path: Path | None,
         verbose: bool) -> None:
    """Keep ROADMAP.md and the GitHub issues labelled `roadmap` in step.

    \b
    Exit codes: 0 ok, 1 problems found or a refused request, 2 usage or input
    error, 3 internal error, 4 `sync --no-wait` stopped at the rate limit,
    130 interrupted.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(config_path=config_path, verbose=verbose, db_url=db_url)
    if verbose:
        import logging

        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("roadmap").setLevel(logging.DEBUG)

def _config(ctx: click.Context) -> Config:
    """The configuration, read once per command."""
    from roadmap.config import load_config

    if "config" not in ctx.obj:
        ctx.obj["config"] = load_config(ctx.obj["config_path"])
    config: Config = ctx.obj["config"]
    return config

def _parse(ctx: click.Context, file: Path | None, repo: str | None) -> Roadmap:
    """Parse FILE, or the configured roadmap, resolving `#123` against the chosen repo."""
    from roadmap.parse import parse_file

    config = _config(ctx)
    repo = config.repo_or_default(repo)
    return parse_file(file or _relative(config.roadmap), repo=repo)

def _relative(path: Path) -> Path:
    """A path as the user would type it: relative when it lies under the current folder."""
    from roadmap.config import as_typed

    return as_typed(path)

def _store(ctx: click.Context, create: bool = False) -> Store:
    """The store named by --db / ROADMAP_DATABASE_URL, or the default SQLite file.

    Without `create` (only `sync` and `import` fill a store from nothing), a folder with
    no roadmap, no configuration and no store is refused before anything is made there.
    """
    from roadmap.store import Store

    if "store" not in ctx.obj:  # opened (and its schema checked) once per command
        store = Store.open(_store_url(ctx, create))
        ctx.call_on_close(store.close)
        ctx.obj["store"] = store
    opened: Store = ctx.obj["store"]
    return opened

def _record_history(ctx: click.Context, store: Store) -> None:
    """Keep what changed since the last sync, for `roadmap report --since`."""
    from roadmap.track.history import record_history
    from roadmap.track.overview import gather

    now = _now()
    record_history(store, gather(store, _config(ctx), now, _save_items(ctx, store)), now)

def _configured_roadmap(ctx: click.Context) -> Roadmap | None:
    """The configured roadmap, parsed once per command (None when there is no file)."""
    from roadmap.parse import parse_configured

    if "roadmap" not in ctx.obj:
        config = _config(ctx)
        ctx.obj["roadmap"] = parse_configured(config) if config.roadmap.is_file() else None
    roadmap: Roadmap | None = ctx.obj["roadmap"]
    return roadmap


def _save_items(ctx: click.Context, store: Store) -> list[Item] | None:
    """Store the parsed roadmap beside the issues (once a command), when there is one to
    parse; its items, or None when there is none (then the store's are read)."""
    roadmap = _configured_roadmap(ctx)
    if roadmap is None:
        return None
    if not ctx.obj.get("items_saved"):
        store.save_items(roadmap)
        ctx.obj["items_saved"] = True
    return roadmap.items


def _width() -> int | None:
    """The terminal's width, or None (no wrapping) when the output is piped."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None

def _store_url(ctx: click.Context, create: bool = False) -> str:
    """--db / ROADMAP_DATABASE_URL, or the SQLite file beside the roadmap, which only
    `sync` and `import` may make where there is no project at all."""
    from roadmap.store import default_url

    if ctx.obj["db_url"]:
        return str(ctx.obj["db_url"])
    config = _config(ctx)
    url = default_url(config.roadmap)
    if not create and config.source is None and not config.roadmap.exists() and \
            not Path(url.removeprefix("sqlite:///")).exists():
        raise InputError(f"no roadmap here: no {_relative(config.roadmap)}, no configuration "
                         "(roadmap.toml or [tool.roadmap] in pyproject.toml) and no store; "
                         "run `roadmap init` in your project, or pass --config or --db")
    return url


# -- who works on what ------------------------------------------------------------------------

def _now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)

def _overview(ctx: click.Context) -> Overview:
    """The store's items (refreshed from the roadmap file), issues, links and claims."""
    from roadmap.track.overview import gather

    store = _store(ctx)
    return gather(store, _config(ctx), _now(), _save_items(ctx, store))


def _client(ctx: click.Context, api_url: str | None,
            write_interval: float = 1.0) -> GitHubClient:
    from roadmap.github.client import GitHubClient, api_url_from_env, find_token

    token = find_token()
    if token is None:
        raise InputError("this needs a GitHub token (GITHUB_TOKEN, GH_TOKEN or "
                         "`gh auth login`); nothing was written")
    client = GitHubClient(api_url or api_url_from_env(), token, write_interval=write_interval)
    ctx.call_on_close(client.close)
    return client

_API = click.option("--api-url", envvar="GITHUB_API_URL", metavar="URL",

                    help="GitHub API URL (env GITHUB_API_URL).")
_DRY = click.option("--dry-run", is_flag=True, help="Print the GitHub calls; make none.")
