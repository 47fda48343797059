"""A warehouse of N distributors written straight into DuckDB, for `benchmarks.participant_lists`.

Built by SQL inside DuckDB (no generator, no `load`: the generator's network grows with its
sales lines, and 500k participants would need billions of them): N distributors, one outlet
each, two products, two invoice lines per distributor in October 2026 (2N sales lines), a
participant list `all` holding every distributor and a list `first10k` holding the first
9,900 (the most ids an in-program `include:` can hold, see `INCLUDE_IDS`). The digests are
recorded as `load` records them, so a calc reads its fingerprint from them.
"""

from __future__ import annotations

from pathlib import Path

import ibis

from schemeops.engine.data import TABLE_NAMES
from schemeops.ingest.warehouse import ensure_tables, record_digests

#: The ids of the in-program `include:` variant: a program holds 10,000 values in all
#: (docs/programs.md, limits), and the rest of the program takes a few dozen of them.
INCLUDE_IDS = 9_900

_FILL = """
INSERT INTO participants (participant_id, name, role, region, tier, channel, joined_on)
  SELECT 'D' || lpad(i::VARCHAR, 7, '0'), 'Distributor ' || i, 'distributor',
         ['North', 'South', 'East', 'West'][1 + i % 4], ['gold', 'silver'][1 + i % 2],
         'general_trade', DATE '2020-01-01'
  FROM range({n}) t(i);
INSERT INTO outlets (outlet_id, name, distributor_id, created_on)
  SELECT 'O' || lpad(i::VARCHAR, 7, '0'), 'Outlet ' || i, 'D' || lpad(i::VARCHAR, 7, '0'),
         DATE '2020-01-01'
  FROM range({n}) t(i);
INSERT INTO products (sku, name, category, segment, unit_price)
  VALUES ('P1', 'Soap', 'soap', 'core', 10.00), ('P2', 'Shampoo', 'hair', 'premium', 25.00);
INSERT INTO sales (invoice_id, line_no, invoice_date, distributor_id, outlet_id, sku,
                   quantity, net_amount, doc_type)
  SELECT 'S' || lpad(i::VARCHAR, 7, '0'), l, DATE '2026-10-01' + (i % 28)::INTEGER,
         'D' || lpad(i::VARCHAR, 7, '0'), 'O' || lpad(i::VARCHAR, 7, '0'),
         CASE l WHEN 1 THEN 'P1' ELSE 'P2' END, 1 + (i % 7) + l,
         ((1 + (i % 7) + l) * CASE l WHEN 1 THEN 10 ELSE 25 END + (i % 100) / 100)
             ::DECIMAL(18,2), 'invoice'
  FROM range({n}) t(i), range(1, 3) u(l);
INSERT INTO participant_lists (list_id, participant_id)
  SELECT 'all', 'D' || lpad(i::VARCHAR, 7, '0') FROM range({n}) t(i);
INSERT INTO participant_lists (list_id, participant_id)
  SELECT 'first10k', 'D' || lpad(i::VARCHAR, 7, '0') FROM range({k}) t(i);
"""


def participant_id(i: int) -> str:
    """The id of the i-th distributor (from 0)."""
    return f"D{i:07d}"


def build_network(path: Path, n: int) -> None:
    """Write the N-distributor warehouse to `path` (a new DuckDB file)."""
    ib = ibis.duckdb.connect(str(path))
    try:
        ensure_tables(ib)
        ib.con.execute("SET enable_progress_bar = false")
        ib.con.execute("BEGIN")
        ib.con.execute(_FILL.format(n=n, k=min(n, INCLUDE_IDS)))
        record_digests(ib, list(TABLE_NAMES))
        ib.con.execute("COMMIT")
    finally:
        ib.disconnect()
