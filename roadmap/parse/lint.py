"""Problems with a parsed roadmap, each at a line: `roadmap lint`."""

from __future__ import annotations

from collections import defaultdict

from roadmap.model import Item, Problem, Roadmap


def lint_roadmap(roadmap: Roadmap) -> list[Problem]:
    """Everything worth fixing in a roadmap, errors and warnings, in line order."""
    problems = list(roadmap.problems)
    if not roadmap.items:
        problems.append(Problem(1, "warning", "no items found: no numbered or titled sections "
                                "after the introduction, and no roadmap table", "no-items"))
    problems.extend(numbering_problems(roadmap.items))
    return sorted(problems, key=lambda p: (p.line, p.severity, p.message))


def numbering_problems(items: list[Item]) -> list[Problem]:
    """Repeated numbers, gaps, and children numbered under the wrong parent."""
    by_parent: dict[str | None, list[Item]] = defaultdict(list)
    numbers = {item.id: item.number for item in items}
    for item in items:
        if item.number is not None:
            by_parent[item.parent].append(item)
    problems: list[Problem] = []
    for parent, siblings in by_parent.items():
        problems.extend(_sibling_problems(siblings, numbers.get(parent) if parent else None))
    return problems


def _sibling_problems(siblings: list[Item], parent_number: str | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    previous: tuple[str, ...] | None = None
    for item in siblings:
        number = item.number or ""
        parts = tuple(number.split("."))
        if number in seen:
            problems.append(Problem(item.line, "error", f"number {number} is used twice",
                                    "number-repeat"))
        elif previous is not None and len(previous) == len(parts):
            expected = _next(previous[-1])
            if expected is not None and parts[-1] != expected:
                problems.append(Problem(item.line, "warning", f"numbering gap: {number} "
                                        f"follows {'.'.join(previous)}", "number-gap"))
        if parent_number and len(parts) > 1 and ".".join(parts[:-1]) != parent_number:
            problems.append(Problem(item.line, "warning", f"{number} is numbered outside its "
                                    f"parent section {parent_number}", "number-parent"))
        seen.add(number)
        previous = parts
    return problems


def _next(part: str) -> str | None:
    """The number after `part` in its own style: 3 after 2, C after B."""
    if part.isdigit():
        return str(int(part) + 1)
    if len(part) == 1 and part.isalpha() and part not in "zZ":
        return chr(ord(part) + 1)
    return None
