"""Why one of the participant's own payouts is what it is: the story its run stored, in the
program's display names. Another participant's payout is refused, never shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from schemeops.engine.story import Explanation, stories
from schemeops.program.display import Display
from schemeops.service.context import Actor
from schemeops.service.displays import Displays
from schemeops.service.errors import Forbidden, NotFound
from schemeops.service.portal import (
    ComponentProgress,
    component_lines,
    participant_of,
    standing_of,
    true_end,
)
from schemeops.service.reports import stored_rows, stored_warnings
from schemeops.store.models import Payout, Run


@dataclass(frozen=True)
class PayoutExplanation:
    """One payout, where it stands, and its story (None when its run stored no lines)."""

    payout_id: int
    run_id: int
    program_id: str
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    standing: str
    display: Display
    story: Explanation | None
    #: Each slab component's next step by component id (`portal.component_lines`).
    steps: dict[str, ComponentProgress]


def explain_payout(s: Session, actor: Actor, payout_id: int, *,
                   displays: Displays | None = None) -> PayoutExplanation:
    """The explanation of the actor's own payout `payout_id`; Forbidden for another's."""
    pid = participant_of(actor, None)
    p = s.get(Payout, payout_id)
    if p is None:
        raise NotFound(f"no payout {payout_id}")
    if p.participant_id != pid:
        raise Forbidden("you may see only your own payouts")
    run = s.get(Run, p.run_id)
    shown = (displays or Displays()).of(s.connection(), {p.version_id}).get(p.version_id)
    display = shown.display if shown else Display(p.program_id, {}, {})
    rows = [r for r in stored_rows(s, run.id, pid)
            if r.program_id == p.program_id and r.period_start == p.period_start]
    told = stories(rows, names={p.program_id: display.label},
                   warnings=stored_warnings(s, run.id, pid))
    end = true_end(shown, p.period_start, p.period_end)
    standing = "rejected" if run.payout_status == "rejected" \
        else str(standing_of(run.payout_status, run.as_of, end))
    steps = {c.component: c for c in component_lines(rows, shown)}
    return PayoutExplanation(p.id, run.id, p.program_id, p.period_start, end,
                             p.amount, standing, display, told[0] if told else None, steps)
