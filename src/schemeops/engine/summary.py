"""Per-program summary of a calculation: who took part, who earned, cost and cost as % of sales."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import ibis

from schemeops.engine.caps import KEYS
from schemeops.engine.data import Data
from schemeops.engine.kpis import compute_kpi
from schemeops.engine.periods import windows_table
from schemeops.engine.runner import ProgramResult
from schemeops.program.model import Volume


@dataclass(frozen=True)
class ProgramSummary:
    """One program's headline numbers."""

    program_id: str
    participants: int
    eligible: int
    earning: int
    payout: Decimal
    sales: Decimal

    @property
    def payout_pct_of_sales(self) -> Decimal | None:
        """Payout as a percentage of the eligible participants' sales (2 places)."""
        if self.sales <= 0:
            return None
        return (self.payout * 100 / self.sales).quantize(Decimal("0.01"), ROUND_HALF_UP)


def summarize(r: ProgramResult, data: Data, con: ibis.BaseBackend) -> ProgramSummary:
    """Counts and money of one program's result (sales: secondary value over each eligible
    participant's whole subtree, in the program's periods)."""
    p = data.participants
    roles = con.to_pyarrow(p.filter(p.role.isin(r.program.participants.roles)).count())
    sales_kpi = Volume(id="sales", kind="volume", rollup="subtree")
    sales = compute_kpi(sales_kpi, data, windows_table(r.windows))
    w = r.wide.select(*KEYS)
    per = w.left_join(sales, KEYS).select(w.participant_id, sales=sales.actual)
    pay = r.payouts
    row = con.to_pyarrow(ibis.literal(0).name("x").as_table().select(
        eligible=w.participant_id.nunique().as_scalar(),
        earning=pay.filter(pay.payout > 0).participant_id.nunique().as_scalar(),
        payout=pay.payout.sum().as_scalar(),
        sales=per.sales.sum().as_scalar())).to_pylist()[0]
    return ProgramSummary(r.program.id, roles.as_py(), row["eligible"], row["earning"],
                          row["payout"] or Decimal("0.00"), row["sales"] or Decimal("0.00"))
