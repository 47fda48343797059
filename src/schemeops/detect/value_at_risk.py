"""Value at risk: what the programs would pay without a finding's evidence rows.

One counterfactual calculation per kind, with every sales line that kind flagged left out
(an anti-join on the Data object, no copy on disk). A participant's payout depends only on
its own rows, except through roll-ups to reps and managers and program budgets; so each
finding is given the payout difference of its own participant in the program periods that
overlap its month, and `spill` counts the participants without a finding whose payout moved
all the same (0 when the attribution is exact)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis
import ibis.expr.types as ir

from schemeops.engine.calc import calculate
from schemeops.engine.caps import KEYS
from schemeops.engine.data import Data
from schemeops.engine.exact import as_dec
from schemeops.program.model import Program


@dataclass(frozen=True)
class KindRisk:
    """A kind's value at risk per finding (finding_id, value_at_risk) and its spill."""

    per_finding: ir.Table
    spill: ir.Table


def payouts(programs: list[Program], data: Data) -> ir.Table:
    """participant_id, period_start, period_end, payout (decimal) of every program."""
    results, _ = calculate(programs, data, as_of=None, keep=lambda t: t)
    parts = []
    for r in results:
        dates = r.wide.select(*KEYS, "period_start", "period_end")
        j = r.payouts.join(dates, KEYS)
        parts.append(j.select(program_id=ibis.literal(r.program.id),
                              participant_id=j.participant_id, period_start=j.period_start,
                              period_end=j.period_end, payout=j.payout.pipe(as_dec, 2)))
    return ibis.union(*parts, distinct=False)


def without_lines(data: Data, lines: ir.Table) -> Data:
    """`data` with the sales lines keyed in `lines` (invoice_id, line_no) left out; the day
    totals and recorded named invoices are derived again from what is left."""
    sales = data.sales.anti_join(lines, ["invoice_id", "line_no"])
    return replace(data, sales=sales, daily=None, facts=None, named=None)


def kind_risk(programs: list[Program], data: Data, base: ir.Table, findings: ir.Table,
              lines: ir.Table) -> KindRisk:
    """Value at risk of one kind's `findings` (finding_id, participant_id, period_start,
    period_end) with its evidence `lines` (invoice_id, line_no) left out."""
    cf = payouts(programs, without_lines(data, lines)).rename(cf="payout")
    keys = ["program_id", "participant_id", "period_start", "period_end"]
    j = base.left_join(cf, keys)
    diff = j.select(*[base[k] for k in keys], delta=base.payout - j.cf.fill_null(0))
    f = findings
    hit = f.join(diff, (f.participant_id == diff.participant_id)
                 & (diff.period_start <= f.period_end) & (diff.period_end >= f.period_start))
    per = hit.group_by(hit.finding_id).agg(value_at_risk=hit.delta.sum())
    per = f.select("finding_id").left_join(per, "finding_id")
    per = per.select(f.finding_id, value_at_risk=per.value_at_risk.fill_null(0).pipe(as_dec, 2))
    moved = diff.filter(diff.delta != 0).anti_join(f.select("participant_id"), "participant_id")
    return KindRisk(per, moved.select("program_id", "participant_id", "period_start", "delta"))
