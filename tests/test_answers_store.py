"""The store's memory of answers and deliveries, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roadmap.store.answers import (
    MAX_ATTEMPTS,
    drop_pending_answers,
    drop_reservation,
    finish_delivery,
    load_answer,
    load_answer_counts,
    load_delivery_counts,
    load_next_delivery,
    reserve_answer,
    save_answer,
    save_delivery,
)

from .stores import BACKENDS, opened_store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with opened_store(request.param, tmp_path) as opened:
        yield opened


def test_an_answer_is_reserved_once_then_recorded(store):
    key = "comment:acme/widgets:7"
    assert reserve_answer(store, key, "acme/widgets", 1, NOW)
    assert not reserve_answer(store, key, "acme/widgets", 1, NOW)  # a second worker
    assert load_answer(store, key) == "pending"
    save_answer(store, key, "claimed", "https://github.com/acme/widgets/issues/1#c")
    assert not reserve_answer(store, key, "acme/widgets", 1, NOW + timedelta(days=1))
    assert load_answer_counts(store) == {"claimed": 1}


def test_a_failed_or_abandoned_reservation_can_be_taken_again(store):
    key = "comment:acme/widgets:8"
    assert reserve_answer(store, key, "acme/widgets", 1, NOW)
    drop_reservation(store, key)
    assert load_answer(store, key) is None
    assert reserve_answer(store, key, "acme/widgets", 1, NOW)
    assert not reserve_answer(store, key, "acme/widgets", 1, NOW + timedelta(minutes=5))
    assert reserve_answer(store, key, "acme/widgets", 1, NOW + timedelta(minutes=11))


def test_deliveries_are_kept_once_and_worked_in_order(store):
    assert save_delivery(store, "a", "issue_comment", "{}", NOW)
    assert save_delivery(store, "b", "issues", "{}", NOW)
    assert not save_delivery(store, "a", "issue_comment", "{}", NOW)
    first = load_next_delivery(store)
    assert first is not None and first.delivery == "a"
    finish_delivery(store, first.seq, "done", NOW)
    second = load_next_delivery(store)
    assert second is not None and second.delivery == "b"
    for _ in range(MAX_ATTEMPTS):
        finish_delivery(store, second.seq, "GitHub unreachable", NOW, failed=True)
    assert load_next_delivery(store) is None
    assert load_delivery_counts(store) == {"done": 1, "failed": 1}


def test_a_starting_receiver_drops_what_a_dead_one_left_pending(store):
    assert reserve_answer(store, "comment:acme/widgets:9", "acme/widgets", 1, NOW)
    assert reserve_answer(store, "comment:acme/widgets:10", "acme/widgets", 1, NOW)
    save_answer(store, "comment:acme/widgets:10", "claimed", None)
    assert drop_pending_answers(store) == 1
    assert load_answer(store, "comment:acme/widgets:9") is None
    assert load_answer_counts(store) == {"claimed": 1}
    assert drop_pending_answers(store) == 0
