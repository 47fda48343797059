"""`per: invoice` components: what check refuses, where, and with which hint."""

from .support import GOOD, diagnose, only, scorecard

#: GOOD's component (line 16) paying per bill on actual: `on` line 18, `per` line 19.
PER_BILL = GOOD.replace("    kpi: sales\n", "    kpi: sales\n    on: actual\n    per: invoice\n")


def test_a_per_invoice_component_on_actual_passes():
    """Volume, on actual, step slabs: nothing to say."""
    assert diagnose(PER_BILL) == []
    assert diagnose(PER_BILL.replace("    on: actual\n", "    on: actual\n    mode: marginal\n")
                    ) == []


def test_per_invoice_on_attainment_is_refused_at_per_or_on():
    """`on` defaults to attainment: the error points at `per` when `on` is not written, at
    `on` when it is; the hint says `on: actual`."""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sales\n    per: invoice\n"))
    assert (d.code, d.span.line, d.span.col) == ("per_invoice_on_actual", 18, 10)
    assert "on: actual" in d.hint
    d = only(PER_BILL.replace("on: actual", "on: attainment"))
    assert (d.code, d.span.line, d.span.col) == ("per_invoice_on_actual", 18, 9)


def test_a_kpi_that_is_not_a_sum_over_bills_is_refused():
    """Billed outlets, a mix share or a count metric have no value per bill."""
    # a count also warns that `from: 0.9` acts as `from: 1` (threshold_places)
    found = diagnose(PER_BILL.replace("kind: volume", "kind: billed_outlets"))
    (d,) = [d for d in found if d.severity == "error"]
    assert (d.code, d.span.line, d.span.col) == ("per_invoice_kpi", 19, 10)
    assert "billed_outlets" in d.message and "volume" in d.hint and "drop `per`" in d.hint
    d = only(PER_BILL.replace("kind: volume", "kind: upsell\n    mode: mix_share\n"
                              "    segment: premium"))
    assert (d.code, d.span.line) == ("per_invoice_kpi", 21)
    assert "upsell (mix_share)" in d.message
    metric = "kind: metric\n    table: sales\n    agg: {agg}\n    expr: net_amount"
    d = only(PER_BILL.replace("kind: volume", metric.format(agg="max")))
    assert d.code == "per_invoice_kpi" and "max over sales" in d.message
    assert diagnose(PER_BILL.replace("kind: volume", metric.format(agg="sum"))) == []
    assert diagnose(PER_BILL.replace("kind: volume", "kind: upsell\n    mode: segment_volume\n"
                                     "    segment: premium")) == []


def test_shapes_and_keys_that_do_not_apply_per_bill_are_refused_all_at_once():
    """A curve, a `base` and `catch_up`: each reported at its key, each with a hint."""
    text = (PER_BILL.replace("    slabs:\n      - {from: 0.9, rate: 0.01}\n"
                             "      - {from: 1.0, rate: 0.02}\n",
                             "    curve:\n      - {x: 0, rate: 0.01}\n      - {x: 1, rate: 0.02}\n"
                             "    base: sales\n    catch_up: {within: 2}\n")
            .replace("  end: 2025-04-30\n",
                     "  end: 2025-04-30\n  recurrence: {every_months: 1, count: 2}\n"))
    found = diagnose(text)
    assert [(d.code, d.span.line, d.span.col) for d in found] == [
        ("per_invoice_unsupported", 21, 5), ("per_invoice_unsupported", 24, 5),
        ("per_invoice_unsupported", 25, 5)]
    assert ["`curve`" in found[0].message, "`base`" in found[1].message,
            "`catch_up`" in found[2].message] == [True, True, True]
    assert all(d.hint for d in found)


def test_a_fixed_amount_or_a_scorecard_per_invoice_is_refused():
    """`fixed` pays per period; a scorecard has no bills."""
    d = only(PER_BILL.replace("    slabs:\n      - {from: 0.9, rate: 0.01}\n"
                              "      - {from: 1.0, rate: 0.02}\n", "    fixed: 100\n"))
    assert (d.code, d.span.line, d.span.col) == ("per_invoice_unsupported", 20, 5)
    assert "amount" in d.hint
    text = scorecard("0.5", "0.5").replace("  sales: {fixed: 100000}\n",
                                           "  sales: {fixed: 100000}\n  qty: {fixed: 10}\n")
    d = only(text.replace("    base: sales\n", "    base: sales\n    per: invoice\n"))
    assert (d.code, d.span.line, d.span.col) == ("per_invoice_unsupported", 21, 5)
    assert "`scorecard`" in d.message and "kpi:" in d.hint


def test_a_component_without_per_keeps_its_canonical_form():
    """`per` is left out of the canonical form when absent (versions of existing programs do
    not change), and is in it when given."""
    from schemeops.program.parse import parse_program

    plain, _ = parse_program(GOOD, "p.yaml")
    bills, _ = parse_program(PER_BILL, "p.yaml")
    assert "per" not in plain.model_dump(mode="json")["components"][0]
    assert bills.model_dump(mode="json")["components"][0]["per"] == "invoice"


def test_per_invoice_on_a_windowed_kpi_is_refused():
    """Bills are tiered in their own period: a KPI measured to date has no bills of its own."""
    d = only(PER_BILL.replace("    kind: volume\n", "    kind: volume\n    window: {days: 30}\n"))
    assert (d.code, d.span.line, d.span.col) == ("per_invoice_unsupported", 20, 10)
    assert "window" in d.message and "drop the KPI's `window`" in d.hint
