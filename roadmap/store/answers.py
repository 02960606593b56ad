"""What `roadmap respond` answered, and the webhook deliveries waiting to be worked on.

Both are the store's memory across re-runs and restarts: an answer is reserved (a row
"pending") before it is written to GitHub, so two workers never write the same one,
and recorded once GitHub took it; a delivery is saved before the receiver says 202, so
one accepted is never lost, and a second with the same id is known at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update

from roadmap.markers import ANSWERED, HOLDS_NOTHING, MARKER
from roadmap.store import Store
from roadmap.store.models import Answer, Comment, Delivery

#: A reservation older than this was left by a process that died while answering; the
#: answer's marker on GitHub (see `respond`) still keeps it from being written twice.
ABANDONED = timedelta(minutes=10)
#: A delivery whose work failed this many times is left as failed.
MAX_ATTEMPTS = 3


def reserve_answer(store: Store, key: str, repo: str, number: int, at: datetime) -> bool:
    """Take the right to answer `key`; False when it is answered or being answered."""
    with store.session() as session:
        found = session.get(Answer, key)
        if found is not None:
            if found.kind != "pending" or at - found.at < ABANDONED:
                return False
            found.at = at
            return True
        statement = store._insert(Answer).values(key=key, repo=repo, number=number,
                                                 kind="pending", url=None, at=at)
        made = session.execute(statement.on_conflict_do_nothing(index_elements=["key"])
                               .returning(Answer.key))
        return made.first() is not None


def save_answer(store: Store, key: str, kind: str, url: str | None) -> None:
    """The answer to `key` is written (or, kind "silent", needs none)."""
    with store.session() as session:
        session.execute(update(Answer).where(Answer.key == key).values(kind=kind, url=url))


def drop_reservation(store: Store, key: str) -> None:
    """Writing the answer failed: let a later attempt answer."""
    with store.session() as session:
        session.execute(delete(Answer).where(Answer.key == key, Answer.kind == "pending"))


def drop_pending_answers(store: Store) -> int:
    """Drop every reservation still pending: a receiver starting owns its store, so they
    were left by one that died while answering. How many were dropped. (Whether such an
    answer reached GitHub, its marker there tells the next attempt.)"""
    with store.session() as session:
        dropped = session.execute(delete(Answer).where(Answer.kind == "pending"))
        return int(getattr(dropped, "rowcount", 0) or 0)


def load_answer(store: Store, key: str) -> str | None:
    """The kind of answer given to `key`, "pending", or None."""
    with store.session() as session:
        return session.scalar(select(Answer.kind).where(Answer.key == key))


def load_answer_counts(store: Store) -> dict[str, int]:
    """How many answers of each kind the store holds."""
    with store.session() as session:
        return {kind: count for kind, count in session.execute(
            select(Answer.kind, func.count()).group_by(Answer.kind))}


def load_refused_comments(store: Store) -> set[int]:
    """Comments whose claims `roadmap respond` turned down, so that they claim nothing:
    from its own record, and from its answers' markers in bots' comments that a sync
    brought in (a workflow's answers, made without this store)."""
    found: set[int] = set()
    with store.session() as session:
        for key, in session.execute(select(Answer.key).where(
                Answer.key.like("comment:%"), Answer.kind.in_(sorted(HOLDS_NOTHING)))):
            found.add(int(key.rsplit(":", 1)[1]))
        for body, in session.execute(select(Comment.body).where(
                or_(Comment.author_is_bot.is_(True), Comment.author.like("%[bot]")),
                Comment.body.like(f"%{MARKER}answer to %"))):
            found.update(int(m[1]) for m in ANSWERED.finditer(body) if m[2] in HOLDS_NOTHING)
    return found


@dataclass(slots=True, frozen=True)
class PendingDelivery:
    """A delivery accepted and not yet worked on."""

    seq: int
    delivery: str
    event: str
    payload: str
    attempts: int


def save_delivery(store: Store, delivery: str, event: str, payload: str,
                  at: datetime) -> bool:
    """Keep an accepted delivery; False when one with this id came before."""
    with store.session() as session:
        statement = store._insert(Delivery).values(
            delivery=delivery, event=event, received_at=at, payload=payload,
            state="pending", attempts=0)
        made = session.execute(statement.on_conflict_do_nothing(
            index_elements=["delivery"]).returning(Delivery.seq))
        return made.first() is not None


def load_next_delivery(store: Store) -> PendingDelivery | None:
    """The oldest delivery still to work on."""
    with store.session() as session:
        row = session.execute(
            select(Delivery.seq, Delivery.delivery, Delivery.event, Delivery.payload,
                   Delivery.attempts)
            .where(Delivery.state == "pending").order_by(Delivery.seq).limit(1)).first()
        return None if row is None else PendingDelivery(row[0], row[1], row[2], row[3] or "",
                                                        row[4])


def finish_delivery(store: Store, seq: int, outcome: str, at: datetime,
                    failed: bool = False) -> None:
    """A delivery is done (its payload dropped), or failed once more (kept to try again,
    up to MAX_ATTEMPTS)."""
    with store.session() as session:
        row = session.get(Delivery, seq)
        if row is None:
            return
        row.attempts += 1
        row.outcome = outcome[:1000]
        if not failed or row.attempts >= MAX_ATTEMPTS:
            row.state, row.payload, row.done_at = ("failed" if failed else "done"), None, at


def load_delivery_counts(store: Store) -> dict[str, int]:
    """How many deliveries are pending, done and failed."""
    with store.session() as session:
        return {state: count for state, count in session.execute(
            select(Delivery.state, func.count()).group_by(Delivery.state))}
