"""Early payment `settlement`: the allowed values, and net settlement's rates below 1."""

from schemeops.program.parse import parse_program, program_version

from .support import GOOD, diagnose, only

NET = GOOD.replace(
    "  - id: sales\n", "  - id: cash\n    kind: early_payment\n    settlement: net\n"
    "    tiers:\n      - {days: 10, rate: 0.02}\n      - {days: 20, rate: 0.01}\n"
    "  - id: sales\n")


def test_net_settlement_passes():
    """`settlement: net` with fractional rates is sound; so is `gross`, written out."""
    assert diagnose(NET) == []
    assert diagnose(NET.replace("settlement: net", "settlement: gross")) == []


def test_settlement_typo_lists_the_allowed_values():
    """`settlement: nett` is not a settlement: the hint names `net`; a value close to neither
    gets both allowed values."""
    d = only(NET.replace("settlement: net", "settlement: nett"))
    assert (d.code, d.span.line, d.span.col) == ("literal_error", 12, 17)
    assert d.message == "`nett` is not allowed for `kpis[0].settlement`"
    assert d.hint == "did you mean `net`?"
    d = only(NET.replace("settlement: net", "settlement: cheque"))
    assert (d.code, d.span.line, d.span.col) == ("literal_error", 12, 17)
    assert d.hint == "expected one of: gross, net"


def test_net_settlement_refuses_a_rate_of_1_or_more_at_the_rate():
    """A payment settled net is grossed up by ÷ (1 − rate): a rate of 1 would divide by 0, and
    above 1 is not a discount. Each such tier is pointed at; gross allows them."""
    text = NET.replace("{days: 10, rate: 0.02}", "{days: 10, rate: 2}").replace(
        "{days: 20, rate: 0.01}", "{days: 20, rate: 1}")
    found = diagnose(text)
    assert [(d.code, d.span.line, d.span.col) for d in found] == [
        ("net_rate_not_below_1", 14, 26), ("net_rate_not_below_1", 15, 26)]
    assert "must be below 1" in found[0].message and "0.02 = 2 %" in found[0].hint
    assert diagnose(text.replace("settlement: net", "settlement: gross")) == []


def test_gross_by_default_keeps_the_version_of_programs_written_before_it():
    """`settlement: gross` written out or left out gives the same version (the canonical form
    leaves it out, as before the key existed); `net` changes it."""
    without = NET.replace("    settlement: net\n", "")
    versions = [program_version(parse_program(t, "p.yaml")[0])
                for t in (without, NET.replace("settlement: net", "settlement: gross"), NET)]
    assert versions[0] == versions[1] != versions[2]
    kpi = parse_program(without, "p.yaml")[0].kpis[0]
    assert kpi.settlement == "gross" and "settlement" not in kpi.model_dump()
