"""The generator's pipeline: master data, then sales, primary sales and payments chunk by chunk."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa

from schemeops.generate import columns as col
from schemeops.generate.activity import FixedInvoices, fixed_invoices, make_activity
from schemeops.generate.anomalies import DEFAULT_MODE, Mode, Plan, labels_tables, plan_anomalies
from schemeops.generate.calendar import make_window
from schemeops.generate.catalogue import make_catalogue
from schemeops.generate.claims import claimants, make_claims
from schemeops.generate.effects import plan_effects
from schemeops.generate.network import allocate, make_network, with_joiners
from schemeops.generate.outlets import make_outlets
from schemeops.generate.primary import make_primary
from schemeops.generate.secondary import ID_WIDTH, Chunk, World, make_sales
from schemeops.generate.targets import make_targets
from schemeops.generate.truth import write_truth
from schemeops.generate.writer import FORMATS, ClaimSink, TableSink, write_labels
from schemeops.schema import TABLES

#: Sales lines per chunk (memory is bounded by this, not by `lines`).
CHUNK_LINES = 1_000_000
#: Sizing: sales lines per active outlet per month, and share of outlet-months active.
LINES_PER_OUTLET_MONTH, ACTIVE_SHARE = 12, 0.8
MIN_LINES = 1_000
NOISE = ("normal", "low")


def _chunks(world: World, fixed, lines: int) -> Iterator[Chunk]:
    """Blocks of whole sellers of about CHUNK_LINES expected lines, with exact budgets."""
    o = world.outlets
    weight = np.bincount(o.seller, weights=world.activity.weight.sum(axis=1),
                         minlength=world.network.sellers)
    k = max(1, -(-lines // CHUNK_LINES))
    before = np.cumsum(weight) - weight
    block = np.minimum((before / weight.sum() * k).astype(np.int64), k - 1)
    lo = np.flatnonzero(np.diff(block, prepend=-1))
    hi = np.append(lo[1:], world.network.sellers)
    budgets = allocate(lines - fixed.total_lines,
                       np.add.reduceat(weight, lo) if len(lo) else weight)
    for c, (a, b, budget) in enumerate(zip(lo.tolist(), hi.tolist(), budgets.tolist(),
                                           strict=True)):  # one iteration per chunk
        oa, ob = int(o.first[a]), int(o.first[b])
        yield Chunk(number=c, seller_lo=a, seller_hi=b, outlet_lo=oa, outlet_hi=ob,
                    budget=budget, fixed=fixed.select(oa, ob))


def _invoice_ids(numbers: np.ndarray, arrow: bool = False):
    ids = col.fixed_ids("INV", numbers, ID_WIDTH)
    return ids if arrow else ids.to_pylist()


def _sku_ids(index: np.ndarray) -> pa.Array:
    return col.fixed_ids("SKU", index + 1, 4)


def _chunk_tables(world: World, plan: Plan, fixed: FixedInvoices, lines: int, seed: int,
                  value: np.ndarray, invoices: dict[int, list[str]],
                  bunched: dict[int, tuple[int, list[int]]],
                  truth: tuple[np.ndarray, np.ndarray]) -> Iterator[dict[str, pa.Table]]:
    """Each chunk's sales, primary_sales and payments; fills `value` (net per seller-month)
    `invoices` (label row -> ids of its planted invoices), `bunched` (label row -> volume
    target and months of a slab-bunching case) and `truth` (planted effects' incremental
    and baseline paise per seller and program)."""
    n_inv = n_ret = n_pinv = n_pay = 0
    for chunk in _chunks(world, fixed, lines):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1, chunk.number]))
        effect_rng = np.random.default_rng(np.random.SeedSequence([seed, 5, chunk.number]))
        sales = make_sales(rng, world, chunk, n_inv, n_ret, effect_rng)
        value[chunk.seller_lo:chunk.seller_hi] = sales.value
        if sales.truth is not None:
            for whole, part in zip(truth, sales.truth, strict=True):
                whole[chunk.seller_lo:chunk.seller_hi] = part
        claims, dup = make_claims(sales.claim_lines, plan, world.network, world.window,
                                  _sku_ids, _invoice_ids)
        for row, ids in dup.items():
            invoices.setdefault(row, []).extend(ids)
        for b in sales.bunched:  # slab-bunching cases of this chunk
            bunched[b.label] = (b.target, b.months)
        rows, numbers = sales.labelled
        ids = col.fixed_ids("INV", numbers, ID_WIDTH).to_pylist()
        for row, inv_id in zip(rows.tolist(), ids, strict=True):  # planted bills only
            invoices.setdefault(row, []).append(inv_id)
        prim = make_primary(rng, value=sales.value, seller_lo=chunk.seller_lo,
                            network=world.network, window=world.window,
                            catalogue=world.catalogue, invoice_base=n_pinv, payment_base=n_pay)
        n_inv, n_ret = n_inv + sales.invoices, n_ret + sales.returns
        n_pinv, n_pay = n_pinv + prim.invoices, n_pay + prim.payment_count
        yield {"sales": sales.table, "primary_sales": prim.sales,
               "payments": prim.payments, "claims": claims}


def _in_background(items: Iterator, depth: int = 2) -> Iterator:
    """Run a generator in a worker thread (numpy and Arrow release the GIL), `depth` ahead,
    so that building the next chunk overlaps writing this one."""
    done = object()
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:  # handed to the consumer, re-raised there
            q.put(exc)

    worker = threading.Thread(target=work, name="schemeops-generate", daemon=True)
    worker.start()
    try:
        while (item := q.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def build_world(*, lines: int, months: int, seed: int, current_month: date,
                mode: Mode = DEFAULT_MODE, programs: int = 0, effect_scale: float = 1.0,
                holdout_share: Decimal = Decimal("0.2"), noise: str = "normal"
                ) -> tuple[World, Plan, FixedInvoices]:
    """The master data, activity, anomaly plan and planted programs: everything decided
    before the chunks."""
    window = make_window(current_month, months)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    catalogue = make_catalogue(rng, window)
    network = make_network(rng, window, max(
        20, round(lines / (LINES_PER_OUTLET_MONTH * months * ACTIVE_SHARE))))
    plan = plan_anomalies(rng, network, window, lines, mode)
    network = with_joiners(network, plan.ramp_seller, int(window.starts[plan.ramp_month]) - 10)
    outlets = make_outlets(rng, network, window, plan)
    activity = make_activity(rng, outlets, network, window, steady=noise == "low")
    fixed = fixed_invoices(rng, outlets, activity, plan, window)
    world = World(window=window, network=network, outlets=outlets, activity=activity,
                  catalogue=catalogue, jump_units=plan.jump_units(network.sellers, months),
                  backdated=plan.backdated(network.sellers, months), mode=mode,
                  claimant=claimants(network, plan),
                  bunch=[(plan.label_base["slab_bunching"] + i, s)
                         for i, s in enumerate(plan.bunch_seller.tolist())],
                  steady=noise == "low",
                  # slab bunching lifts bills to a target: its sellers stay untreated, so
                  # their lines and labels are the same with and without planted effects
                  effects=plan_effects(seed, network=network, catalogue=catalogue,
                                       window=window, programs=programs, scale=effect_scale,
                                       share=holdout_share, untreated=plan.bunch_seller)
                  if programs else None)
    return world, plan, fixed


def generate(out: Path, *, lines: int, months: int = 7, seed: int = 0, fmt: str = "parquet",
             current_month: date = date(2026, 10, 1),
             progress: Callable[[int], None] | None = None,
             anomaly_rate: float = 1.0, subtle: bool = False,
             negatives_only: bool = False, programs: int = 0, effect_scale: float = 1.0,
             holdout_share: Decimal = Decimal("0.2"), noise: str = "normal"
             ) -> dict[str, int]:
    """Write every contract table (one file per table: sales.parquet, outlets.csv, …),
    labels.csv and negatives.csv to `out`; return rows written per table.

    `anomaly_rate` scales how many anomalies are planted (0: none), `subtle` makes them
    closer to normal behaviour, `negatives_only` plants only the hard negatives. `programs`
    plants that many programs with an effect (× `effect_scale`; 0: a placebo) and a holdout
    of `holdout_share`, written to programs/ and effects.csv; `noise` "low" narrows the
    month-to-month drift of each seller's sales."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    if effect_scale < 0:
        raise ValueError(f"effect scale must not be negative, got {effect_scale}")
    if noise not in NOISE:
        raise ValueError(f"unknown noise {noise!r}; expected one of {NOISE}")
    if lines < MIN_LINES:
        raise ValueError(f"lines must be at least {MIN_LINES}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    mode = Mode(rate=anomaly_rate, subtle=subtle, negatives_only=negatives_only)
    world, plan, fixed = build_world(lines=lines, months=months, seed=seed,
                                     current_month=current_month, mode=mode,
                                     programs=programs, effect_scale=effect_scale,
                                     holdout_share=holdout_share, noise=noise)
    network, outlets, window = world.network, world.outlets, world.window

    sinks = {t.name: TableSink(out, t, fmt) for t in TABLES}
    sinks["claims"] = ClaimSink(out / "claims.csv")
    try:
        sinks["participants"].write(network.table)
        sinks["outlets"].write(outlets.table)
        sinks["products"].write(world.catalogue.table)
        value = np.zeros((network.sellers, months))
        invoices: dict[int, list[str]] = {}
        bunched: dict[int, tuple[int, list[int]]] = {}
        truth = (np.zeros((network.sellers, programs), np.int64),
                 np.zeros((network.sellers, programs), np.int64))
        for tables in _in_background(_chunk_tables(world, plan, fixed, lines, seed, value,
                                                     invoices, bunched, truth)):
            for name, data in tables.items():
                sinks[name].write(data)
            if progress is not None:
                progress(tables["sales"].num_rows)
        override = {s: bunched[plan.label_base["slab_bunching"] + i][0]
                    for i, s in enumerate(plan.bunch_seller.tolist())
                    if plan.label_base["slab_bunching"] + i in bunched}
        sinks["targets"].write(make_targets(network, value, override))
    finally:
        for sink in sinks.values():
            sink.close()
    rows = {name: sink.rows for name, sink in sinks.items()}
    groups = dict(outlets.groups)
    base = plan.label_base
    for kind, cases in (("month_end_stuffing", len(plan.stuff_seller)),
                        ("token_invoices", len(plan.token_seller))):
        groups[kind] = [fixed.outlet[fixed.label == base[kind] + i] for i in range(cases)]
    labels, negatives = labels_tables(plan, network, window, outlets.ids(np.arange(
        outlets.count)), groups, invoices, bunched)
    rows["labels"] = write_labels(out, labels)
    rows["negatives"] = write_labels(out, negatives, "negatives.csv")
    if world.effects is not None:
        rows["effects"] = write_truth(out, world.effects, window, network, *truth)
    return rows
