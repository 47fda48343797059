"""Programs shared by the portal's service and browser tests."""

from pathlib import Path

BILLED_OUTLETS = Path(__file__).parents[1] / "examples" / "programs" / "billed_outlets.yaml"

#: billed_outlets.yaml with display names and a fourth slab D00001 has not reached.
REACH = BILLED_OUTLETS.read_text(encoding="utf-8").replace(
    "name: October monthly billed outlets",
    "name: October monthly billed outlets\nlabel: Outlet reach").replace(
    "  - {id: billed_outlets, kind: billed_outlets, min_value: 500}",
    "  - {id: billed_outlets, kind: billed_outlets, min_value: 500, label: Shops billed,"
    " unit: shops}").replace(
    "  - id: mbo_bonus\n", "  - id: mbo_bonus\n    label: Reach bonus\n").replace(
    "      - {from: 1.2, amount: 8000}",
    "      - {from: 1.2, amount: 8000}\n      - {from: 1.5, amount: 12000}")
