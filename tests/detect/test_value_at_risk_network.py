"""Value at risk on the flagged participants' subtrees equals the whole-network run, on a
small generated network with its planted anomalies, for a program per seller and one that
pools (a budget). (The roll-ups to reps and sub-distributors' channels: the hand-worked case
in test_value_at_risk.py, on DuckDB and Spark.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemeops.detect.claims import read_claims
from schemeops.detect.run import detect
from schemeops.engine.backends import connect_warehouse
from schemeops.engine.calc import load_programs
from schemeops.engine.data import Data
from schemeops.generate import generate
from schemeops.ingest import load

#: Sellers paid from one monthly budget small enough to bite (every payout scaled by the
#: month's total).
POOLED = """
id: pooled
name: Pooled
participants: {roles: [distributor, dealer]}
period:
  start: 2026-04-01
  end: 2026-04-30
  recurrence: {every_months: 1, count: 7}
kpis:
  - {id: sales, kind: volume, measure: net_amount, source: secondary}
components:
  - id: share
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0.01}
caps: {budget: 1000}
"""


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    root = tmp_path_factory.mktemp("var")
    generate(root / "data", lines=100_000, seed=7)
    load([root / "data"], warehouse=root / "wh.duckdb")
    (root / "pooled.yaml").write_text(POOLED)
    return root


def test_subtree_counterfactuals_give_every_finding_the_whole_networks_figure(network):
    con = connect_warehouse(network / "wh.duckdb", "duckdb")
    data = Data.from_backend(con)
    # volume_targets: monthly slabs on targets (and slab bunching's thresholds), per seller
    progs = load_programs([Path("benchmarks/programs/volume_targets.yaml"),
                           network / "pooled.yaml"])
    claims = read_claims(network / "data" / "claims.csv")
    fast, not_measured = detect(data, con, programs=progs, claims=claims)
    whole, spill = detect(data, con, programs=progs, claims=claims, spill=True)
    assert not_measured == {}
    assert [(f.finding_id, f.value_at_risk) for f in fast] == [
        (f.finding_id, f.value_at_risk) for f in whole]
    # not an empty comparison: most kinds have money at risk
    kinds = {f.kind for f in fast if f.value_at_risk != 0} - {"duplicate_claims"}
    assert len(kinds) >= 5, kinds
    # and the whole-network run sees the budget move the others' payouts with them
    assert all(spill[k] > 0 for k in kinds), spill
