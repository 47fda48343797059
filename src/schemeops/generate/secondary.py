"""Secondary sales of one chunk of sellers: weekly visits, invoices, lines and returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from schemeops.generate import columns as col
from schemeops.generate.activity import Activity, FixedInvoices
from schemeops.generate.anomalies import Mode
from schemeops.generate.bunching import Bunched, bunch
from schemeops.generate.calendar import Window, weekday
from schemeops.generate.catalogue import Catalogue
from schemeops.generate.claims import CLAIM_SHARE, ClaimLines
from schemeops.generate.effects import Effects, line_truth
from schemeops.generate.network import Network
from schemeops.generate.outlets import Outlets

#: Share of invoices with a return; share of visits moved off the outlet's weekday;
#: share of outlet-months with an extra month-end invoice.
P_RETURN, P_OFF_DAY, P_PUSH = 0.06, 0.12, 0.25
_DISCOUNT_BP = np.array([0, 200, 500, 800])
_DISCOUNT_P = [0.55, 0.25, 0.15, 0.05]
ID_WIDTH = 10
#: Shares of invoices entered 1–3 and 4–10 days after their date (ordinary late entry).
LATE_ENTRY = (0.01, 0.003)
#: Invoices a backdating case enters late at least (when its last days have as many).
MIN_BACKDATED = 3


@dataclass(frozen=True)
class World:
    """Everything fixed before the chunks: window, network, outlets, activity, catalogue."""

    window: Window
    network: Network
    outlets: Outlets
    activity: Activity
    catalogue: Catalogue
    jump_units: np.ndarray
    backdated: np.ndarray
    mode: Mode
    claimant: np.ndarray
    bunch: list[tuple[int, int]]  # (label row, seller) of slab-bunching cases
    #: Low noise: each seller's lines spread evenly over the catalogue's popularity.
    steady: bool = False
    effects: Effects | None = None


@dataclass(frozen=True)
class Chunk:
    """A block of sellers (and their outlets) with its exact line budget."""

    number: int
    seller_lo: int
    seller_hi: int
    outlet_lo: int
    outlet_hi: int
    budget: int
    fixed: FixedInvoices


@dataclass(frozen=True)
class Sales:
    """One chunk's sales rows, its net value per (seller, month) and documents numbered."""

    table: pa.Table
    value: np.ndarray
    invoices: int
    returns: int
    labelled: tuple[np.ndarray, np.ndarray]  # (label row, invoice number) of planted bills
    claim_lines: ClaimLines
    bunched: list[Bunched]
    #: Planted effects' (incremental, baseline) paise per (seller of the chunk, program).
    truth: tuple[np.ndarray, np.ndarray] | None = None


def _visits(rng: np.random.Generator, world: World, chunk: Chunk):
    """Invoice outlet, day and month: weekly visits on the outlet's weekday, plus pushes."""
    w, o_ = world.window, world.outlets
    oi, mi = np.nonzero(world.activity.active[chunk.outlet_lo:chunk.outlet_hi])
    o = oi + chunk.outlet_lo
    ms, me = w.starts[mi], w.starts[mi + 1]
    low = np.maximum(ms, o_.created[o])
    high = np.minimum(me, world.network.end_day[o_.seller[o]])
    first = ms + (o_.weekday[o] - weekday(ms)) % 7
    cand = first[:, None] + 7 * np.arange(5)
    off = rng.random(cand.shape) < P_OFF_DAY
    cand += np.where(off, rng.choice(np.array([-2, -1, 1, 2]), cand.shape), 0)
    ok = (cand >= low[:, None]) & (cand < high[:, None])
    ok &= rng.random(cand.shape) < o_.p_buy[o][:, None]
    r, k = np.nonzero(ok)
    push_day = me - 1 - rng.integers(0, 3, len(o))
    push = (rng.random(len(o)) < P_PUSH) & (push_day >= low) & (push_day < high)
    rows = np.concatenate([r, np.flatnonzero(push)])
    day = np.concatenate([cand[r, k], push_day[push]])
    if len(rows) == 0 and len(o):
        rows, day = np.zeros(1, dtype=np.int64), low[:1]
    return o[rows], day, mi[rows]


def _even_spread(rng: np.random.Generator, seller: np.ndarray) -> np.ndarray:
    """A value in [0, 1) per line: a golden-ratio sequence over each seller's lines in date
    order, so any run of a seller's lines (a month) samples the catalogue almost exactly in
    proportion instead of at random."""
    order = np.argsort(seller, kind="stable")
    first = np.searchsorted(seller[order], seller[order], side="left")
    rank = np.empty(len(seller), dtype=np.int64)
    rank[order] = np.arange(len(seller)) - first
    return (rng.random() + rank * 0.6180339887498949) % 1.0


def make_sales(rng: np.random.Generator, world: World, chunk: Chunk,
               invoice_base: int, return_base: int,
               effect_rng: np.random.Generator | None = None) -> Sales:
    """Sales of a chunk: exactly chunk.budget regular lines plus its fixed invoices; with
    planted effects (drawn from `effect_rng`, so the lines are otherwise the same), their
    truth."""
    w, o_, cat, net = world.window, world.outlets, world.catalogue, world.network
    outlet, day, month = _visits(rng, world, chunk)
    weight = o_.size[outlet] * w.season[month] * np.where(day >= w.starts[month + 1] - 3, 1.2, 1)
    ret_limit = np.minimum(w.last_day, net.end_day[o_.seller[outlet]] - 1)
    k_ret = np.where((day < ret_limit) & (rng.random(len(day)) < P_RETURN),
                     1 + (rng.random(len(day)) < 0.4), 0)
    base = np.maximum(1, k_ret) + k_ret
    if base.sum() > chunk.budget:  # more invoices than lines: no returns, a random subset
        k_ret[:] = 0
        base = np.ones_like(base)
        keep = np.sort(rng.permutation(len(day))[: chunk.budget])
        outlet, day, month, weight, k_ret, base = (
            a[keep] for a in (outlet, day, month, weight, k_ret, base))
    extra = chunk.budget - int(base.sum())
    n_lines = np.maximum(1, k_ret)
    if len(weight):
        n_lines = n_lines + rng.multinomial(extra, weight / weight.sum())
    # Append the fixed invoices (dummy outlets' bills, stuffed bills) and number by date.
    fx = chunk.fixed
    reg = len(day)
    outlet = np.concatenate([outlet, fx.outlet])
    day = np.concatenate([day, fx.day])
    n_lines = np.concatenate([n_lines, fx.lines])
    k_ret = np.concatenate([k_ret, np.where(fx.return_day >= 0, fx.lines, 0)])
    fixed_ret = np.concatenate([np.full(reg, -1), fx.return_day])
    ret_pct = np.concatenate([np.zeros(reg, np.int64), fx.return_pct])
    units_mult = np.concatenate([np.ones(reg, np.int64), fx.units])
    label = np.concatenate([np.full(reg, -1), fx.label])
    order = np.lexsort((outlet, day))
    outlet, day, n_lines, k_ret, fixed_ret, ret_pct, units_mult, label = (
        a[order] for a in (outlet, day, n_lines, k_ret, fixed_ret, ret_pct, units_mult, label))
    seller = o_.seller[outlet]
    month = w.month_of(day)
    units_mult = units_mult * world.jump_units[seller, month]

    # Invoice lines.
    n_inv = len(day)
    inv = np.repeat(np.arange(n_inv), n_lines)
    starts = np.cumsum(n_lines) - n_lines
    line_no = np.arange(len(inv)) - starts[inv] + 1
    lday = day[inv]
    sku = cat.draw(rng, lday, _even_spread(rng, seller[inv]) if world.steady else None)
    token = units_mult[inv] == 0  # token bills: one unit of one of the cheapest SKUs
    if token.any():
        cheap = cat.established[np.argsort(cat.price[cat.established], kind="stable")[:10]]
        sku[token] = cheap[rng.integers(0, len(cheap), int(token.sum()))]
    lam = cat.mean_units[sku] * o_.size[outlet[inv]] ** 0.3
    drawn = 1 + rng.poisson(np.maximum(lam - 1, 0))
    # low noise: every line of a SKU to an outlet buys its expected units
    units = (np.maximum(1, np.round(lam)).astype(np.int64) if world.steady else drawn
             ) * units_mult[inv]
    month_end = lday >= w.starts[month[inv] + 1] - 3
    units = np.where(month_end, (units * 13 + 9) // 10, units)
    units = np.where(token, 1, units)
    units0, effects = units, world.effects
    if effects is not None and effects.count and effect_rng is not None:
        units = effects.apply(effect_rng, w, seller[inv], lday, sku, units, label[inv] < 0)
    bp = _DISCOUNT_BP[rng.choice(4, len(inv), p=_DISCOUNT_P)]
    amount = (units * cat.price[sku] * (10_000 - bp) + 5_000) // 10_000
    amount0 = (units0 * cat.price[sku] * (10_000 - bp) + 5_000) // 10_000

    # Returns: k_ret consecutive lines of the invoice, part of their units.
    r_inv = np.flatnonzero(k_ret)
    r_day = np.where(fixed_ret[r_inv] >= 0, fixed_ret[r_inv], np.minimum(
        day[r_inv] + rng.integers(1, 21, len(r_inv)),
        np.minimum(w.last_day, net.end_day[seller[r_inv]] - 1)))
    r_order = np.argsort(r_day, kind="stable")
    r_inv, r_day = r_inv[r_order], r_day[r_order]
    r_k = k_ret[r_inv]
    r_doc = np.repeat(np.arange(len(r_inv)), r_k)
    r_line = np.arange(len(r_doc)) - (np.cumsum(r_k) - r_k)[r_doc]
    j0 = (rng.random(len(r_inv)) * n_lines[r_inv]).astype(np.int64)
    src = starts[r_inv][r_doc] + (j0[r_doc] + r_line) % n_lines[r_inv][r_doc]
    frac = np.where(fixed_ret[r_inv][r_doc] >= 0, ret_pct[r_inv][r_doc] / 100,
                    rng.uniform(0.3, 1.0, len(r_doc)))
    r_units = np.minimum(np.ceil(units[src] * frac).astype(np.int64), units[src])
    r_amount = (amount[src] * r_units + units[src] // 2) // units[src]
    truth = None
    if units is not units0:  # the same returns without the effect, for the truth
        r_units0 = np.minimum(np.ceil(units0[src] * frac).astype(np.int64), units0[src])
        r_amount0 = (amount0[src] * r_units0 + units0[src] // 2) // units0[src]
        truth = line_truth(effects, w, sellers=chunk.seller_hi - chunk.seller_lo,
                           seller=seller[inv] - chunk.seller_lo, day=lday, sku=sku,
                           amount=amount, amount0=amount0, src=src, r_amount=r_amount,
                           r_amount0=r_amount0)

    # Entry dates: mostly the invoice date, some a few days late; backdating sellers enter
    # (some of) their last-3-day invoices in the next month.
    r = rng.random(n_inv)
    lag = np.where(r < LATE_ENTRY[0], rng.integers(1, 4, n_inv),
                   np.where(r < LATE_ENTRY[0] + LATE_ENTRY[1], rng.integers(4, 11, n_inv), 0))
    case = world.backdated[seller, month]
    eligible = (case > 0) & (label < 0) & (day >= w.starts[month + 1] - 3)
    u = rng.random(n_inv)
    # A share of the case's last-days invoices, and at least MIN_BACKDATED of them (fewer
    # late entries are what any seller's ordinary late entry makes: no case).
    key = np.where(eligible, case, 0)
    order = np.lexsort((u, key))
    rank = np.empty(n_inv, dtype=np.int64)
    rank[order] = np.arange(n_inv) - np.searchsorted(key[order], key[order], side="left")
    back = eligible & ((u < world.mode.backdate_share) | (rank < MIN_BACKDATED))
    lag = np.where(back, rng.integers(*world.mode.backdate_lag, n_inv), lag)
    label = np.where(back, case - 1, label)

    m_count = w.months
    s_local = np.concatenate([seller[inv], seller[r_inv][r_doc]]) - chunk.seller_lo
    m_all = np.concatenate([month[inv], w.month_of(r_day)[r_doc]])
    value = np.bincount(s_local * m_count + m_all,
                        weights=np.concatenate([amount, -r_amount]).astype(np.float64),
                        minlength=(chunk.seller_hi - chunk.seller_lo) * m_count
                        ).reshape(-1, m_count)
    cases = [(int(row), int(s) - chunk.seller_lo) for row, s in world.bunch
             if chunk.seller_lo <= s < chunk.seller_hi]
    bunched = []
    if cases:  # slab bunching: lift one late bill per bunched month
        returned = np.zeros(len(inv), dtype=bool)
        returned[src] = True
        bunched = bunch(rng, cases, value, seller[inv] - chunk.seller_lo, month[inv],
                        month_end, returned, units, amount, cat.price[sku], bp,
                        world.mode.subtle)

    inv_no = invoice_base + np.arange(n_inv) + 1
    all_outlet = np.concatenate([outlet[inv], outlet[r_inv][r_doc]])
    n_ret = len(r_doc)
    table = pa.table({
        "invoice_id": pa.concat_arrays([
            col.fixed_ids("INV", inv_no[inv], ID_WIDTH),
            col.fixed_ids("RET", return_base + 1 + r_doc, ID_WIDTH)]),
        "line_no": np.concatenate([line_no, r_line + 1]),
        "invoice_date": col.dates(np.concatenate([lday, r_day[r_doc]])),
        "distributor_id": col.take(net.ids, o_.seller[all_outlet]),
        "outlet_id": o_.ids(all_outlet),
        "sku": col.fixed_ids("SKU", np.concatenate([sku, sku[src]]) + 1, 4),
        "quantity": col.quantity(np.concatenate([units, -r_units])),
        "net_amount": col.money(np.concatenate([amount, -r_amount])),
        "doc_type": col.choose(("invoice", "return"), np.repeat([0, 1], [len(inv), n_ret])),
        "ref_invoice_id": pa.concat_arrays([
            pa.nulls(len(inv), pa.string()),
            col.fixed_ids("INV", inv_no[r_inv][r_doc], ID_WIDTH)]),
        "entered_on": col.dates(np.concatenate([lday + lag[inv], r_day[r_doc]])),
    })
    planted = np.flatnonzero(label >= 0)
    c = np.flatnonzero(world.claimant[seller[inv]] & (rng.random(len(inv)) < CLAIM_SHARE))
    claim_lines = ClaimLines(seller=seller[inv][c], month=month[inv][c], invoice=inv_no[inv][c],
                             sku=sku[c], units=units[c], amount=amount[c])
    b_rows = [np.full(len(b.lines), b.label) for b in bunched]
    b_inv = [inv_no[inv[b.lines]] for b in bunched]
    return Sales(table=table, value=value, invoices=n_inv, returns=len(r_inv),
                 labelled=(np.concatenate([label[planted], *b_rows]).astype(np.int64),
                           np.concatenate([inv_no[planted], *b_inv]).astype(np.int64)),
                 claim_lines=claim_lines, bunched=bunched, truth=truth)
