"""`roadmap parse --json` against bare markdown-it-py tokenising, as whole processes.

A report, not a test: it prints a table and exits 0 unless `--check` is given and the
target is missed.

    .venv/bin/python benchmarks/parse_bench.py [--items 1000] [--seed 1] [--repeat 20]
        [--check] [--profile FILE]

Both sides are whole processes of this venv's interpreter on the same generated file,
imports and start-up included: `roadmap parse --json FILE` (output to /dev/null), and
`python -c` reading the file and calling `MarkdownIt().parse(text)` (plain CommonMark,
no plugins). The target is ours at most 1.3x the floor, judged on CPU time.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.3
#: The floor: what a program that only tokenises the roadmap with markdown-it-py does.
BARE = ("import sys\n"
        "from markdown_it import MarkdownIt\n"
        "with open(sys.argv[1], encoding='utf-8') as f:\n"
        "    MarkdownIt().parse(f.read())\n")


@dataclass(slots=True, frozen=True)
class Timing:
    """The best wall-clock and CPU seconds over the runs (each minimum on its own)."""

    wall: float
    cpu: float


def time_commands(commands: dict[str, list[str]], repeat: int, cwd: Path,
                  env: dict[str, str]) -> dict[str, Timing]:
    """Best of `repeat` runs of each command, taking turns so load hits each alike.

    CPU is the child's user + system time from `getrusage(RUSAGE_CHILDREN)`.
    """
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
            walls[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(after.ru_utime - before.ru_utime
                              + after.ru_stime - before.ru_stime)
    return {name: Timing(min(walls[name]), min(cpus[name])) for name in commands}


def time_stages(text: str, repeat: int) -> dict[str, float]:
    """In-process CPU seconds of each stage of `roadmap parse --json`, best of `repeat`."""
    from markdown_it import MarkdownIt

    from roadmap.cli.output import render_json, render_roadmap_json
    from roadmap.parse import parse_roadmap
    from roadmap.parse.markdown import markdown

    bare, plugins = MarkdownIt(), markdown()
    roadmap = parse_roadmap(text)
    data = roadmap.to_dict()
    stages: dict[str, Callable[[], object]] = {
        "MarkdownIt().parse (bare commonmark)": lambda: bare.parse(text),
        "markdown().parse (+table, strikethrough, front matter)": lambda: plugins.parse(text),
        "parse_roadmap (tokenise + walk)": lambda: parse_roadmap(text),
        "render_roadmap_json (what parse --json prints)": lambda: render_roadmap_json(roadmap),
        "Roadmap.to_dict, for comparison": roadmap.to_dict,
        "render_json of that dict, for comparison": lambda: render_json(data),
    }
    best: dict[str, float] = {name: float("inf") for name in stages}
    for _ in range(repeat):
        for name, call in stages.items():
            gc.collect()
            start = time.process_time()
            call()
            best[name] = min(best[name], time.process_time() - start)
    return best


def profile_process(argv: list[str], out: Path, cwd: Path, env: dict[str, str]) -> str:
    """cProfile of one whole `roadmap` process (imports too), saved to `out`; its top."""
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), *argv], cwd=cwd,
                   env=env, check=True, stdout=subprocess.DEVNULL)
    report = io.StringIO()
    stats = pstats.Stats(str(out), stream=report)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(30)
    return report.getvalue()


def check_output(roadmap: str, path: Path, cwd: Path, env: dict[str, str]) -> int:
    """The number of items `roadmap parse --json` printed: the run did the whole job."""
    done = subprocess.run([roadmap, "parse", "--json", str(path)], cwd=cwd, env=env,
                          check=True, capture_output=True, text=True)
    return len(json.loads(done.stdout)["items"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000, help="items in the roadmap")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20, help="best of K runs (default 20)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="also write cProfile stats of one `roadmap parse --json` here")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    text = generate(args.items, args.seed)
    script = Path(sys.executable).parent / "roadmap"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = work / "ROADMAP.md"
        path.write_text(text, encoding="utf-8")
        # Byte code cached as for an installed package, even if PYTHONDONTWRITEBYTECODE is set.
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands = {
            "roadmap parse --json (ours)": [str(script), "parse", "--json", str(path)],
            "python -c 'MarkdownIt().parse(text)' (floor)": [sys.executable, "-c", BARE,
                                                              str(path)],
        }
        items = check_output(str(script), path, work, env)  # also fills the byte-code cache
        subprocess.run(commands["python -c 'MarkdownIt().parse(text)' (floor)"], env=env,
                       check=True)
        print(f"{args.items:,} items requested, {items:,} printed, "
              f"{len(text.encode()) / 1e6:.2f} MB of Markdown (seed {args.seed}); whole "
              f"processes, best of {args.repeat}, taking turns; Python "
              f"{sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}\n")
        times = time_commands(commands, args.repeat, work, env)
        ours, floor = times.values()
        ratio = Timing(ours.wall / floor.wall, ours.cpu / floor.cpu)
        print(f"{'whole process':<52}{'wall s':>9}{'cpu s':>9}")
        for name, timing in times.items():
            print(f"  {name:<50}{timing.wall:>9.3f}{timing.cpu:>9.3f}")
        print(f"  {'ratio: ours / floor':<50}{ratio.wall:>8.2f}x{ratio.cpu:>8.2f}x\n")
        print(f"{'in process, for context (cpu s, best of 5)':<52}")
        for name, seconds in time_stages(text, 5).items():
            print(f"  {name:<59}{seconds:>9.3f}")
        if args.profile:
            print("\n" + profile_process(commands["roadmap parse --json (ours)"],
                                         args.profile, work, env))
    passed = ratio.cpu <= TARGET
    print(f"\n{'PASS' if passed else 'MISS'}  roadmap parse --json / bare tokenising: "
          f"{ratio.cpu:.2f}x cpu (target <= {TARGET}x), {ratio.wall:.2f}x wall; "
          f"load average {os.getloadavg()[0]:.2f}")
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
