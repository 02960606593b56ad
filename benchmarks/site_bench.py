"""Measure `roadmap site build` on a large store against a floor measured in the same run:
a full build, a rebuild with nothing changed (target: no file written), and a rebuild
after one issue changed (target: at most a tenth of the full build's CPU time).

A report, not a test: it prints a table and PASS/MISS, and exits 1 with `--check` when a
target is missed.

    .venv/bin/python benchmarks/site_bench.py [--issues 10000] [--items 300] [--rounds 3] [--check]

The store is made through the store's own API (`save_items`, `save_issue_page`,
`save_comments`, `record_history`): a roadmap of `--items` items in ten numbered areas,
each naming its share of the issues; two comments per issue, every fifth issue claimed
in a comment, every fourth assigned, a third closed. A copy of it then has one issue
changed (retitled, its labels and activity changed). Each build runs in a fresh
interpreter and reports its own CPU seconds (`time.process_time()` around the build,
imports excluded and given apart), wall seconds, files written, and peak memory
(`ru_maxrss`, beside the same process's figure just before the build).

The floor (`--child-floor`) is what any site of these pages costs, measured on the same
gathered pages in a fresh interpreter: markdown-it-py rendering each shown body (and task
line) once, Jinja2 rendering the same page contexts with logic-free templates (`FLOOR`:
every value the real page shows, escaped, in the same loops, no macro, filter or test),
and writing the real build's bytes into an empty folder. Gathering from the store and
encoding `roadmap.json` are not in it. Rounds take turns (full build, floor, no-change
rebuild, one-change rebuild) and the best of each is kept: this machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPO = "acme/widgets"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
FLOOR_TARGET = 1.5  # a full build within 1.5x the floor
CHANGE_TARGET = 0.1  # a rebuild after one changed issue within a tenth of a full build
LOGINS = [f"contributor-{n}" for n in range(200)]
LABELS = ["roadmap", "good first issue", "enhancement", "bug", "area/runtime", "area/docs"]


def roadmap_text(items: int, issues: int) -> str:
    """Ten numbered areas; every other item names its slice of the issue numbers."""
    areas = 10
    per_area = max(1, items // areas - 1)
    leaves = areas * per_area
    share = max(1, issues // leaves)
    lines = ["# Large roadmap", "", "How to help: comment on an issue first.", ""]
    n = 1
    for area in range(areas):
        lines += [f"## {area + 1}. Area {area}", "", "What this area is about.", ""]
        for k in range(per_area):
            refs = " ".join(f"#{i}" for i in range(n, min(n + share, issues + 1)))
            n += share
            lines += [f"### {area + 1}.{k + 1} Feature {area}-{k}", "",
                      f"Work on **feature {k}** of area {area}. See [the docs](docs/{k}.md).",
                      "", f"Tracking issues: {refs}", "", "- [x] design", "- [ ] build", ""]
    return "\n".join(lines)


def make_store(url: str, items: int, issues: int) -> dict[str, Any]:
    """Fill a fresh store through its API; how long it took and what it holds."""
    from roadmap.config import Config
    from roadmap.model import RemoteComment, RemoteIssue, RemoteRepo
    from roadmap.parse import parse_roadmap
    from roadmap.store import Store
    from roadmap.track.history import record_history
    from roadmap.track.overview import gather

    started = time.perf_counter()
    rng = random.Random(1)
    store = Store.open(url)
    roadmap = parse_roadmap(roadmap_text(items, issues), "ROADMAP.md", repo=REPO)
    store.save_items(roadmap)
    repo_id = store.save_repo(RemoteRepo(1, REPO, f"https://github.com/{REPO}"))
    for start in range(1, issues + 1, 500):
        numbers = range(start, min(start + 500, issues + 1))
        page, comments = [], []
        for n in numbers:
            updated = NOW - timedelta(minutes=issues - n + 60)
            closed = n % 3 == 0
            page.append(RemoteIssue(
                n, n, f"Issue {n}: {rng.choice(['improve', 'add', 'fix'])} thing {n}",
                f"Body of issue {n}.", "closed" if closed else "open", None, False,
                rng.choice(LOGINS), ["roadmap", *rng.sample(LABELS[1:], 2)],
                [rng.choice(LOGINS)] if n % 4 == 0 else [], None, 2,
                f"https://github.com/{REPO}/issues/{n}", updated - timedelta(days=30),
                updated, updated if closed else None))
            for c in range(2):
                cid = n * 10 + c
                body = "/claim" if c == 0 and n % 5 == 0 else "Looks good to me."
                comments.append(RemoteComment(
                    cid, n, rng.choice(LOGINS), False, body,
                    f"https://github.com/{REPO}/issues/{n}#issuecomment-{cid}",
                    updated - timedelta(days=c), updated - timedelta(days=c)))
        store.save_issue_page(repo_id, page, "roadmap", None)
        store.save_comments(repo_id, comments, None)
    config = Config(roadmap=Path("ROADMAP.md"), repos=(REPO,))
    record_history(store, gather(store, config, NOW), NOW)
    counts = store.load_counts()
    store.close()
    return {"seconds": round(time.perf_counter() - started, 1), **counts}


def change_one_issue(url: str) -> None:
    from roadmap.model import RemoteIssue
    from roadmap.store import Store

    store = Store.open(url)
    repo_id = store.load_repo_id(REPO)
    assert repo_id is not None
    store.save_issue_page(repo_id, [RemoteIssue(
        7, 7, "Issue 7: retitled", "Body.", "open", None, False, "contributor-1", ["roadmap"],
        [], None, 2, f"https://github.com/{REPO}/issues/7", NOW - timedelta(days=40),
        NOW - timedelta(minutes=30), None)], "roadmap", None)
    store.close()


# -- one build, in a fresh interpreter -----------------------------------------------------


def child(url: str, out: str) -> None:
    """Build the site once and print what it cost, as JSON."""
    import resource

    started = time.process_time()
    from roadmap.config import Config
    from roadmap.site.build import build_site
    from roadmap.site.render import site_env
    from roadmap.store import Store

    site_env()  # Jinja and the templates' folder, imported like the rest
    imports = time.process_time() - started
    store = Store.open(url)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    config = Config(roadmap=Path("ROADMAP.md"), repos=(REPO,))
    cpu, wall = time.process_time(), time.perf_counter()
    result = build_site(store, config, Path(out), NOW, title="Large roadmap", repo=REPO)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    files = sum(1 for p in Path(out).rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    print(json.dumps({"cpu": cpu, "wall": wall, "imports": imports,
                      "written": len(result.written), "unchanged": result.unchanged,
                      "rendered": result.rendered,
                      "removed": len(result.removed), "skipped": result.skipped,
                      "files": files, "bytes": size, "peak_kb": peak, "baseline_kb": baseline}))


#: Logic-free templates of the floor: the values each real page shows, in the same loops.
FLOOR = {
    "base": """<!doctype html><html><head><title>{{ site.title }}</title>
<link href="{{ root }}{{ assets['style.css'] }}"><link href="{{ root }}{{ assets['icon.svg'] }}">
<script src="{{ root }}{{ assets['site.js'] }}"></script></head><body><header>{{ site.title }}
{% for key, href, text in nav %}<a href="{{ root }}{{ href }}">{{ text }}</a>{% endfor %}</header>
<main>{% block main %}{% endblock %}</main><footer><a href="{{ root }}feed.xml">feed</a></footer>
</body></html>""",
    "index": """{% extends "base" %}{% block main %}<h1>{{ site.title }}</h1>
<p>{{ site.last_sync }} {{ site.data_as_of }} {{ site.totals.done }} {{ site.totals.total }}
{{ site.totals.issues }} {{ site.totals.open_issues }} {{ site.help_wanted | length }}</p>
{% for item in site.items %}<li data-status="{{ item.status }}" data-search="{{ item.title }}">
<a href="{{ root }}{{ item.page }}">{{ item.number }} {{ item.title }}</a> {{ item.status }}
{{ item.progress.done }} {{ item.progress.in_progress }} {{ item.progress.stalled }}
{{ item.progress.planned }} {{ item.progress.total }} {{ item.issues_closed }}
{{ item.issues_total }}{% for p in item.people %}<a href="{{ root }}{{ p.page }}">{{ p.login }}</a>
{% endfor %}</li>{% endfor %}{% endblock %}""",
    "item": """{% extends "base" %}{% block main %}<h1>{{ item.number }} {{ item.title }}</h1>
<p>{{ item.status }} {{ item.declared_raw }} {{ item.milestone }} {{ item.last_activity }}
{% for p in item.owners %}<a href="{{ root }}{{ p.page }}">{{ p.login }}</a>{% endfor %}
{% for p in item.people %}<a href="{{ root }}{{ p.page }}">{{ p.login }}</a>{% endfor %}
{% for d in item.drift %}{{ d }}{% endfor %}</p><div>{{ body }}</div>
<ul>{% for t in tasks %}<li>{{ t }}</li>{% endfor %}</ul>
<ul>{% for c in item.children %}<li>{{ c }}</li>{% endfor %}</ul>
<ul>{% for issue in item.issues %}<li><a href="{{ issue.url }}">{{ issue.ref }}</a>
{{ issue.title }} {{ issue.state }} {{ issue.state_reason }}
<ul>{% for name in issue.chips %}<li>{{ name }}</li>{% endfor %}</ul>
<ul>{% for c in issue.claims %}<li><a href="{{ root }}{{ c.page }}">{{ c.login }}</a>
{{ c.kind }} {{ c.since }} <a href="{{ c.evidence_url }}">evidence</a>
{{ c.last_activity }} {{ c.stale }}</li>{% endfor %}</ul>
{% for c in issue.sub_issue_list %}<a href="{{ c.url }}">{{ c.repo }}#{{ c.number }}</a>
{{ c.title }} {{ c.state }}{% endfor %}
{% for p in issue.pulls %}<a href="{{ p.url }}">{{ p.repo }}#{{ p.number }}</a>
{{ p.title }} {{ p.author }} {{ p.state }}{% endfor %}</li>{% endfor %}</ul>
<ul>{% for h in item.history %}<li>{{ h.at }} {{ h.kind }} {{ h.subject }} {{ h.detail }}</li>
{% endfor %}</ul>{% endblock %}""",
    "person": """{% extends "base" %}{% block main %}<h1>{{ person.login }}</h1>
<p>{{ person.active }} {{ person.stale }} {{ person.since }}</p>
<ul>{% for i in person.issues %}<li><a href="{{ i.url }}">{{ i.ref }}</a> {{ i.title }}
{{ i.stale }} <a href="{{ root }}{{ i.item_page }}">{{ i.item_title }}</a> {{ i.kind }}
{{ i.since }} {{ i.last_activity }}</li>{% endfor %}</ul>
<ul>{% for o in person.owns %}<li><a href="{{ root }}{{ o.item_page }}">{{ o.item_title }}</a>
</li>{% endfor %}</ul>{% endblock %}""",
    "people": """{% extends "base" %}{% block main %}<ul>{% for person in site.people %}
<li data-search="{{ person.login }}"><a href="{{ root }}{{ person.page }}">{{ person.login }}</a>
{{ person.active }} {{ person.stale }} {{ person.since }}
{% for i in person.issues[:5] %}<a href="{{ i.url }}">{{ i.ref }}</a> {{ i.title }} {{ i.stale }}
{% endfor %}{% for o in person.owns %}<a href="{{ root }}{{ o.item_page }}">{{ o.item_title }}</a>
{% endfor %}</li>{% endfor %}</ul>{% endblock %}""",
    "help": """{% extends "base" %}{% block main %}<ul>{% for i in site.help_wanted %}
<li data-status="{{ i.good_first }}" data-search="{{ i.ref }} {{ i.title }} {{ i.item_title }}">
<a href="{{ i.url }}">{{ i.ref }}</a> {{ i.title }} {{ i.good_first }}
<ul>{% for name in i.chips %}<li>{{ name }}</li>{% endfor %}</ul>
<a href="{{ root }}{{ i.item_page }}">{{ i.item_title }}</a>
{{ i.claim.login if i.claim }} {{ i.claim.last_activity if i.claim }}</li>
{% endfor %}</ul>{% endblock %}""",
    "changes": """{% extends "base" %}{% block main %}<ul>{% for c in site.changes %}
<li>{{ c.at }} {{ c.kind }} <a href="{{ root }}{{ c.item_page }}">{{ c.item_title }}</a>
<a href="{{ c.issue_url }}">{{ c.subject }}</a> {{ c.issue_title }} {{ c.detail }}</li>
{% endfor %}</ul>{% endblock %}""",
    "feed": """<feed><title>{{ site.title }}</title>{% for c in site.changes[:50] %}<entry>
<title>{{ c.kind }}: {{ c.subject }} {{ c.issue_title }} {{ c.item_title }}</title>
<updated>{{ c.at }}</updated><summary>{{ c.detail }}</summary></entry>{% endfor %}</feed>""",
}
NAV = [("overview", "index.html", "Overview"), ("help", "help-wanted.html", "Help wanted"),
       ("people", "people/index.html", "People"), ("changes", "changes.html", "Changes")]


def child_floor(url: str, out: str) -> None:
    """The floor, on the pages a real build gathers and the bytes it writes (both made
    first, not counted)."""
    from jinja2 import DictLoader, Environment
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    from roadmap.config import Config
    from roadmap.site.gather import gather_site
    from roadmap.site.render import load_assets, render_site
    from roadmap.store import Store
    from roadmap.track.overview import gather

    store = Store.open(url)
    config = Config(roadmap=Path("ROADMAP.md"), repos=(REPO,))
    site = gather_site(store, gather(store, config, NOW), "Large roadmap", None, config.label)
    files = render_site(site, REPO).files
    assets = load_assets().names
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    cpu, wall = time.process_time(), time.perf_counter()
    env = Environment(loader=DictLoader(FLOOR), autoescape=True)
    common = {"site": site, "assets": assets, "nav": NAV}
    pages = [env.get_template("index").render(common, root=""),
             env.get_template("help").render(common, root=""),
             env.get_template("changes").render(common, root=""),
             env.get_template("people").render(common, root="../"),
             env.get_template("feed").render(common)]
    item_page = env.get_template("item")
    for item in site.items:
        body = Markup(md.render(item.body))
        tasks = [Markup(md.renderInline(t.text)) for t in item.tasks]
        pages.append(item_page.render(common, root="../", item=item, body=body, tasks=tasks))
    person_page = env.get_template("person")
    pages += [person_page.render(common, root="../", person=person) for person in site.people]
    for name, data in files.items():
        target = Path(out, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"cpu": cpu, "wall": wall, "pages": len(pages),
                      "rendered": sum(map(len, pages)), "files": len(files),
                      "bytes": sum(map(len, files.values()))}))


def measure(url: str, out: Path, mode: str = "--child") -> dict[str, Any]:
    answer = subprocess.run(
        [sys.executable, __file__, mode, url, str(out)], capture_output=True, text=True,
        check=False, cwd=ROOT)
    if answer.returncode != 0:
        raise SystemExit(f"build failed:\n{answer.stderr}")
    data: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return data


def stats(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*")
            if p.is_file()}


def tree(out: Path) -> dict[str, bytes]:
    """Every file the site holds, but the build's own manifest."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".roadmap-site.json"}


def render(rows: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [f"{'build':<22}{'CPU s':>8}{'wall s':>8}{'made':>6}{'written':>9}{'unchanged':>11}"
             f"{'removed':>9}{'peak MB':>9}{'(before)':>10}"]
    for name, r in rows:
        lines.append(f"{name:<22}{r['cpu']:>8.2f}{r['wall']:>8.2f}{r['rendered']:>6}"
                     f"{r['written']:>9}"
                     f"{r['unchanged']:>11}{r['removed']:>9}{r['peak_kb'] / 1024:>9.0f}"
                     f"{r['baseline_kb'] / 1024:>10.0f}")
    return "\n".join(lines)


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda r: r["cpu"])


def run_rounds(scratch: Path, rounds: int) -> dict[str, Any]:
    """Full build, floor, no-change rebuild, one-change rebuild, `rounds` times in turn;
    then the changed store's full build into an empty folder, to compare."""
    url, changed = f"sqlite:///{scratch}/store.db", f"sqlite:///{scratch}/changed.db"
    runs: dict[str, list[dict[str, Any]]] = {"full": [], "floor": [], "again": [], "one": []}
    untouched = True
    for n in range(rounds):
        out = scratch / f"site-{n}"
        runs["full"].append(measure(url, out))
        runs["floor"].append(measure(url, scratch / f"floor-{n}", "--child-floor"))
        shutil.rmtree(scratch / f"floor-{n}")
        before = stats(out)
        runs["again"].append(measure(url, out))
        untouched = untouched and stats(out) == before
        runs["one"].append(measure(changed, out))
    fresh = scratch / "fresh"
    measure(changed, fresh)
    same = tree(scratch / f"site-{rounds - 1}") == tree(fresh)
    return {"untouched": untouched, "same": same,
            **{name: best(found) for name, found in runs.items()}, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="take the best of this many")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--child", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--child-floor", nargs=2, metavar=("URL", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    if args.child_floor:
        child_floor(*args.child_floor)
        return 0
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="site-bench-") as folder:
        scratch = Path(folder)
        made = make_store(f"sqlite:///{scratch}/store.db", args.items, args.issues)
        shutil.copyfile(scratch / "store.db", scratch / "changed.db")
        change_one_issue(f"sqlite:///{scratch}/changed.db")
        print(f"store: {made['issues']} issues, {made['comments']} comments, {made['items']} "
              f"items, made in {made['seconds']}s")
        found = run_rounds(scratch, args.rounds)
    full, floor, again, one = found["full"], found["floor"], found["again"], found["one"]
    print(f"site: {full['files']} files, {full['bytes'] / 1e6:.1f} MB; imports "
          f"{full['imports']:.2f} CPU s per process, not counted below; best of "
          f"{args.rounds} rounds\n")
    print(render([("full build", full), ("no change", again), ("one issue changed", one)]))
    print(f"{'floor':<22}{floor['cpu']:>8.2f}{floor['wall']:>8.2f}   ({floor['pages']} pages "
          f"rendered logic-free, {floor['files']} files written)")
    print("each round's CPU s: " + "; ".join(
        f"{name} " + " ".join(f"{r['cpu']:.2f}" for r in found["runs"][name])
        for name in ("full", "floor", "again", "one")))
    to_floor = full["cpu"] / floor["cpu"] if floor["cpu"] else 0.0
    to_full = one["cpu"] / full["cpu"] if full["cpu"] else 0.0
    verdicts = [
        (f"full build within {FLOOR_TARGET}x the floor", to_floor <= FLOOR_TARGET,
         f"{full['cpu']:.2f}s / {floor['cpu']:.2f}s = {to_floor:.2f}x"),
        ("no-change rebuild writes nothing", again["written"] == 0 and found["untouched"],
         f"{again['written']} written, files untouched: {found['untouched']}, "
         f"{again['cpu']:.3f}s"),
        (f"one-issue rebuild within {CHANGE_TARGET}x the full build", to_full <= CHANGE_TARGET,
         f"{one['cpu']:.3f}s / {full['cpu']:.2f}s = {to_full:.2f}x, {one['written']} written"),
        ("one-issue rebuild's folder is what a full build writes", found["same"],
         "byte for byte" if found["same"] else "the trees differ"),
    ]
    print()
    for name, ok, detail in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if args.check and not all(ok for _, ok, _ in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
