"""Value at risk: what the programs would pay without a finding's evidence rows.

One counterfactual calculation per kind, with every sales line that kind flagged left out
(an anti-join on the Data object, no copy on disk). Each finding is given the payout
difference of its own participant in the program periods that overlap its month.

A participant's payout reads only its own rows and those of the participants it manages (a
distributor's billed channels, a rep's roll-up), except through a program budget (every
payout scaled by the period's total). So the counterfactual runs on the flagged
participants' subtrees alone, not the whole network, and on the whole network only for
programs with a budget: the same figure for each finding, for a fraction of the work.
What the left-out rows move elsewhere (the roll-ups of reps and managers, budgets, the
counterparty of a circular flow) is the `spill`, measured only when asked (`whole=True`:
every program on the whole network)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis
import ibis.expr.types as ir

from schemeops.engine.calc import calculate
from schemeops.engine.caps import KEYS
from schemeops.engine.data import Data
from schemeops.engine.exact import as_dec
from schemeops.engine.kpis import managed_pairs
from schemeops.program.model import Program

_KEYS = ["program_id", "participant_id", "period_start", "period_end"]


@dataclass(frozen=True)
class KindRisk:
    """A kind's value at risk per finding (finding_id, value_at_risk), and its spill (the
    payout moves of participants without a finding) when measured, else None."""

    per_finding: ir.Table
    spill: ir.Table | None


def payouts(programs: list[Program], data: Data) -> ir.Table:
    """program_id, participant_id, period_start, period_end, payout (decimal) of every
    program."""
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
    totals and recorded named invoices and their returns are derived again from what is
    left."""
    sales = data.sales.anti_join(lines, ["invoice_id", "line_no"])
    return replace(data, sales=sales, daily=None, facts=None, named=None, returns=None)


def subtrees(participants: ir.Table, ids: ir.Table) -> ir.Table:
    """participant_id: the participants in `ids` and every participant they manage."""
    pairs = managed_pairs(participants, "subtree")
    below = pairs.semi_join(ids, pairs.anc == ids.participant_id)
    return ids.select("participant_id").union(
        below.select(participant_id=below.desc), distinct=True)


def only_participants(data: Data, ids: ir.Table) -> Data:
    """`data` with only the participants in `ids` and their rows of sales, primary sales and
    payments (master data and targets as they are; derived tables derived again)."""
    def of(t: ir.Table, column: str) -> ir.Table:
        return t.semi_join(ids, t[column] == ids.participant_id)

    return replace(data, participants=of(data.participants, "participant_id"),
                   sales=of(data.sales, "distributor_id"),
                   primary_sales=of(data.primary_sales, "distributor_id"),
                   payments=of(data.payments, "distributor_id"),
                   daily=None, facts=None, named=None, returns=None)


def pooled(program: Program) -> bool:
    """Whether a participant's payout depends on other sellers' rows: a program budget
    scales every payout by the period's total."""
    return program.caps.budget is not None


def counterfactual(programs: list[Program], data: Data, findings: ir.Table, lines: ir.Table,
                   *, whole: bool = False) -> ir.Table:
    """`payouts` without the sales `lines`, for the participants of `findings` at least: on
    their subtrees' rows for programs that are not `pooled`, on the whole network for the
    rest (and for every program when `whole`)."""
    own = [] if whole else [p for p in programs if not pooled(p)]
    rest = [p for p in programs if p not in own]
    parts = []
    if own:
        ids = subtrees(data.participants, findings.select("participant_id").distinct())
        parts.append(payouts(own, without_lines(only_participants(data, ids), lines)))
    if rest:
        parts.append(payouts(rest, without_lines(data, lines)))
    return ibis.union(*parts, distinct=False)


def kind_risk(programs: list[Program], data: Data, base: ir.Table, findings: ir.Table,
              lines: ir.Table, *, whole: bool = False) -> KindRisk:
    """Value at risk of one kind's `findings` (finding_id, participant_id, period_start,
    period_end) with its evidence `lines` (invoice_id, line_no) left out; `base` is
    `payouts` on all the data. With `whole`, every counterfactual runs on the whole network
    and the spill is measured."""
    cf = counterfactual(programs, data, findings, lines, whole=whole).rename(cf="payout")
    j = base.left_join(cf, _KEYS)
    diff = j.select(*[base[k] for k in _KEYS], delta=base.payout - j.cf.fill_null(0))
    f = findings
    hit = f.join(diff, (f.participant_id == diff.participant_id)
                 & (diff.period_start <= f.period_end) & (diff.period_end >= f.period_start))
    per = hit.group_by(hit.finding_id).agg(value_at_risk=hit.delta.sum())
    per = f.select("finding_id").left_join(per, "finding_id")
    per = per.select(f.finding_id, value_at_risk=per.value_at_risk.fill_null(0).pipe(as_dec, 2))
    if not whole:
        return KindRisk(per, None)
    moved = diff.filter(diff.delta != 0).anti_join(f.select("participant_id"), "participant_id")
    return KindRisk(per, moved.select("program_id", "participant_id", "period_start", "delta"))
