"""Guards test bench: the engine's inline-row Warehouse (tests/engine/conftest.py) with a
unit cost on its products, and programs written as short YAML."""

from __future__ import annotations

from decimal import Decimal

from engine.conftest import Warehouse
from guard_programs import discount_program
from schemeops.program.check import check_text
from schemeops.program.model import Program


def program(pid: str, rate: str, *, products: str = "", extra: str = "") -> Program:
    """A one-month October program paying `rate` of every distributor's sales from the
    first rupee (its discount on each line), with extra top-level YAML."""
    text = discount_program(pid, rate, products=products, extra=extra)
    spec, diagnostics = check_text(text, f"{pid}.yaml")
    assert spec is not None, [d.render() for d in diagnostics]
    return spec


def costed(backend: str, cost: str = "900.00") -> Warehouse:
    """The default warehouse with every product costing `cost` a unit."""
    wh = Warehouse(backend=backend)
    for row in wh.rows["products"]:
        row["unit_cost"] = Decimal(cost)
    return wh
