"""What an action did, told on the page it leads to: the action's redirect carries
`?done=<key>`, and the page shows the fixed sentence of that key (never text from the URL)."""

from __future__ import annotations

from fastapi import Request

OUTCOMES: dict[str, str] = {
    "drafted": "Draft saved.",
    "submitted": "Submitted for approval: another approver decides on it next.",
    "approved": "Approved: a publisher can make it live now.",
    "rejected": "Rejected, with your comment.",
    "held": "Held: a guard blocks it. Your approval is recorded; a second approver can "
            "override the guards with a comment.",
    "overridden": "Approved over its guards, with your comment: a publisher can make it "
                  "live now.",
    "live": "Live: the next calculations pay it.",
    "version_closed": "Closed: it is no longer calculated.",
    "payouts_approved": "Payouts approved: they can be exported as credit notes now.",
    "payouts_rejected": "Payouts rejected, with your comment: nothing of this run is paid.",
    "period_closed": "Period closed: its approved payouts are sealed.",
    "case_decided": "Decision recorded: the held payouts pay what it allows.",
    "claim_decided": "Decision recorded on the claim.",
    "dispute_answered": "Message sent.",
    "dispute_assigned": "Assigned.",
    "dispute_resolved": "Resolution recorded.",
    "effect_estimated": "Effect estimated on the warehouse as it is now, and stored.",
    "retry_queued": "Due now: the delivery loop sends it within seconds.",
    "webhook_added": "Endpoint added: the events of its types are sent to it from now on.",
    "webhook_disabled": "Endpoint disabled: nothing more is sent to it.",
    "job_started": "Started: its record appears in the history below when it finishes "
                   "(reload the page).",
}


def outcome(request: Request) -> str:
    """The sentence for the request's `done` key, or '' when there is none (or it is unknown)."""
    return OUTCOMES.get(request.query_params.get("done", ""), "")


def done(path: str, key: str) -> str:
    """`path` carrying the outcome `key` (one of OUTCOMES)."""
    return f"{path}?done={key}"
