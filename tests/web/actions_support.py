"""A store where run approvals conflict, on top of the World: ytd_gated_monthly (three
monthly periods) paid by an approved run, and a pending run that would pay volume_growth and
ytd_gated_monthly again, with world.program's (mbo_targets) period paid by nobody yet."""

from __future__ import annotations

from dataclasses import dataclass

from webkit import World, example

from schemeops.service import periods, programs, runs
from schemeops.service.context import Actor, App
from schemeops.store.models import User


@dataclass(frozen=True)
class Conflicted:
    """The ids the action tests use."""

    paid_ytd: int  # run approved by approver2, paying ytd_gated_monthly's three months
    pending: int  # run started by approver: volume_growth, ytd_gated_monthly, mbo_targets
    unpaid_period: int  # world.program's (mbo_targets) period: only the pending run pays it


def conflicted(app: App, world: World) -> Conflicted:
    """Build the runs above (two calculations on the shared warehouse)."""
    with app.sessions.begin() as s:
        who = {u.username: Actor.of(u) for u in s.query(User)}
        programs.decide(s, who["approver"], world.version, approve=True, comment="fine")
        programs.go_live(s, who["approver"], world.version)
        ytd = programs.create_draft(s, who["designer"], example("ytd_gated_monthly"))
        programs.submit(s, who["designer"], ytd.id)
        programs.decide(s, who["approver"], ytd.id, approve=True, comment="fine")
        programs.go_live(s, who["approver"], ytd.id)
        paid = runs.start(s, who["approver"], [ytd.id], reason="festive months").id
    runs.execute(app, paid)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, who["approver2"], paid, approve=True)
        pending = runs.start(s, who["approver"], [world.live_version, ytd.id, world.version],
                             reason="all again").id
    runs.execute(app, pending)
    with app.sessions.begin() as s:
        [unpaid] = [p.id for p in periods.list_periods(s, who["admin"], world.program)]
    return Conflicted(paid, pending, unpaid)
