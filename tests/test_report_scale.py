"""What a large report relies on to stay fast (issue 5), checked against the plain way:
comment bodies read once per report, store times read straight from SQLite's text, the
rich view formatting only the rows it shows, suggestions scoring only close items, JSON
written by the C encoder, clean text let through as it is."""

from __future__ import annotations

import itertools
import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from roadmap.markup import clean
from roadmap.model import IssueRecord, Item, RemoteComment, RemoteIssue, RemoteRepo
from roadmap.parse.comments import DEFAULT_PATTERNS, Patterns
from roadmap.report.render import to_json
from roadmap.store import Store
from roadmap.track.claims import derive_all_claims, derive_claims
from roadmap.track.links import SUGGESTION_THRESHOLD, ItemTitles

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
BODIES = ("/claim", "/unclaim", "+1", "> /claim\n\nwho has this?", "```\n/claim\n```",
          "/assign @bob", "/assign @carol", "I'm working on this", "Thanks!", "take")


def records(count: int, seed: int) -> list[IssueRecord]:
    """Issues whose comments repeat a few bodies, by a few people (one of them a bot)."""
    rng = random.Random(seed)
    ids = itertools.count(1)
    found = []
    for number in range(1, count + 1):
        start = NOW - timedelta(days=rng.randint(1, 90))
        comments = [RemoteComment(n, number, author, author == "ci[bot]", rng.choice(BODIES),
                                  f"https://github.com/acme/widgets/issues/{number}#c{n}",
                                  at, at + timedelta(hours=rng.choice((0, 0, 5))))
                    for n, author, at in ((next(ids), rng.choice(("bob", "Carol", "ci[bot]")),
                                           start + timedelta(days=d))
                                          for d in range(rng.randint(0, 6)))]
        found.append(IssueRecord("acme/widgets", number, f"Issue {number}", "",
                                 rng.choice(("open", "open", "closed")), None, False, "maint",
                                 ["roadmap"], [], start, start, None,
                                 f"https://github.com/acme/widgets/issues/{number}", comments))
    return found


@pytest.mark.parametrize("patterns", [DEFAULT_PATTERNS, Patterns.of([r"^/mine\b", r"^take$"])])
def test_claims_of_many_issues_are_each_issues_claims(patterns):
    many = records(300, seed=5)
    assert derive_all_claims(many, NOW, 30, patterns) == {
        r.ref: derive_claims(r, NOW, 30, patterns) for r in many}


def test_store_times_read_back_as_utc_whatever_text_sqlite_holds(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'roadmap.db'}")
    repo_id = store.save_repo(RemoteRepo(1, "acme/widgets", "https://github.com/acme/widgets"))
    at = datetime(2026, 11, 28, 19, 0, 0, 250000, tzinfo=UTC)
    store.save_issue_page(repo_id, [RemoteIssue(
        10, 1, "One", "", "open", None, False, "alice", ["roadmap"], [], None, 0,
        "https://github.com/acme/widgets/issues/1", at, at, None)], "roadmap", None)
    store.save_comments(repo_id, [RemoteComment(
        20, 1, "bob", False, "/claim", "https://github.com/acme/widgets/issues/1#c20", at, at)],
        None)
    with store.engine.begin() as connection:  # as an older writer or a hand edit left it
        connection.execute(text("UPDATE comments SET created_at = '2026-11-28', "
                                "updated_at = '2026-11-28T21:00:00+02:00'"))
    [record] = store.load_records()
    comment = record.comments[0]
    assert (record.created_at, comment.created_at, comment.updated_at) == (
        at, datetime(2026, 11, 28, tzinfo=UTC), datetime(2026, 11, 28, 19, tzinfo=UTC))
    store.close()


def test_rich_view_lists_the_first_rows_and_counts_the_rest(tmp_path):
    from benchmarks.report_bench import NOW as BENCH_NOW
    from benchmarks.report_bench import build_store
    from roadmap.config import Config
    from roadmap.report.gather import build_report
    from roadmap.report.render import render_report
    from roadmap.report.text import RICH_LIMIT
    from roadmap.track.overview import gather

    build_store(tmp_path / "roadmap.db", issues=700, comments=800, items=30)  # 600 change
    store = Store.open(f"sqlite:///{tmp_path / 'roadmap.db'}")
    report = build_report(store, gather(store, Config(), BENCH_NOW), "Widgets", BENCH_NOW,
                          BENCH_NOW - timedelta(days=7))
    store.close()
    shown = render_report(report, "text", None, 200)
    wanted = report.help_wanted
    assert len(wanted) > RICH_LIMIT
    assert f"…and {len(wanted) - RICH_LIMIT} more" in shown
    table = shown.split("Help wanted")[1].split("Changes since")[0]
    assert f"#{wanted[RICH_LIMIT - 1].number} " in table
    assert f"#{wanted[RICH_LIMIT].number} " not in table


WORDS = ("Runtime", "plugin", "loader", "cache", "cache", "API", "v2", "é", "naïve", "x", "")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=5), min_size=0, max_size=12),
       st.lists(st.lists(st.sampled_from(WORDS), max_size=7), min_size=1, max_size=12),
       st.sampled_from((" ", "-", ", ", "  ", ": ")))
def test_suggestions_are_rapidfuzz_extract_one_over_every_item(item_words, issue_words, glue):
    from rapidfuzz import fuzz, process, utils

    items = [Item(f"item-{n}", None, glue.join(words), 2, None, n, n, None)
             for n, words in enumerate(item_words)]
    titles = ItemTitles(items)
    choices = {item.id: utils.default_process(item.title) for item in items}
    for words in issue_words:
        title = glue.join(words)
        best = process.extractOne(utils.default_process(title), choices,
                                  scorer=fuzz.token_set_ratio, processor=None,
                                  score_cutoff=SUGGESTION_THRESHOLD) if choices else None
        expected = None if best is None else (best[2], float(best[1]))
        assert titles.most_similar(title) == expected


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_json_report_text_is_the_same_json_a_line_per_key_and_element(value):
    text = to_json(value)
    assert json.loads(text) == json.loads(json.dumps(value))  # floats: as JSON reads them
    lines = text.split("\n")
    if isinstance(value, list) and value:  # [, each element on one line, ]
        assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(value) + 2
        assert [json.loads(line.strip().removesuffix(",")) for line in lines[1:-1]] == [
            json.loads(json.dumps(element)) for element in value]
    elif isinstance(value, dict) and value:  # every key starts a line
        assert lines[0] == "{" and lines[-1] == "}"
        assert len([line for line in lines if line.startswith('  "')]) == len(value)
    else:
        assert text == json.dumps(value, ensure_ascii=False)


@settings(max_examples=500, deadline=None)
@given(st.text() | st.sampled_from(["a  b", " a", "a ", "a\tb", "\u202eevil", "x" * 400]),
       st.integers(min_value=1, max_value=400))
def test_clean_text_is_one_printable_line_within_the_limit(value, limit):
    out = clean(value, limit)
    assert len(out) <= limit and out == out.strip() and "  " not in out
    assert all(ch.isprintable() or ch == "\u200d" for ch in out)  # the emoji joiner stays
    assert clean(out, limit) == out
    if value.isprintable() and " ".join(value.split()) == value and len(value) <= limit:
        assert out == value


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_each_list_element_is_encoded_as_json_dumps_does(value):
    """The report's one C encoder, made once, writes what `json.dumps` writes."""
    from roadmap.report.render import _one_line

    assert _one_line(value) == json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


@settings(max_examples=500, deadline=None)
@given(st.text() | st.sampled_from(["&<>'\"", "&amp;", "<b>x</b>", "'\"'"]))
def test_html_escaping_is_markupsafes(value):
    from markupsafe import escape

    from roadmap.markup import _escaped

    assert _escaped(value) == str(escape(value))
