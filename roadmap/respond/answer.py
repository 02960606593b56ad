"""`roadmap respond`: answer claims on GitHub where they are made, in a comment.

A GitHub event (from an Actions workflow's event file, or a webhook delivery) is read
into a `Trigger`; a comment that claims or releases a roadmap issue gets one answer.
The decision is made on the live issue (the payload may be old), as it stood when the
comment was made: two `/claim` comments at once are answered in the order GitHub made
them, whichever is worked on first. Every answer is reserved in the store before it is
written and carries a marker on GitHub, so a comment is never answered twice, even by a
run without the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from roadmap.github.client import NotFound
from roadmap.markers import ANSWERED, HOLDS_NOTHING, MARKER, answered_marker
from roadmap.model import (
    Claim,
    IssueRecord,
    RemoteComment,
    RemoteEvent,
    RemoteIssue,
    RemotePull,
)
from roadmap.parse.comments import comment_intent
from roadmap.respond import text as text
from roadmap.respond.claim import record_of
from roadmap.respond.responder import Outcome, Responder, keep_issue
from roadmap.respond.text import Terms
from roadmap.respond.trigger import Trigger
from roadmap.store.answers import (
    ABANDONED,
    drop_reservation,
    load_answer,
    reserve_answer,
    save_answer,
)
from roadmap.track.claims import derive_all_claims, derive_claims
from roadmap.track.links import ManualLink, link_items

# -- answering ---------------------------------------------------------------------------------


def from_bot(responder: Responder, comment: RemoteComment) -> bool:
    """A bot's comment (this tool's own answers included) is never answered."""
    author = comment.author or ""
    if comment.author_is_bot or not author or author.lower().endswith("[bot]"):
        return True
    if MARKER in comment.body:
        return True
    return author.lower() == responder.own_login().lower()


def answer_comment(responder: Responder, trigger: Trigger) -> Outcome:
    """Answer one comment that claims or releases, once."""
    comment, ref, repo = trigger.comment, trigger.ref, trigger.repo
    assert comment is not None and ref is not None and repo is not None
    if trigger.action not in ("created", "edited"):
        return Outcome(ref, "ignored", f"{ref}: comment {trigger.action}; nothing to do")
    if from_bot(responder, comment):
        return Outcome(ref, "ignored", f"{ref}: a bot's comment; not answered")
    if comment_intent(comment, responder.patterns) is None:
        if not responder.dry_run and trigger.issue is not None:
            keep_issue(responder, repo, trigger.issue, [comment])
        return Outcome(ref, "no command", f"{ref}: comment {comment.id} claims nothing")
    key = f"comment:{repo.lower()}:{comment.id}"
    outcome = answer_once(responder, key, repo, comment.issue_number,
                          lambda: _answer(responder, repo, comment.issue_number, comment.id))
    if outcome is None and load_answer(responder.store, key) == "pending":
        return Outcome(ref, "being answered", f"{ref}: comment {comment.id} is being answered "
                       f"by another run (one that stopped midway is retried after "
                       f"{ABANDONED.seconds // 60} minutes)")
    if outcome is None:
        return Outcome(ref, "already answered", f"{ref}: comment {comment.id} was answered")
    return outcome


def answer_once(responder: Responder, key: str, repo: str, number: int,
                write: Callable[[], Outcome]) -> Outcome | None:
    """Write the answer `key` names at most once; None when it is answered or being
    answered. It is reserved in the store before it is written (a second worker finds the
    reservation), recorded after, and the reservation dropped when writing fails, so a
    later run tries again; a dry run reserves nothing."""
    store = responder.store
    if load_answer(store, key) is not None:
        return None
    if not responder.dry_run and not reserve_answer(store, key, repo, number,
                                                    responder.clock()):
        return None
    try:
        outcome = write()
    except BaseException:
        if not responder.dry_run:
            drop_reservation(store, key)
        raise
    if not responder.dry_run:
        save_answer(store, key, outcome.kind, outcome.url)
    return outcome


@dataclass(slots=True)
class Decision:
    """An answer decided: its kind, who to assign or unassign, and its text (given
    whether GitHub took the assignment)."""

    kind: str
    render: Callable[[bool], str]
    assign: str | None = None
    unassign: list[str] = field(default_factory=list)


def _answer(responder: Responder, repo: str, number: int, comment_id: int) -> Outcome:
    client = responder.client
    ref = f"{repo}#{number}"
    try:
        parts = client.fetch_record_parts(repo, number)
    except NotFound:
        return Outcome(ref, "gone", f"{ref}: gone from GitHub; not answered")
    record = record_of(repo, *parts)
    live = next((c for c in record.comments if c.id == comment_id), None)
    if live is None:
        return Outcome(ref, "gone", f"{ref}: comment {comment_id} was deleted; not answered")
    answered = answers_on(responder, record)
    if comment_id in answered:
        return Outcome(ref, "already answered", f"{ref}: comment {comment_id} was answered")
    intent = comment_intent(live, responder.patterns)
    if intent is None:
        return Outcome(ref, "no command", f"{ref}: comment {comment_id} claims nothing now")
    refused = {cid for cid, kind in answered.items() if kind in HOLDS_NOTHING}
    decision = decide(responder, record, live, intent, refused)
    return _write(responder, record, parts, live, decision)


def answers_on(responder: Responder, record: IssueRecord) -> dict[int, str]:
    """The comments this tool answered on an issue, and how, from its answers' markers."""
    found: dict[int, str] = {}
    for comment in record.comments:
        if by_answerer(responder, comment):
            for match in ANSWERED.finditer(comment.body):
                found[int(match[1])] = match[2]
    return found


def by_answerer(responder: Responder, comment: RemoteComment) -> bool:
    """Whether a comment is a bot's or the token's own account's: only their markers are
    believed (anyone else could type one, to hide someone's claim or a reminder)."""
    return comment.author_is_bot or is_answerer(responder, comment.author or "")


def is_answerer(responder: Responder, login: str) -> bool:
    """Whether `login` is a bot (a `[bot]` login) or the token's own account."""
    return login.lower().endswith("[bot]") or (
        bool(login) and login.lower() == responder.own_login().lower())


def began_on_record(record: IssueRecord, claim: Claim) -> bool:
    """Whether GitHub shows when a claim began: a comment or a pull request does; an
    assignment does by its event. An assignee without one (older than the history GitHub
    keeps) is dated from the issue's creation, which is not when the claim began: such a
    claim is never stale, neither handed over, reminded nor released."""
    if claim.kind != "assigned":
        return True
    login = claim.login.lower()
    return any(e.event == "assigned" and (e.subject or "").lower() == login
               for e in record.events)


def decide(responder: Responder, record: IssueRecord, comment: RemoteComment,
           intent: str, refused: set[int] | None = None) -> Decision:
    """What to answer a claim or release, on the issue as it stood when it was made;
    `refused`: comments whose claims this tool turned down, which hold nothing."""
    login = comment.author or ""
    config = responder.config
    terms = Terms(record.ref, item_of(responder, record), config.claim_expiry_days,
                  config.label)
    if record.is_pull_request:
        return Decision("pull request", lambda _: text.render_pull_request(terms, login))
    if config.label.lower() not in (name.lower() for name in record.labels):
        return Decision("not on roadmap", lambda _: text.render_not_on_roadmap(terms, login))
    if record.state == "closed":
        return Decision("closed", lambda _: text.render_closed(terms, login))
    at = comment.updated_at
    then = before(record, comment, lambda actor: is_answerer(responder, actor))
    then.comments = [c for c in then.comments if c.id not in (refused or set())]
    claims = derive_claims(then, at, config.claim_expiry_days, responder.patterns)
    mine = [c for c in claims if c.login.lower() == login.lower()]
    if intent == "release":
        return _release(terms, record, login, mine)
    others = [c for c in claims if c.login.lower() != login.lower()]
    active = [c for c in others if not c.stale or not began_on_record(then, c)]
    if active:
        holder = active[0]
        if not began_on_record(then, holder):
            return Decision("refused", lambda _: text.render_refused_assignee(
                terms, login, holder.login))
        return Decision("refused", lambda _: text.render_refused(
            terms, login, holder.login, holder.since, holder.last_activity))
    if mine and not mine[0].stale:
        held = mine[0]
        return Decision("already held", lambda _: text.render_already_held(
            terms, login, held.since, held.last_activity))
    capped = over_cap(responder, record, login)
    if capped:
        cap = config.housekeeping.max_claims
        return Decision("over cap", lambda _: text.render_over_cap(terms, login, capped, cap))
    if others:
        assigned = {a.lower() for a in record.assignees}
        old = [(c.login, c.last_activity, c.login.lower() in assigned) for c in others]
        gone = [c.login for c in others if c.login.lower() in assigned]
        return Decision("handed over", lambda took: text.render_handed_over(
            terms, login, at, took, old), assign=login, unassign=gone)
    return Decision("claimed", lambda took: text.render_claimed(terms, login, at, took),
                    assign=login)


def _release(terms: Terms, record: IssueRecord, login: str, mine: list[Claim]) -> Decision:
    if not mine:
        return Decision("not held", lambda _: text.render_not_held(terms, login))
    assigned = login.lower() in (a.lower() for a in record.assignees)
    return Decision("released", lambda _: text.render_released(terms, login, assigned),
                    unassign=[login] if assigned else [])


def before(record: IssueRecord, comment: RemoteComment,
           ours: Callable[[str], bool] = lambda _: False) -> IssueRecord:
    """The issue as it stood when `comment` was made: earlier comments and events only,
    and the assignees of then (one with no assignment event predates the history).

    An event in the comment's second comes after it, as claims order them: GitHub's
    times are whole seconds, and this tool's own assignment, made in answer, is often in
    that second (a retry after a failed answer must not read it as an earlier claim).
    This tool's assignments and unassignments of others (`ours(actor)`) are left out:
    each answers a claim or a release the comments already show, and made late (a
    backlog) it would read as a claim after the claimant's `/unclaim`, or a release after
    their next `/claim`."""
    at, order = comment.created_at, (comment.created_at, comment.id)
    answered = {e.id for e in record.events if e.event in ("assigned", "unassigned") and
                e.actor and ours(e.actor) and (e.subject or "").lower() != e.actor.lower()}
    events = [e for e in record.events if e.created_at < at and e.id not in answered]
    assigned_later = {(e.subject or "").lower() for e in record.events
                      if e.event == "assigned" and e.created_at >= at}
    assigned_then = {(e.subject or "").lower() for e in events if e.event == "assigned"}
    by_answers = {(e.subject or "").lower() for e in record.events
                  if e.id in answered and e.event == "assigned"}
    assignees = [a for a in record.assignees if a.lower() in assigned_then or (
        a.lower() not in assigned_later and a.lower() not in by_answers)]
    comments = [c for c in record.comments if (c.created_at, c.id) < order]
    return replace(record, comments=comments, events=events, assignees=assignees)


def item_of(responder: Responder, record: IssueRecord) -> tuple[str | None, str] | None:
    """The roadmap item an issue serves: its number and title."""
    manual = [ManualLink(*entry) for entry in responder.store.load_manual_links()]
    links = link_items(responder.items, [record], manual)
    if not links:
        return None
    found = next((i for i in responder.items if i.id == links[0].item_id), None)
    if found is None:
        return None
    return found.number, found.title


def over_cap(responder: Responder, record: IssueRecord, login: str) -> list[str]:
    """The other issues `login` actively holds, when that is the cap or more; else []."""
    cap = responder.config.housekeeping.max_claims
    if not cap:
        return []
    config, now = responder.config, responder.clock()
    held = set(responder.client.fetch_assigned(record.repo, config.label, login))
    records = responder.store.load_records()
    for ref, claims in derive_all_claims(records, now, config.claim_expiry_days,
                                         responder.patterns).items():
        if any(c.login.lower() == login.lower() and not c.stale for c in claims):
            held.add(ref)
    held.discard(record.ref)
    return sorted(held) if len(held) >= cap else []


def _write(responder: Responder, record: IssueRecord,
           parts: tuple[RemoteIssue, list[RemoteComment], list[RemoteEvent], list[RemotePull]],
           comment: RemoteComment, decision: Decision) -> Outcome:
    """Assign or unassign, then answer (the text says whether GitHub took it)."""
    repo, number, client = record.repo, record.number, responder.client
    path = f"/repos/{repo}/issues/{number}"
    calls = [f"POST {path}/assignees ['{decision.assign}']"] if decision.assign else []
    calls += [f"DELETE {path}/assignees ['{old}']" for old in decision.unassign]
    summary = f"{record.ref}: {decision.kind} (comment {comment.id} by @{comment.author})"
    if responder.dry_run:
        body = _signed(decision.render(True), comment.id, decision.kind)
        return Outcome(record.ref, decision.kind, summary,
                       [*calls, f"POST {path}/comments {body!r}"], body)
    issue, took = parts[0], False
    if decision.assign:
        issue = client.set_assignee(repo, number, decision.assign, add=True)
        took = decision.assign.lower() in (a.lower() for a in issue.assignees)
    for old in decision.unassign:
        issue = client.set_assignee(repo, number, old, add=False)
    kind = decision.kind if took or not decision.assign else f"{decision.kind} by comment"
    body = _signed(decision.render(took), comment.id, kind)
    answer = client.post_comment(repo, number, body)
    keep_issue(responder, repo, issue, [*parts[1], answer], parts)
    return Outcome(record.ref, kind, summary.replace(decision.kind, kind, 1),
                   [*calls, f"POST {path}/comments {body!r}"], body, answer.html_url)


def _signed(body: str, comment_id: int, kind: str) -> str:
    return f"{body}\n\n{answered_marker(comment_id, kind)}"


