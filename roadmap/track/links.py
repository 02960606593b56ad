"""Links between roadmap items and issues, and suggestions for issues linked to none.

A link is made by a reference in the item's text, a `Roadmap: <item>` line in the
issue body, a `roadmap:<item id>` label, or by hand (`roadmap link`, which an
`unlink` undoes). Suggestions by title similarity are shown, never counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from roadmap.model import IssueRecord, Item, ItemLink

#: A `Roadmap: <item>` line. No two of its repeats can take the same characters, nor
#: reach past the line (`^\s*` and `(.+?)\s*$` could, and took seconds on a run of
#: spaces or of blank lines), so a body costs time in proportion to its length.
_MARKER = re.compile(r"^[^\S\n]*(?:\*\*|__)?roadmap(?:[^\S\n]+item)?(?:\*\*|__)?[^\S\n]*:(.*)",
                     re.IGNORECASE | re.MULTILINE)
LABEL_PREFIX = "roadmap:"
#: The lowest title similarity (0-100) worth suggesting.
SUGGESTION_THRESHOLD = 60.0


@dataclass(slots=True, frozen=True)
class ManualLink:
    """A `roadmap link` (action "link") or `roadmap unlink` (action "unlink")."""

    item_id: str
    repo: str
    number: int
    action: str


def link_items(items: list[Item], records: list[IssueRecord],
               manual: Iterable[ManualLink] = ()) -> list[ItemLink]:
    """Every link between items and issues, by each means; manual unlinks win."""
    by_ref = {(r.repo.lower(), r.number): r for r in records}
    lookup = _item_lookup(items)
    links: dict[tuple[str, str, int], ItemLink] = {}

    def add(item_id: str, record: IssueRecord, how: str) -> None:
        links.setdefault((item_id, record.repo, record.number),
                         ItemLink(item_id, record.repo, record.number, how))

    for item in items:
        for repo, number in item.issue_keys:
            record = by_ref.get((repo.lower(), number))
            if record is not None:
                add(item.id, record, "ref")
    for record in records:
        for name in _markers(record):
            item_id = lookup.get(name.lower())
            if item_id:
                add(item_id, record, "marker")
        for label in record.labels:
            if label.lower().startswith(LABEL_PREFIX):
                item_id = lookup.get(label[len(LABEL_PREFIX):].strip().lower())
                if item_id:
                    add(item_id, record, "label")
    for entry in manual:
        record = by_ref.get((entry.repo.lower(), entry.number))
        if record is None:
            continue
        # Keyed by the record's spelling: `roadmap unlink Acme/Widgets#1` must still match.
        key = (entry.item_id, record.repo, record.number)
        if entry.action == "unlink":
            links.pop(key, None)
        elif entry.item_id in lookup.values():
            links[key] = ItemLink(entry.item_id, record.repo, record.number, "manual")
    return list(links.values())


def _item_lookup(items: list[Item]) -> dict[str, str]:
    """Item ids by their id, number and title, lower-cased, as a person may name them: an
    id wins over a number, a number over a title, an earlier item over a later one."""
    lookup: dict[str, str] = {}
    for name in ("id", "number", "title"):
        for item in items:
            key = getattr(item, name)
            if key:
                lookup.setdefault(key.lower(), item.id)
    return lookup


def find_item(items: list[Item], name: str) -> Item | None:
    """The item a person names by id, number or title (`roadmap link`, a `Roadmap:` line,
    a `roadmap:` label), by the one rule of `_item_lookup`."""
    item_id = _item_lookup(items).get(name.strip().lower())
    return next((item for item in items if item.id == item_id), None)


def _markers(record: IssueRecord) -> list[str]:
    """The item names of `Roadmap: <id, number or title>` lines in an issue body."""
    return markers_of_text(record.body)


def markers_of_text(body: str) -> list[str]:
    """The item names of `Roadmap: <id, number or title>` lines in a text."""
    names = (match.group(1).strip().strip("`*_ ") for match in _MARKER.finditer(body))
    return [name for name in names if name]


def suggest_links(items: list[Item], records: list[IssueRecord],
                  links: list[ItemLink]) -> list[ItemLink]:
    """For each issue linked to no item, the most similar item by title, if similar enough."""
    linked = {(link.repo, link.number) for link in links}
    titles = ItemTitles(items)
    found = []
    for record in records:
        if (record.repo, record.number) in linked:
            continue
        best = titles.most_similar(record.title)
        if best is not None:
            item_id, score = best
            found.append(ItemLink(item_id, record.repo, record.number, "suggested",
                                  round(score, 1)))
    return found


class ItemTitles:
    """Item titles, to find the one most like an issue's by rapidfuzz's `token_set_ratio`.

    The answer is `process.extractOne`'s over every item (the first of the best, if at
    least `SUGGESTION_THRESHOLD`), at half the cost (issue 5): for two titles with no word
    in common, `token_set_ratio` is the plain `ratio` of their sorted words, which ranks
    items alike (the two differ in rounding only) at a tenth of the cost. So only the
    items sharing a word with the issue get the full measure.
    """

    def __init__(self, items: list[Item]) -> None:
        from rapidfuzz import utils

        self.ids = [item.id for item in items]
        self.titles = [utils.default_process(item.title) for item in items]  # once, not per issue
        self.sorted_words = [" ".join(sorted(set(title.split()))) for title in self.titles]
        self.by_word: dict[str, list[int]] = {}
        for n, title in enumerate(self.titles):
            for word in set(title.split()):
                self.by_word.setdefault(word, []).append(n)

    def most_similar(self, title: str) -> tuple[str, float] | None:
        """The id and score of the first item most similar to `title`, if similar enough."""
        from rapidfuzz import fuzz, process, utils

        title = utils.default_process(title)
        words = set(title.split())
        # Each measure sees the whole list with the other kind's items as None (which
        # rapidfuzz skips): positions stay the items', and no list is built item by item.
        sharing: list[str | None] = [None] * len(self.titles)
        others: list[str | None] = list(self.sorted_words)
        for word in words:
            for n in self.by_word.get(word, ()):
                sharing[n], others[n] = self.titles[n], None
        found: list[tuple[float, int]] = []  # (score, -position): the first best is the max
        best = process.extractOne(title, sharing, scorer=fuzz.token_set_ratio,
                                  processor=None, score_cutoff=SUGGESTION_THRESHOLD)
        if best is not None:
            found.append((best[1], -best[2]))
        # The best of the rest by `ratio` (a point lower: its rounding may differ by a hair),
        # then scored as `extractOne` would have scored it.
        near = process.extractOne(" ".join(sorted(words)), others, scorer=fuzz.ratio,
                                  processor=None, score_cutoff=SUGGESTION_THRESHOLD - 1)
        if near is not None:
            n = near[2]
            score = fuzz.token_set_ratio(title, self.titles[n], processor=None)
            if score >= SUGGESTION_THRESHOLD:
                found.append((score, -n))
        if not found:
            return None
        score, n = max(found)
        return self.ids[-n], float(score)
