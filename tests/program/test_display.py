"""Display names and units: the program's `label:` and `unit:` keys, else the kind's; adding
neither changes no program's version."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemeops.program import parse_program, program_version
from schemeops.program.display import display, humanise

EXAMPLES = Path(__file__).parents[2] / "examples" / "programs"

LABELLED = """
id: reach
name: October reach
label: Outlet reach bonus
participants: {roles: [distributor]}
period: {start: 2026-10-01, end: 2026-10-31}
kpis:
  - {id: billed_outlets, kind: billed_outlets, label: Shops billed, unit: shops}
  - {id: overdue, kind: outstanding, overdue_only: true}
  - {id: value, kind: volume}
  - {id: premium, kind: volume}
  - {id: kg, kind: volume, measure: quantity, unit: kg}
targets:
  billed_outlets: {fixed: 50}
  overdue: {fixed: 250000, lower_is_better: true}
components:
  - id: per_net_outlet
    kpi: billed_outlets
    label: Bonus per shop
    slabs: [{from: 1, amount: 5000}]
  - id: rod_bonus
    kpi: overdue
    fixed: 3000
"""


def _program(text: str):
    program, diagnostics = parse_program(text, "p.yaml")
    assert program is not None, diagnostics
    return program


def test_labels_and_units_from_the_program_else_from_the_kind():
    d = display(_program(LABELLED))
    assert d.label == "Outlet reach bonus"
    assert (d.kpi("billed_outlets").label, d.kpi("billed_outlets").unit) == ("Shops billed",
                                                                            "shops")
    overdue = d.kpi("overdue")
    assert (overdue.label, overdue.unit, overdue.lower_is_better) == ("Overdue", "L", True)
    # two volume KPIs would both be "Sales": each is named by its id instead
    assert (d.kpi("value").label, d.kpi("value").unit) == ("Value", "₹")
    assert d.kpi("premium").label == "Premium"
    assert (d.kpi("kg").label, d.kpi("kg").unit) == ("Quantity sold", "kg")
    assert d.component("per_net_outlet").label == "Bonus per shop"
    assert d.component("rod_bonus").label == "Rod bonus"
    assert d.component("rod_bonus").unit == "₹"
    assert not d.kpi("billed_outlets").lower_is_better


def test_without_label_the_program_is_called_by_its_name():
    d = display(_program(LABELLED.replace("label: Outlet reach bonus\n", "")))
    assert d.label == "October reach"


def test_an_unknown_id_is_shown_in_words():
    d = display(_program(LABELLED))
    assert d.kpi("no_such").label == "No such" and humanise("growth_bonus") == "Growth bonus"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_has_a_display(path: Path):
    program = _program(path.read_text(encoding="utf-8"))
    d = display(program)
    assert set(d.kpis) == {k.id for k in program.kpis}
    assert all(k.label and "_" not in k.label for k in d.kpis.values())


def test_labels_leave_an_unlabelled_programs_version_alone_and_change_a_labelled_one():
    text = (EXAMPLES / "billed_outlets.yaml").read_text(encoding="utf-8")
    plain = _program(text)
    labelled = _program(text.replace("name: October monthly billed outlets",
                                     "name: October monthly billed outlets\nlabel: Reach"))
    assert "label" not in plain.model_dump(exclude_none=True)
    assert program_version(plain) != program_version(labelled)


@pytest.mark.parametrize("bad", ["label: ''", f"label: {'x' * 81}"])
def test_a_label_is_bounded(bad: str):
    program, diagnostics = parse_program(LABELLED.replace("label: Outlet reach bonus", bad),
                                         "p.yaml")
    assert program is None and diagnostics
