"""Which lifecycle actions a user is offered on a page, and why one is refused: the same rules
the use cases enforce on the POST, so the page and the refusal never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from schemeops.service.context import Actor
from schemeops.service.payout_conflicts import PayoutConflictItem, describe
from schemeops.service.policy import allowed
from schemeops.store.models import Period, ProgramVersion, Run

#: An action that is not offered at all (the role or the state does not fit).
HIDDEN = None


@dataclass(frozen=True)
class Choice:
    """An action offered on a page: refused with `why_not` (shown beside a disabled button),
    or taken after the user confirms `confirm` (empty: nothing irreversible to confirm)."""

    why_not: str = ""
    confirm: str = ""

    @property
    def enabled(self) -> bool:
        """Whether the user can take it now."""
        return not self.why_not


@dataclass(frozen=True)
class VersionActions:
    """The lifecycle actions on a program version; None where not offered."""

    submit: Choice | None
    approve: Choice | None
    reject: Choice | None
    go_live: Choice | None
    close: Choice | None
    #: Approve a version its guards hold, over them (a second approver, with a comment).
    override: Choice | None = HIDDEN


def own_version(actor: Actor, v: ProgramVersion) -> str:
    """Why the actor may not decide on the version (its author), or ''."""
    return ("you wrote this version; another approver must decide on it"
            if v.author_id == actor.user_id else "")


def held_refusal(actor: Actor, v: ProgramVersion, held_by: int) -> str:
    """Why the actor may not override the guards holding the version, or ''."""
    return own_version(actor, v) or ("you gave the approval its guards hold; a second "
                                     "approver must override" if held_by == actor.user_id
                                     else "")


def version_actions(actor: Actor, v: ProgramVersion, *, held_by: int | None = None
                    ) -> VersionActions:
    """What the actor is offered on the version in its state; `held_by`: the user whose
    approval its guards hold (docs/guards.md)."""
    name = f"version {v.number} of {v.program_id}"
    decide = v.status == "submitted" and allowed(actor, "programs.decide")
    override = HIDDEN
    if decide and held_by is not None:
        override = Choice(held_refusal(actor, v, held_by),
                          f"Approve {name} over its blocking guards? Your comment and the "
                          "verdicts are recorded in the audit trail.")
    publish = allowed(actor, "programs.publish")
    live = [o for o in v.program.versions if o.status == "live" and o.id != v.id]
    replaces = f"; version {live[0].number}, live now, will be closed" if live else ""
    return VersionActions(
        # a submitted text can be rejected and redrafted: nothing to confirm
        submit=Choice() if v.status == "draft" and allowed(actor, "programs.write") else HIDDEN,
        approve=Choice(own_version(actor, v), f"Approve {name}? Once approved it can go live.")
        if decide and override is HIDDEN else HIDDEN,
        reject=Choice(own_version(actor, v),
                      f"Reject {name}? It cannot be submitted again; a new draft starts "
                      "from it.") if decide else HIDDEN,
        go_live=Choice(confirm=f"Make {name} live? The next calculations pay it{replaces}.")
        if v.status == "approved" and publish else HIDDEN,
        close=Choice(confirm=f"Close {name}? It will no longer be calculated, and a closed "
                     "version cannot go live again.")
        if v.status == "live" and publish else HIDDEN,
        override=override)


@dataclass(frozen=True)
class RunActions:
    """The payout actions on a run; None where not offered. `copy` is set when the export
    would only repeat credit notes already exported (no new one)."""

    approve: Choice | None
    reject: Choice | None
    export: Choice | None
    copy: bool


def own_run(actor: Actor, run: Run) -> str:
    """Why the actor may not decide on the run's payouts (its starter), or ''."""
    return ("you started this run; another approver must decide on its payouts"
            if run.started_by == actor.user_id else "")


def approve_refusal(actor: Actor, run: Run, conflicts: list[PayoutConflictItem]) -> str:
    """Why the actor may not approve the run's payouts now, or ''; every conflict named."""
    return own_run(actor, run) or (describe(conflicts) if conflicts else "")


def run_actions(actor: Actor, run: Run, *, conflicts: list[PayoutConflictItem],
                exported: int, new_notes: int) -> RunActions:
    """What the actor is offered on the run's payouts: `exported` exports so far, `new_notes`
    credit notes a new export would add."""
    pending = (run.kind == "calculation" and run.status == "succeeded"
               and run.payout_status == "pending" and allowed(actor, "runs.approve"))
    name = f"run {run.id}"
    total = f"{run.total_payout:,.2f}" if run.total_payout is not None else "0.00"
    copy = exported > 0 and new_notes == 0
    export = HIDDEN
    if run.payout_status == "approved" and allowed(actor, "exports.create"):
        export = Choice() if copy else Choice(
            confirm=f"Export {new_notes} new credit note{'s' if new_notes != 1 else ''} of "
                    f"{name}? Each is recorded as sent and never paid again.")
    return RunActions(
        approve=Choice(approve_refusal(actor, run, conflicts),
                       f"Approve the payouts of {name}, {total} in all? Approved payouts "
                       "are exported as credit notes.") if pending else HIDDEN,
        reject=Choice(own_run(actor, run),
                      f"Reject the payouts of {name}? Nothing of it will be paid; a new run "
                      "is needed.") if pending else HIDDEN,
        export=export, copy=copy)


def unpaid_period(paying_run: int | None) -> str:
    """Why a period cannot be closed (no approved calculation pays it), or ''."""
    return ("no approved calculation pays this period yet; approve a run first"
            if paying_run is None else "")


def period_close(actor: Actor, p: Period, paying_run: int | None) -> Choice | None:
    """The close action on a period, given the approved run that would be sealed."""
    if p.status != "open" or not allowed(actor, "periods.close"):
        return HIDDEN
    if paying_run is None:
        return Choice(unpaid_period(paying_run))
    return Choice(confirm=f"Close {p.program_id} from {p.start} to {p.end}? Run {paying_run}'s "
                  "payouts for it are sealed; later changes come as corrections.")
