"""Helpers for program tests: a good program, and parse + check from text."""

import textwrap

from schemeops.errors import Diagnostic
from schemeops.program.check import check_program
from schemeops.program.parse import parse_located

GOOD = """\
id: spring_push
name: Spring push
period:
  start: 2025-04-01
  end: 2025-04-30
participants:
  roles: [distributor]
  where: "region = 'north'"
kpis:
  - id: sales
    kind: volume
    products: "segment = 'premium'"
targets:
  sales: {fixed: 100000}
components:
  - id: volume_bonus
    kpi: sales
    slabs:
      - {from: 0.9, rate: 0.01}
      - {from: 1.0, rate: 0.02}
"""


def diagnose(text: str, file: str = "p.yaml") -> list[Diagnostic]:
    """Every diagnostic for a program text: validation, then the semantic checks."""
    program, spans, found = parse_located(textwrap.dedent(text), file)
    if program is not None:
        found = found + check_program(program, spans)
    return found


def only(text: str) -> Diagnostic:
    """The one diagnostic a text must produce; it must carry a hint."""
    found = diagnose(text)
    assert len(found) == 1, [d.render() for d in found]
    assert found[0].hint, found[0].render()
    return found[0]


def scorecard(sales_weight: str, qty_weight: str) -> str:
    """GOOD with a second KPI `qty` (no target) and its component a scorecard of sales and
    qty at these weights, paying a rate of sales."""
    return GOOD.replace(
        "  - id: sales\n", "  - id: qty\n    kind: volume\n    measure: quantity\n"
        "  - id: sales\n").replace(
        "    kpi: sales\n", f"    scorecard:\n      - {{kpi: sales, weight: {sales_weight}}}\n"
        f"      - {{kpi: qty, weight: {qty_weight}}}\n    base: sales\n")
