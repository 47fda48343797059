"""Payment KPIs on primary invoices: outstanding (ROD) and early-payment discounts."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.exact import as_dec, dec, div_half_up, mul, round_half_up
from schemeops.engine.kpis._common import (
    finish,
    in_windows,
    refuse_filters,
    rollup_sum,
    window_table,
)
from schemeops.engine.kpis.kind import KpiKind, Wording
from schemeops.program.model import EarlyPayment, EarlyTier, Outstanding


def invoices(data: Data) -> ir.Table:
    """One row per primary invoice: invoice_id, distributor_id, invoice_date, due_date, total."""
    ps = data.primary_sales
    return ps.group_by("invoice_id").agg(
        distributor_id=ps.distributor_id.min(), invoice_date=ps.invoice_date.min(),
        due_date=ps.due_date.min(), total=ps.net_amount.sum().pipe(as_dec, 2))


def invoice_payments(data: Data) -> ir.Table:
    """Payments against a primary invoice (on-account payments left out), its id as pay_inv."""
    pay = data.payments
    paid = pay.filter(pay.invoice_id.notnull() & (pay.invoice_id != ""))
    return paid.select(pay_id=paid.payment_id, pay_inv=paid.invoice_id, paid_on=paid.paid_on,
                       amount=paid.amount)


def outstanding(kpi: Outstanding, data: Data, periods: ir.Table) -> ir.Table:
    """Unpaid primary invoice value at period end (level), or its fall over the period
    (outstanding the day before the period starts minus outstanding at its end)."""
    refuse_filters(kpi, "outstanding (payments settle whole invoices)")
    ends = periods.select(period_no=periods.period_no, at=periods["end"],
                          sign=ibis.literal(-1 if kpi.mode == "reduction" else 1))
    if kpi.mode == "reduction":
        starts = periods.select(period_no=periods.period_no,
                                at=periods.start - ibis.interval(days=1),
                                sign=ibis.literal(1))
        ends = ends.union(starts)
    inv = invoices(data)
    cond = [inv.invoice_date <= ends.at]
    if kpi.overdue_only:
        cond.append(inv.due_date < ends.at)
    if kpi.older_than_days:
        cond.append(inv.invoice_date < ends.at - ibis.interval(days=kpi.older_than_days))
    x = inv.join(ends, cond)
    pay = invoice_payments(data)
    y = x.left_join(pay, [x.invoice_id == pay.pay_inv, pay.paid_on <= x.at])
    per = y.group_by(["invoice_id", "distributor_id", "period_no", "sign", "total"]).agg(
        paid=y.amount.sum().pipe(as_dec, 2))
    left = (per.total - per.paid.fill_null(dec(0, 2))).pipe(as_dec, 2)
    left = ibis.ifelse(left > 0, left, dec(0, 2))
    per = per.mutate(value=ibis.ifelse(per.sign > 0, left, -left).pipe(as_dec, 2))
    own = per.group_by(participant_id=per.distributor_id, period_no=per.period_no).agg(
        actual=per.value.sum().pipe(as_dec, 2))
    return finish(rollup_sum(own, data, kpi.rollup), 2)


def _tier_rate(tiers: tuple[EarlyTier, ...], paid_on: ir.DateValue,
               invoice_date: ir.DateValue) -> ir.DecimalValue:
    """The best (highest) rate among tiers with paid_on − invoice_date ≤ days; NULL if none."""
    scale = max(_places(t.rate) for t in tiers)
    best_first = sorted(tiers, key=lambda t: (-t.rate, t.days))
    return ibis.cases(
        *((paid_on <= invoice_date + ibis.interval(days=t.days), dec(t.rate, scale))
          for t in best_first),
        else_=ibis.null(f"decimal(28,{scale})"))


def _places(value) -> int:
    exp = value.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def early_payment(kpi: EarlyPayment, data: Data, periods: ir.Table) -> ir.Table:
    """Discount earned on primary invoices paid early, in the period the money lands.

    Whole invoice: the payment completing it (cumulative by paid_on, payment_id) decides the
    tier; rate × total, half-up to 2 places per invoice. pro_rata: each payment earns its own
    tier's rate on the part of it that does not exceed the invoice total, per payment.
    Settled net, a payment completes the invoice when what is still owed is at most the
    discount of the tier in force, and pro_rata credits each payment grossed up.
    """
    refuse_filters(kpi, "early payment (payments settle whole invoices)")
    inv = invoices(data)
    inv = inv.filter(inv.total > 0)
    pay = invoice_payments(data)
    j = pay.join(inv, pay.pay_inv == inv.invoice_id)
    w = ibis.window(group_by=j.invoice_id, order_by=[j.paid_on, j.pay_id], rows=(None, 0))
    j = j.mutate(cum=j.amount.sum().over(w).pipe(as_dec, 2))
    if kpi.pro_rata and kpi.settlement == "net":
        earned = _net_pro_rata(kpi.tiers, j)
    elif kpi.pro_rata:
        before = (j.cum - j.amount).pipe(as_dec, 2)
        room = (j.total - before).pipe(as_dec, 2)
        part = ibis.ifelse(j.amount < room, j.amount, room).pipe(as_dec, 2)
        part = ibis.ifelse(part > 0, part, dec(0, 2))
        rate = _tier_rate(kpi.tiers, j.paid_on, j.invoice_date)
        earned = j.mutate(day=j.paid_on, earn=round_half_up(mul(part, rate), 2))
    else:
        done = j.filter(_settles(kpi, j))
        done = done.group_by(["invoice_id", "distributor_id", "invoice_date", "total"]).agg(
            day=done.paid_on.min())
        rate = _tier_rate(kpi.tiers, done.day, done.invoice_date)
        earned = done.mutate(earn=round_half_up(mul(done.total, rate), 2))
    earned = earned.filter(earned.earn.notnull() & (earned.earn != 0))
    t = in_windows(earned, "day", window_table(periods))
    own = t.group_by(participant_id=t.distributor_id, period_no=t.period_no).agg(
        actual=t.earn.sum().pipe(as_dec, 2))
    return finish(rollup_sum(own, data, kpi.rollup), 2)


def discount_in_force(tiers: tuple[EarlyTier, ...], j: ir.Table) -> ir.DecimalValue:
    """The discount of the tier in force on each payment's day: total × rate, half-up to
    2 places; 0 when no tier holds."""
    rate = _tier_rate(tiers, j.paid_on, j.invoice_date)
    return round_half_up(mul(j.total, rate), 2).fill_null(dec(0, 2))


def _settles(kpi: EarlyPayment, j: ir.Table) -> ir.BooleanValue:
    """Whether the payments up to each one complete the invoice: in full (gross), or leaving
    at most the discount of the tier in force unpaid (net; paying in full also completes)."""
    if kpi.settlement == "gross":
        return j.cum >= j.total
    return (j.total - j.cum).pipe(as_dec, 2) <= discount_in_force(kpi.tiers, j)


def _net_pro_rata(tiers: tuple[EarlyTier, ...], j: ir.Table) -> ir.Table:
    """Each payment credited grossed up, amount ÷ (1 − rate of the tier in force), half-up to
    2 places (at face when no tier holds), capped at what the earlier credits leave of the
    total; it earns that tier's rate on its credit, half-up to 2 places per payment."""
    scale = max(_places(t.rate) for t in tiers)
    rate = _tier_rate(tiers, j.paid_on, j.invoice_date)
    gross_up = div_half_up(j.amount, (dec(1, scale) - rate).pipe(as_dec, scale), 2)
    j = j.mutate(rate=rate, credit=ibis.ifelse(rate.isnull(), j.amount, gross_up).pipe(as_dec, 2))
    w = ibis.window(group_by="invoice_id", order_by=["paid_on", "pay_id"], rows=(None, 0))
    j = j.mutate(before=(j.credit.sum().over(w) - j.credit).pipe(as_dec, 2))
    room = (j.total - j.before).pipe(as_dec, 2)
    part = ibis.ifelse(j.credit < room, j.credit, room).pipe(as_dec, 2)
    part = ibis.ifelse(part > 0, part, dec(0, 2))
    return j.mutate(day=j.paid_on, earn=round_half_up(mul(part, j.rate), 2))


def _outstanding_wording(kpi: Outstanding) -> Wording:
    return "money", ("cut outstanding by {n} more" if kpi.mode == "reduction"
                     else "{n} more outstanding")


OUTSTANDING = KpiKind(Outstanding, compute=outstanding, scale=lambda _k: 2,
                      wording=_outstanding_wording,
                      down=lambda _k: "cut outstanding by {n}")
EARLY_PAYMENT = KpiKind(
    EarlyPayment, compute=early_payment, scale=lambda _k: 2,
    wording=lambda _k: ("money", "earn {n} more in early-payment discount"))
