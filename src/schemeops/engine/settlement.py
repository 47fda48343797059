"""Warnings for early-payment invoices short of a discount they look to have taken.

A distributor who pays an invoice net of its discount, but under `settlement: gross` or after
the tier has lapsed, earns nothing on it; these invoices are listed (typed rows, not text) so
that the 0 is never silent: in the run's manifest and in `explain`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from schemeops.engine.backends import fetch_now
from schemeops.engine.data import Data
from schemeops.engine.eligibility import heads_may_take_part
from schemeops.engine.exact import as_dec, dec, mul, pick, round_half_up
from schemeops.engine.kpis._common import attribute_rows, in_windows, window_table
from schemeops.engine.kpis.payments import discount_in_force, invoice_payments, invoices
from schemeops.engine.periods import windows_table
from schemeops.engine.runner import ProgramResult
from schemeops.program.model import EarlyPayment, EarlyTier

#: One paisa: a payment short by the discount and a paisa is still read as net of it.
PAISA = Decimal("0.01")
#: The columns of a warning row, in the manifest's order.
WARNING_COLUMNS = ("program_id", "kpi", "settlement", "distributor_id", "invoice_id",
                   "invoice_date", "total", "paid", "short", "tier_days", "tier_rate",
                   "discount", "warn_on")
_KEYS = ["invoice_id", "distributor_id", "invoice_date", "total"]


def deciding_tiers(tiers: tuple[EarlyTier, ...]) -> list[EarlyTier]:
    """The tiers that can decide an invoice's rate, best first: a tier is left out when
    another gives at least its rate for at least as many days."""
    kept: list[EarlyTier] = []
    for t in sorted(tiers, key=lambda t: (-t.days, -t.rate)):
        if not kept or t.rate > kept[-1].rate:
            kept.append(t)
    return kept[::-1]


def _paid_by_tier(kpi: EarlyPayment, j: ir.Table, tiers: list[EarlyTier]) -> ir.Table:
    """Per invoice, for each tier i: paid_i (what counts against it) and on_i (when the
    discount was lost), and `open` (whether the invoice may be warned about at all).

    Gross: paid within the tier's days, lost on its last day. Net: every payment, lost on
    the later of the last payment and the tier's last day, and only if no payment settled
    the invoice."""
    deadline = [j.invoice_date + ibis.interval(days=t.days) for t in tiers]
    if kpi.settlement == "gross":
        aggs = {f"paid_{i}": ibis.ifelse(j.paid_on <= d, j.amount, dec(0, 2)).sum()
                for i, d in enumerate(deadline)}
        aggs |= {f"on_{i}": d.max() for i, d in enumerate(deadline)}
        return j.group_by(_KEYS).agg(**aggs).mutate(open=ibis.literal(True))
    w = ibis.window(group_by=j.invoice_id, order_by=[j.paid_on, j.pay_id], rows=(None, 0))
    j = j.mutate(cum=j.amount.sum().over(w).pipe(as_dec, 2))
    settled = (j.total - j.cum).pipe(as_dec, 2) <= discount_in_force(kpi.tiers, j)
    j = j.mutate(settled=ibis.ifelse(settled, 1, 0))
    aggs = {f"paid_{i}": j.amount.sum() for i in range(len(tiers))}
    aggs |= {f"on_{i}": ibis.ifelse(j.paid_on > d, j.paid_on, d).max()
             for i, d in enumerate(deadline)}
    g = j.group_by(_KEYS).agg(settled=j.settled.max(), **aggs)
    return g.mutate(open=g.settled == 0)


def near_misses(kpi: EarlyPayment, data: Data) -> ir.Table:
    """Invoices short of their total by more than 0 and at most a tier's discount + 0.01,
    one row each for the best such tier: distributor_id, invoice_id, invoice_date, total,
    paid, short, tier_days, tier_rate, discount, warn_on."""
    inv = invoices(data)
    inv = inv.filter(inv.total > 0)
    pay = invoice_payments(data)
    tiers = deciding_tiers(kpi.tiers)
    g = _paid_by_tier(kpi, pay.join(inv, pay.pay_inv == inv.invoice_id), tiers)
    rows = []
    for i, t in enumerate(tiers):
        paid = g[f"paid_{i}"].pipe(as_dec, 2)
        short = (g.total - paid).pipe(as_dec, 2)
        discount = round_half_up(mul(g.total, dec(t.rate)), 2)
        missed = g.open & (paid > 0) & (short > 0) & (short <= (discount + dec(PAISA)))
        rows.append((missed, i, paid, short, t, discount, g[f"on_{i}"]))
    best = ibis.cases(*((r[0], r[1]) for r in rows), else_=ibis.null("int64"))
    g = g.mutate(_tier=best)
    g = g.filter(g._tier.notnull())

    def of(n: int) -> ir.Value:  # the chosen tier's value in column n of `rows`
        if len(rows) == 1:
            return rows[0][n]
        return ibis.cases(*((g._tier == r[1], r[n]) for r in rows[:-1]), else_=rows[-1][n])

    return g.select(
        "distributor_id", "invoice_id", "invoice_date", "total",
        paid=of(2).pipe(as_dec, 2), short=of(3).pipe(as_dec, 2),
        tier_days=ibis.cases(*((g._tier == i, t.days) for i, t in enumerate(tiers)),
                             else_=0).cast("int64"),
        tier_rate=pick(*((g._tier == i, dec(t.rate)) for i, t in enumerate(tiers)),
                       else_=dec(0)),
        discount=of(5).pipe(as_dec, 2), warn_on=of(6).cast("date"))


def _warned(kpi) -> bool:
    """Whether a KPI's invoices can earn 0 silently (whole-invoice early payment)."""
    return kpi.kind == "early_payment" and not kpi.pro_rata


def settlement_warnings(result: ProgramResult, data: Data) -> ir.Table | None:
    """The program's warnings, per participant and period they take part in: each warned
    invoice for its distributor and for the reps and managers whose KPI counts it, in the
    period containing warn_on; None when no KPI of the program is warned about."""
    program = result.program
    kpis = [k for k in program.kpis if _warned(k)]
    if not kpis:
        return None
    data = replace(data, heads=heads_may_take_part(program.participants))
    windows = window_table(windows_table(result.windows))
    parts = []
    for k in kpis:
        m = attribute_rows(in_windows(near_misses(k, data), "warn_on", windows), data, k.rollup)
        m = m.semi_join(result.wide, ["participant_id", "period_no"])
        parts.append(m.select(
            "participant_id", "period_no", program_id=ibis.literal(program.id),
            kpi=ibis.literal(k.id), settlement=ibis.literal(k.settlement),
            **{c: m[c] for c in WARNING_COLUMNS[3:]}))
    return ibis.union(*parts, distinct=False)


def warning_records(results: list[ProgramResult], data: Data, con: ibis.BaseBackend, *,
                    fetch: Callable[[ir.Table], Callable[[], pa.Table]] | None = None
                    ) -> list[dict[str, Any]]:
    """Every program's warned invoices, once each, as JSON-ready records sorted by
    program_id, kpi, distributor_id, invoice_id (decimals as text, dates ISO); the queries
    run by `fetch` (a run's `Executor.fetch`; default: on `con` straight away)."""
    fetch = fetch or fetch_now(con)
    pending = []
    for r in results:
        t = settlement_warnings(r, data)
        if t is not None:
            pending.append(fetch(t.select(*WARNING_COLUMNS).distinct()))
    out = [{k: _plain(v) for k, v in row.items()} for rows in pending
           for row in rows().to_pylist()]
    return sorted(out, key=lambda x: (x["program_id"], x["kpi"], x["distributor_id"],
                                      x["invoice_id"]))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def warning_text(row: dict[str, Any]) -> str:
    """One warning in words, for `explain`."""
    head = (f"WARNING: invoice {row['invoice_id']} of {row['distributor_id']} "
            f"({row['total']:,.2f}, {row['invoice_date']:%d %b %Y}) earns no "
            f"{row['kpi']} discount: ")
    tier = f"{row['tier_rate'].normalize():f} within {row['tier_days']} days"
    if row["settlement"] == "gross":
        return head + (f"paid {row['paid']:,.2f} within {row['tier_days']} days, short "
                       f"{row['short']:,.2f}, about the {row['discount']:,.2f} discount of "
                       f"the {tier} tier, but settlement is gross (paid in full)")
    return head + (f"paid {row['paid']:,.2f}, owed {row['short']:,.2f}, about the "
                   f"{row['discount']:,.2f} discount of the {tier} tier; settled net, what "
                   "is owed must be at most the discount of the tier in force on the day "
                   "of the payment")


def participant_warnings(result: ProgramResult, data: Data, con: ibis.BaseBackend,
                         participant_id: str) -> dict[int, tuple[str, ...]]:
    """The participant's warnings in words, by period_no, sorted by kpi and invoice."""
    t = settlement_warnings(result, data)
    if t is None:
        return {}
    rows = con.to_pyarrow(t.filter(t.participant_id == participant_id)).to_pylist()
    out: dict[int, list[str]] = {}
    for row in sorted(rows, key=lambda x: (x["period_no"], x["kpi"], x["invoice_id"])):
        out.setdefault(row["period_no"], []).append(warning_text(row))
    return {k: tuple(v) for k, v in out.items()}


def participant_warning_records(results: list[ProgramResult], data: Data,
                                con: ibis.BaseBackend) -> list[dict[str, Any]]:
    """Every program's warnings per participant and period they take part in (typed: the
    WARNING_COLUMNS with participant_id, period_start, period_end), for the store."""
    out: list[dict[str, Any]] = []
    for r in results:
        t = settlement_warnings(r, data)
        if t is None:
            continue
        dates = r.wide.select("participant_id", "period_no", "period_start", "period_end")
        j = t.join(dates, ["participant_id", "period_no"])
        out += con.to_pyarrow(j.select("participant_id", "period_start", "period_end",
                                       *WARNING_COLUMNS)).to_pylist()
    return out
