"""A large synthetic ROADMAP.md in the styles real roadmaps mix, for the benchmarks.

Numbered areas and sections with prose (as Moby's roadmap), milestone headings
(`## v2.3`, `## Q3 2026`) with status-emoji features, `**Status:**` and `Owner:`
lines and nested checklists, and roadmap tables. The same `items` and `seed` give
the same text byte for byte; `parse_roadmap` finds exactly `items` items in it.

    python benchmarks/generate.py [--items N] [--seed S] [-o FILE]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

VERBS = ["Improve", "Add", "Support", "Rework", "Speed up", "Document", "Stabilise",
         "Deprecate", "Replace", "Simplify", "Harden", "Extend", "Refactor", "Expose",
         "Migrate", "Validate", "Cache", "Parallelise", "Instrument", "Split"]
ADJECTIVES = ["incremental", "rootless", "remote", "structured", "pluggable", "offline",
              "multi-arch", "declarative", "encrypted", "lazy", "streaming", "default",
              "per-user", "cross-platform", "experimental", "versioned", "shared",
              "scoped", "signed", "cached"]
NOUNS = ["builds", "image pulls", "networking", "volume drivers", "log rotation",
         "health checks", "secrets", "the plugin API", "metrics", "tracing", "the CLI",
         "config reload", "snapshots", "garbage collection", "registry mirrors",
         "the scheduler", "audit logs", "resource limits", "checkpoints", "the dashboard",
         "search", "notifications", "the installer", "upgrades", "permissions"]
AREAS = ["Runtime", "Networking", "Storage", "Security", "Build", "Distribution",
         "Orchestration", "Observability", "Developer experience", "Documentation",
         "Packaging", "Performance", "API", "Plugins", "Windows support", "Testing"]
WORDS = ["the", "a", "of", "to", "and", "in", "for", "is", "that", "on", "with", "as", "we",
         "this", "be", "it", "by", "are", "will", "from", "can", "container", "image", "daemon",
         "runtime", "should", "would", "users", "feature", "support", "work", "design", "proposal",
         "current", "behaviour", "change", "performance", "release", "default", "option", "layer",
         "network", "storage", "driver", "client", "server", "request", "API", "more", "than",
         "when", "which", "also", "but", "not", "only", "have", "has", "been", "make", "need",
         "new", "existing", "each", "other", "into", "through", "without", "better", "faster",
         "simpler", "across", "multiple", "remote", "local", "cache", "state"]
LOGINS = ["alice", "bob-dev", "crosbymichael", "thaJeztah", "tianon", "cpuguy83",
          "AkihiroSuda", "dmcgowan", "estesp", "tonistiigi", "mlaventure", "vdemeester"]
REPOS = ["moby/moby", "containerd/containerd", "docker/cli", "moby/buildkit",
         "opencontainers/runc", "kubernetes/enhancements"]
#: The four status emoji, each with and without the U+FE0F variation selector.
EMOJI = ["✅", "✅\ufe0f", "🚧", "🚧\ufe0f", "⏳", "⏳\ufe0f", "❌", "❌\ufe0f"]
STATUS_CELLS = ["✅ Done", "Done", "🚧 In progress", "In progress", "WIP", "⏳ Planned",
                "Planned", "Not started", "❌ Dropped", "Blocked", "✅\ufe0f Shipped"]
STATUS_LINES = ["In progress", "Done", "Planned", "Not started", "Blocked", "Completed"]
LANGUAGES = ["go", "console", "json", "yaml", "python", ""]


class Doc:
    """The Markdown being written, its item count and the counters that keep it plausible."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lines: list[str] = []
        self.items = 0
        self.issue = 1000
        self.version = [1, 0]
        self.quarter = [2025, 1]
        self.markers = 0

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def item(self, *lines: str) -> None:
        """Lines whose first is a heading or table row that parses as one item."""
        self.items += 1
        self.lines.extend(lines)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def next_issue(self) -> int:
        self.issue += self.rng.randint(1, 40)
        return self.issue


# -- inline text ----------------------------------------------------------------------------


def build_title(doc: Doc) -> str:
    return f"{doc.pick(VERBS)} {doc.pick(ADJECTIVES)} {doc.pick(NOUNS)}"


def build_ref(doc: Doc) -> str:
    """One of the ways roadmaps point at issues, or an ordinary link."""
    n, repo = doc.next_issue(), doc.pick(REPOS)
    kind = doc.rng.randrange(7)
    if kind == 0:
        return f"#{n}"
    if kind == 1:
        return f"{repo}#{n}"
    if kind == 2:
        return f"[#{n}](https://github.com/{repo}/issues/{n})"
    if kind == 3:
        return f"<https://github.com/{repo}/pull/{n}>"
    if kind == 4:
        return f"[the proposal](https://github.com/{repo}/issues/{n})"
    if kind == 5:
        return f"[design notes](https://docs.example.org/{doc.pick(AREAS).lower()}/{n}.html)"
    return f"@{doc.pick(LOGINS)}"


def build_sentence(doc: Doc) -> list[str]:
    """The words of one sentence; a decorated word (link, code, emphasis) is one entry."""
    words = [doc.pick(WORDS) for _ in range(doc.rng.randint(8, 20))]
    words[0] = words[0].capitalize()
    for _ in range(doc.rng.randint(0, 2)):
        at = doc.rng.randrange(1, len(words))
        if doc.chance(0.7):
            words.insert(at, build_ref(doc))
        else:
            words.insert(at, doc.pick([f"`{doc.pick(WORDS)}`", f"**{doc.pick(WORDS)}**",
                                       f"*{doc.pick(WORDS)}*"]))
    words[-1] += "."
    return words


def build_paragraph(doc: Doc, sentences: tuple[int, int] = (2, 5)) -> list[str]:
    """Prose wrapped at 80 columns, as most hand-written roadmaps are."""
    words = [w for _ in range(doc.rng.randint(*sentences)) for w in build_sentence(doc)]
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > 80:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line, ""]


def build_code(doc: Doc) -> list[str]:
    body = [" ".join(doc.pick(WORDS) for _ in range(doc.rng.randint(2, 8)))
            for _ in range(doc.rng.randint(2, 8))]
    return [f"```{doc.pick(LANGUAGES)}", *body, "```", ""]


def build_checklist(doc: Doc) -> list[str]:
    """Tasks, some with nested sub-tasks and issue references."""
    lines = []
    for _ in range(doc.rng.randint(2, 6)):
        ref = f" ({build_ref(doc)})" if doc.chance(0.4) else ""
        lines.append(f"- [{doc.pick(['x', ' ', 'X'])}] {build_title(doc)}{ref}")
        for _ in range(doc.rng.randint(0, 3) if doc.chance(0.4) else 0):
            lines.append(f"  - [{doc.pick(['x', ' '])}] {build_title(doc).lower()}")
    return [*lines, ""]


def build_heading(doc: Doc, level: int, title: str) -> str:
    """A heading, sometimes with a status emoji before or after the title."""
    if doc.chance(0.35):
        emoji = doc.pick(EMOJI)
        title = f"{emoji} {title}" if doc.chance(0.5) else f"{title} {emoji}"
    return f"{'#' * level} {title}"


def build_milestone(doc: Doc) -> str:
    """The next version or quarter; quarters repeat across areas, as in real documents."""
    if doc.chance(0.5):
        doc.version[1] += 1
        if doc.version[1] > 9:
            doc.version = [doc.version[0] + 1, 0]
        return f"v{doc.version[0]}.{doc.version[1]}"
    year, quarter = doc.quarter
    doc.quarter = [year + quarter // 4, quarter % 4 + 1]
    return f"Q{quarter} {year}"


# -- sections: each writes a known number of items ---------------------------------------------


def build_numbered_section(doc: Doc, number: str) -> None:
    """Moby style: `## 3.4 Title` and a few paragraphs, a code block, tracking issues."""
    doc.item(build_heading(doc, 2, f"{number} {build_title(doc)}"), "")
    for _ in range(doc.rng.randint(1, 4)):
        doc.add(*build_paragraph(doc))
    if doc.chance(0.2):
        doc.add(*build_code(doc))
    if doc.chance(0.3):
        doc.add("Tracking issues:", "", *(f"- {build_ref(doc)}" for _ in range(3)), "")


def build_feature(doc: Doc) -> None:
    """A `### ✅ Feature` under a milestone: field lines, prose and a checklist."""
    doc.item(build_heading(doc, 3, build_title(doc)), "")
    if doc.chance(0.05):
        doc.markers += 1
        doc.add(f"<!-- roadmap: id=feature-{doc.markers} -->", "")
    owners = ", ".join(f"@{doc.pick(LOGINS)}" for _ in range(doc.rng.randint(1, 2)))
    bold = doc.chance(0.5)
    doc.add(f"**Status:** {doc.pick(STATUS_LINES)}" if bold
            else f"Status: {doc.pick(STATUS_LINES)}",
            f"**Owner:** {owners}" if bold else f"Owner: {owners}", "")
    doc.add(*build_paragraph(doc, (2, 4)))
    if doc.chance(0.7):
        doc.add(*build_checklist(doc))


def build_milestone_section(doc: Doc, n: int) -> None:
    """`## v2.3` or `## Q3 2026` and `n - 1` features."""
    doc.item(f"## {build_milestone(doc)}", "")
    for _ in range(n - 1):
        build_feature(doc)


def build_row(doc: Doc, trailing: bool) -> str:
    tracking = doc.pick([f"#{doc.next_issue()}", build_ref(doc), ""])
    owner = doc.pick([f"@{doc.pick(LOGINS)}", doc.pick(LOGINS), "TBD"])
    cells = [build_title(doc), doc.pick(STATUS_CELLS), owner, tracking]
    return "| " + " | ".join(cells) + (" |" if trailing else "")


def build_table_section(doc: Doc, n: int) -> None:
    """A milestone heading, a sentence, and a table of `n - 1` rows."""
    doc.item(f"## {build_milestone(doc)}", "")
    doc.add(*build_paragraph(doc, (1, 1)))
    doc.add("| Feature | Status | Owner | Tracking |", "|---|---|---|---|")
    trailing = doc.chance(0.8)  # a table's rows usually agree about the last pipe
    for _ in range(n - 1):
        doc.items += 1
        doc.add(build_row(doc, trailing or doc.chance(0.3)))
    doc.add("")


def build_area(doc: Doc, number: int, n: int) -> None:
    """`# 3. Area` with its prose, then sections of every style until `n` items are written."""
    doc.item(f"# {number}. {doc.pick(AREAS)} {number}", "")
    doc.add(*build_paragraph(doc))
    left, sub = n - 1, 0
    while left > 0:
        style = doc.rng.random()
        if style < 0.55:
            sub, size = sub + 1, 1
            build_numbered_section(doc, f"{number}.{sub}")
        elif style < 0.85:
            size = min(left, doc.rng.randint(2, 7))
            build_milestone_section(doc, size)
        else:
            size = min(left, doc.rng.randint(2, 16))
            build_table_section(doc, size)
        left -= size


def build_preamble(doc: Doc) -> None:
    """Front matter, the title, and notes (contributing, a status legend) before any item."""
    doc.add("---", "title: Synthetic Project Roadmap", "---", "", "# Synthetic Project Roadmap", "")
    doc.add(*build_paragraph(doc, (3, 5)))
    doc.add("## How to contribute", "", *build_paragraph(doc, (2, 3)))
    doc.add("## Status legend", "", "| Status | Meaning |", "| --- | --- |",
            "| ✅ | Done |", "| 🚧 | In progress |", "| ⏳ | Planned |", "| ❌ | Dropped |", "")


def generate(items: int = 10_000, seed: int = 1) -> str:
    """A roadmap of exactly `items` items, about 450 bytes of Markdown per item."""
    doc = Doc(seed)
    build_preamble(doc)
    number = 0
    while doc.items < items:
        number += 1
        build_area(doc, number, min(items - doc.items, doc.rng.randint(20, 60)))
    return "\n".join(doc.lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    text = generate(args.items, args.seed)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    report(text)


def report(text: str) -> None:
    """Say on stderr how large the text is and how many items parse_roadmap finds."""
    from roadmap.parse import parse_roadmap

    size = len(text.encode("utf-8"))
    count = len(parse_roadmap(text).items)
    print(f"{size:,} bytes ({size / 1e6:.2f} MB), {count:,} items", file=sys.stderr)


if __name__ == "__main__":
    main()
