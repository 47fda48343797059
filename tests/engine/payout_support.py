"""Run a program (inline YAML) on a test warehouse and read its three output tables."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from decimal import Decimal

from schemeops.engine.output import result_tables
from schemeops.engine.runner import calculate_program
from schemeops.program.check import check_program
from schemeops.program.parse import parse_located


@dataclass
class Outcome:
    """The output rows of one calculation."""

    payouts: list[dict]
    kpis: list[dict]
    components: list[dict]

    def payout(self, pid: str, period_start: str | None = None) -> Decimal:
        """The payout of `pid` (in the period starting on `period_start`)."""
        rows = [r for r in self.payouts if r["participant_id"] == pid and (
            period_start is None or r["period_start"] == dt.date.fromisoformat(period_start))]
        assert len(rows) == 1, rows
        return Decimal(rows[0]["payout"])

    def component(self, pid: str, name: str, period_start: str | None = None) -> dict:
        """The components.csv row of `pid`'s component `name`."""
        rows = [r for r in self.components if r["participant_id"] == pid
                and r["component"] == name and (
                    period_start is None
                    or r["period_start"] == dt.date.fromisoformat(period_start))]
        assert len(rows) == 1, rows
        return rows[0]

    def kpi(self, pid: str, name: str) -> dict:
        """The kpis.csv row of `pid`'s KPI `name`."""
        rows = [r for r in self.kpis if r["participant_id"] == pid and r["kpi"] == name]
        assert len(rows) == 1, rows
        return rows[0]

    @property
    def participants(self) -> set[str]:
        """Participants with a payout row."""
        return {r["participant_id"] for r in self.payouts}


def run(yaml_text: str, wh, *, as_of: dt.date | None = None, shuffle: int | None = None
        ) -> Outcome:
    """Parse and check the program, calculate it on `wh`, return the output rows."""
    program, spans, diags = parse_located(textwrap.dedent(yaml_text), "test.yaml")
    assert program is not None and not diags, [d.render() for d in diags]
    problems = check_program(program, spans)
    assert not problems, [d.render() for d in problems]
    result = calculate_program(program, wh.data(shuffle), as_of=as_of)
    tables = result_tables([result])
    return Outcome(*(tables[n].to_pyarrow().to_pylist()
                     for n in ("payouts", "kpis", "components")))
