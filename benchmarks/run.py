"""Measure the parser and the CLI's start-up against the project's targets.

A report, not a test: it prints a table and exits 0 unless `--check` is given and a
target is missed.

    .venv/bin/python benchmarks/run.py [--items N] [--seed S] [--repeat K] [--check]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from markdown_it import MarkdownIt

from roadmap.parse import parse_roadmap
from roadmap.parse.markdown import markdown

ROOT = Path(__file__).resolve().parent.parent
PARSE_TARGET = 1.3  # parse_roadmap within 1.3x of markdown-it-py's bare tokenisation
HELP_TARGET = 1.5  # `roadmap --help` within 1.5x of `python -c "import click"`

T = TypeVar("T")


@dataclass(slots=True, frozen=True)
class Timing:
    """The best wall-clock and CPU seconds over the runs (each minimum on its own)."""

    wall: float
    cpu: float


@dataclass(slots=True, frozen=True)
class Verdict:
    """A target, judged on wall time; the CPU ratio is there to spot a busy machine."""

    name: str
    ratio: Timing
    target: float

    @property
    def passed(self) -> bool:
        return self.ratio.wall <= self.target

    @property
    def cpu_passed(self) -> bool:
        return self.ratio.cpu <= self.target


# -- measuring ------------------------------------------------------------------------------


def time_calls(calls: dict[str, Callable[[], object]], repeat: int) -> dict[str, Timing]:
    """Best of `repeat` runs of each call, interleaved so load changes hit all alike."""
    walls: dict[str, list[float]] = {name: [] for name in calls}
    cpus: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            gc.collect()  # start each run without the previous run's garbage
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            cpus[name].append(time.process_time() - cpu)
            walls[name].append(time.perf_counter() - wall)
    return {name: Timing(min(walls[name]), min(cpus[name])) for name in calls}


def time_commands(commands: dict[str, list[str]], repeat: int) -> dict[str, Timing]:
    """Best of `repeat` runs of each command; CPU is the child's user + system time.

    Byte code is cached in a temporary prefix (one unmeasured run each fills it), as
    for an installed package, even when PYTHONDONTWRITEBYTECODE is set here.
    """
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for argv in commands.values():
            subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        calls = {name: _runner(argv, env) for name, argv in commands.items()}
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, call in calls.items():
                wall, cpu = call()
                walls[name].append(wall)
                cpus[name].append(cpu)
    return {name: Timing(min(walls[name]), min(cpus[name])) for name in commands}


def _runner(argv: list[str], env: dict[str, str]) -> Callable[[], tuple[float, float]]:
    def run() -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    return run


def peak_memory(call: Callable[[], T]) -> tuple[int, T]:
    """The tracemalloc peak of one call, in bytes, and what it returned."""
    gc.collect()
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


# -- the three benchmarks -------------------------------------------------------------------


def parse_cold(text: str) -> object:
    """Parse with the parser's memo caches emptied first, so no run profits from the last."""
    from roadmap.parse import refs, words

    for module in (words, refs):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()
    return parse_roadmap(text)


def bench_parse(text: str, repeat: int) -> tuple[dict[str, Timing], list[Verdict]]:
    bare, with_plugins = MarkdownIt(), markdown()
    times = time_calls({
        "parse_roadmap (ours)": lambda: parse_cold(text),
        "MarkdownIt().parse (bare commonmark)": lambda: bare.parse(text),
        "markdown().parse (+table, front matter)": lambda: with_plugins.parse(text),
    }, repeat)
    ours, plain, same = times.values()
    times["ratio: ours / bare (target)"] = ratio = Timing(
        ours.wall / plain.wall, ours.cpu / plain.cpu)
    verdicts = [Verdict("parse_roadmap / bare tokenisation", ratio, PARSE_TARGET)]
    times["ratio: ours / same plugins"] = Timing(ours.wall / same.wall, ours.cpu / same.cpu)
    times["ratio: plugins / bare"] = Timing(same.wall / plain.wall, same.cpu / plain.cpu)
    return times, verdicts


def bench_help(repeat: int) -> tuple[dict[str, Timing], list[Verdict]]:
    script = Path(sys.executable).parent / "roadmap"
    roadmap = str(script) if script.exists() else shutil.which("roadmap") or "roadmap"
    times = time_commands({
        "roadmap --help": [roadmap, "--help"],
        'python -c "import click"': [sys.executable, "-c", "import click"],
    }, repeat)
    help_, click = times.values()
    times["ratio: help / import click (target)"] = ratio = Timing(
        help_.wall / click.wall, help_.cpu / click.cpu)
    return times, [Verdict("roadmap --help / import click", ratio, HELP_TARGET)]


def bench_memory(text: str) -> dict[str, tuple[int, str]]:
    """Peak traced memory of each parse, with what it produced."""
    results: dict[str, tuple[int, str]] = {}
    peak, roadmap = peak_memory(lambda: parse_roadmap(text))
    results["parse_roadmap (ours)"] = (peak, f"{len(roadmap.items):,} items")
    peak, tokens = peak_memory(lambda: MarkdownIt().parse(text))
    results["MarkdownIt().parse (bare commonmark)"] = (peak, f"{len(tokens):,} tokens")
    peak, tokens = peak_memory(lambda: markdown().parse(text))
    results["markdown().parse (+table, front matter)"] = (peak, f"{len(tokens):,} tokens")
    return results


# -- reporting ------------------------------------------------------------------------------


def render_times(title: str, times: dict[str, Timing], unit: str, scale: float) -> str:
    lines = [f"{title:<44}{'wall ' + unit:>10}{'cpu ' + unit:>10}"]
    for name, timing in times.items():
        if name.startswith("ratio"):
            lines.append(f"  {name:<42}{timing.wall:>9.2f}x{timing.cpu:>9.2f}x")
        else:
            lines.append(f"  {name:<42}{timing.wall * scale:>10.3f}{timing.cpu * scale:>10.3f}")
    return "\n".join(lines)


def render_memory(results: dict[str, tuple[int, str]], size: int) -> str:
    lines = [f"{'peak memory (tracemalloc)':<44}{'MB':>10}{'x input':>10}"]
    for name, (peak, note) in results.items():
        lines.append(f"  {name:<42}{peak / 1e6:>10.1f}{peak / size:>10.1f}   {note}")
    return "\n".join(lines)


def render_verdicts(verdicts: list[Verdict]) -> str:
    lines = []
    for v in verdicts:
        line = (f"{'PASS' if v.passed else 'MISS'}  {v.name}: {v.ratio.wall:.2f}x wall, "
                f"{v.ratio.cpu:.2f}x cpu (target <= {v.target}x)")
        if v.passed != v.cpu_passed:
            line += "  [wall and cpu disagree: is the machine busy?]"
        lines.append(line)
    return "\n".join(lines)


def load_text(items: int, seed: int) -> str:
    """The generated roadmap; the repository root goes on sys.path so this runs as a script."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    return generate(items, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="items in the roadmap")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=10, help="best of K runs (default 10)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    text = load_text(args.items, args.seed)
    size = len(text.encode("utf-8"))
    print(f"{args.items:,} items requested, {size / 1e6:.2f} MB of Markdown (seed {args.seed}),"
          f" best of {args.repeat}; Python {sys.version.split()[0]}\n")
    parse_times, parse_verdicts = bench_parse(text, args.repeat)
    print(render_times("parse", parse_times, "s", 1), end="\n\n", flush=True)
    help_times, help_verdicts = bench_help(args.repeat)
    print(render_times("start-up", help_times, "ms", 1000), end="\n\n", flush=True)
    print(render_memory(bench_memory(text), size), end="\n\n")
    verdicts = parse_verdicts + help_verdicts
    print(render_verdicts(verdicts))
    return 1 if args.check and not all(v.passed for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
