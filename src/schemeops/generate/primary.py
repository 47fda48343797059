"""Primary sales (company → distributors and dealers) and the payments against them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from schemeops.generate import columns as col
from schemeops.generate.calendar import Window
from schemeops.generate.catalogue import Catalogue
from schemeops.generate.network import SUB_DISTRIBUTOR, Network

#: Payment behaviours of a distributor, and how often each occurs.
BEHAVIOURS = ("early", "on_time", "late", "partial")
_BEHAVIOUR_P = [0.25, 0.35, 0.22, 0.18]
#: Distributor price as a share of list price; credit terms in days and their weights.
_DIST_PRICE_BP = 8_800
_TERMS = np.array([15, 45, 30, 30, 30, 30, 30])
ID_WIDTH = 10


def credit_days(seller: np.ndarray) -> np.ndarray:
    """Credit terms of each seller: mostly 30 days, one in seven 15 and one in seven 45."""
    return _TERMS[seller % len(_TERMS)]


@dataclass(frozen=True)
class Primary:
    """One chunk's primary_sales and payments tables, and documents numbered."""

    sales: pa.Table
    payments: pa.Table
    invoices: int
    payment_count: int


def make_primary(rng: np.random.Generator, *, value: np.ndarray, seller_lo: int,
                 network: Network, window: Window, catalogue: Catalogue,
                 invoice_base: int, payment_base: int) -> Primary:
    """Primary invoices following each buyer's monthly secondary value, and their payments."""
    seller = np.arange(len(value)) + seller_lo
    buys = (network.role[seller] != SUB_DISTRIBUTOR)[:, None] & (value > 0)
    si, mi = np.nonzero(buys)
    s = si + seller_lo
    # Two to four invoices per buyer-month, on days inside the month and the seller's tenure.
    n_inv = rng.integers(2, 5, len(si))
    bi = np.repeat(np.arange(len(si)), n_inv)
    start = window.starts[mi][bi]
    span = np.minimum(window.starts[mi + 1], network.end_day[s])[bi] - start
    day = start + (rng.random(len(bi)) * span).astype(np.int64)
    order = np.lexsort((s[bi], day))
    bi, day = bi[order], day[order]
    share = rng.gamma(2.0, 1.0, len(bi))
    share /= np.bincount(bi, weights=share, minlength=len(si))[bi]
    target = value[si, mi][bi] * share * rng.uniform(0.8, 1.1, len(bi)) * 0.88
    inv_seller = s[bi]
    due = day + credit_days(inv_seller)

    # Three to eight lines per invoice sharing its target value.
    n_lines = rng.integers(3, 9, len(bi))
    inv = np.repeat(np.arange(len(bi)), n_lines)
    line_no = np.arange(len(inv)) - (np.cumsum(n_lines) - n_lines)[inv] + 1
    lw = rng.gamma(1.5, 1.0, len(inv))
    lw /= np.bincount(inv, weights=lw, minlength=len(bi))[inv]
    sku = catalogue.draw(rng, day[inv])
    unit = catalogue.price[sku] * _DIST_PRICE_BP // 10_000
    units = np.maximum(1, np.round(target[inv] * lw / unit)).astype(np.int64)
    amount = units * unit
    total = np.bincount(inv, weights=amount, minlength=len(bi)).astype(np.int64)
    inv_no = invoice_base + np.arange(len(bi)) + 1
    sales = pa.table({
        "invoice_id": col.fixed_ids("PINV", inv_no[inv], ID_WIDTH),
        "line_no": line_no,
        "invoice_date": col.dates(day[inv]),
        "due_date": col.dates(due[inv]),
        "distributor_id": col.take(network.ids, inv_seller[inv]),
        "sku": col.fixed_ids("SKU", sku + 1, 4),
        "quantity": col.quantity(units),
        "net_amount": col.money(amount),
    })
    payments = _payments(rng, day=day, due=due, total=total, seller=inv_seller, inv_no=inv_no,
                         months=(si, mi, s), value=value, window=window, network=network,
                         payment_base=payment_base)
    return Primary(sales=sales, payments=payments, invoices=len(bi),
                   payment_count=payments.num_rows)


def _payments(rng: np.random.Generator, *, day, due, total, seller, inv_no, months, value,
              window: Window, network: Network, payment_base: int) -> pa.Table:
    """Payments by behaviour (mostly the seller's own), plus some on-account payments."""
    n = len(day)
    habit = rng.choice(len(BEHAVIOURS), network.sellers, p=_BEHAVIOUR_P)
    kind = np.where(rng.random(n) < 0.8, habit[seller], rng.choice(4, n, p=_BEHAVIOUR_P))
    credit = due - day
    first = np.select(
        [kind == 0, kind == 1, kind == 2],
        [day + rng.integers(1, 11, n),
         day + np.maximum(11, (rng.uniform(0.4, 1.0, n) * credit).astype(np.int64)),
         due + rng.integers(1, 46, n)],
        day + np.maximum(1, (rng.uniform(0.2, 1.0, n) * credit).astype(np.int64)))
    first = np.where((kind == 1) & (first > due), due, first)
    part = np.where(kind == 3, (total * rng.uniform(0.3, 0.7, n)).astype(np.int64), total)
    part = np.maximum(part, 1)
    rest = total - part
    second = due + rng.integers(10, 61, n)
    has_rest = (rest > 0) & (rng.random(n) < 0.6)
    # On-account payments: some sellers pay a lump sum once a month, against no invoice.
    si, mi, s = months
    on_acct = rng.random(network.sellers) < 0.2
    pick = on_acct[s]
    oa_day = window.starts[mi[pick]] + rng.integers(0, 28, int(pick.sum()))
    oa_amt = np.maximum(100, (value[si[pick], mi[pick]] * rng.uniform(0.05, 0.2, int(
        pick.sum())))).astype(np.int64)
    pay_day = np.concatenate([first, second[has_rest], oa_day])
    pay_amt = np.concatenate([part, rest[has_rest], oa_amt])
    pay_seller = np.concatenate([seller, seller[has_rest], s[pick]])
    pay_inv = np.concatenate([inv_no, inv_no[has_rest], np.zeros(len(oa_day), np.int64)])
    keep = pay_day <= window.last_day
    order = np.lexsort((pay_inv[keep], pay_seller[keep], pay_day[keep]))
    pay_day, pay_amt, pay_seller, pay_inv = (
        a[keep][order] for a in (pay_day, pay_amt, pay_seller, pay_inv))
    return pa.table({
        "payment_id": col.fixed_ids("PAY", payment_base + 1 + np.arange(len(pay_day)), ID_WIDTH),
        "distributor_id": col.take(network.ids, pay_seller),
        "invoice_id": col.fixed_ids("PINV", pay_inv, ID_WIDTH, pay_inv > 0),
        "paid_on": col.dates(pay_day),
        "amount": col.money(pay_amt),
    })
