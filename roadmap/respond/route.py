"""Which answer an event gets: a comment's claim, a scheduled sweep, an issue or pull
request kept current in the store."""

from __future__ import annotations

from roadmap.respond.answer import answer_comment
from roadmap.respond.housekeeping import sweep
from roadmap.respond.responder import Outcome, Responder, keep_gone, keep_issue, keep_pull
from roadmap.respond.trigger import SCHEDULED, Trigger


def respond(responder: Responder, trigger: Trigger) -> list[Outcome]:
    """Answer what the event asks, keep the store current, and say what was done."""
    if trigger.event == "issue_comment":
        return [answer_comment(responder, trigger)]
    if trigger.event in SCHEDULED:
        return sweep(responder, [trigger.repo] if trigger.repo else None)
    if trigger.event == "issues" and trigger.issue is not None and trigger.repo:
        if not responder.dry_run:
            if trigger.action in ("deleted", "transferred"):
                keep_gone(responder, trigger.repo, trigger.issue.number, trigger.action)
            else:
                keep_issue(responder, trigger.repo, trigger.issue)
        return [Outcome(trigger.ref, "kept", f"{trigger.ref}: {trigger.action}; kept")]
    if trigger.event == "pull_request" and trigger.pull is not None:
        return [keep_pull(responder, trigger)]
    return [Outcome(trigger.ref, "ignored", f"{trigger.event} event: nothing to do")]
