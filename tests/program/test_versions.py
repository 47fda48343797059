"""A program's version is the hash of its meaning: the language growing new keys must not
change the version of a program written before them (an auditor matches past runs to it)."""

from pathlib import Path

import pytest

from schemeops.program.check import load_and_check
from schemeops.program.parse import program_version

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "programs"

#: The versions `schemeops check` printed for these files before issue 9's new keys
#: (commit 0f60dfe).
BEFORE_NEW_KEYS = {
    "balanced_scorecard_oct": "d10cc626d1a75f33", "early_pay_oct": "dda81d51c299f983",
    "flash_tea_week": "2a98ec4ff1b92489", "mbc_reps_oct": "8992438bda3b82f1",
    "mbo_targets": "c85f4738a42f5384", "nca_oct": "9203ed8493e573df",
    "premium_upsell_oct": "aae9252b883ddf9e", "reactivation_oct": "7657170fbe056a7b",
    "rod_q3": "31792a8a67a5539b", "volume_growth_oct": "3e1020e43c2ea57e",
}


@pytest.mark.parametrize("program_id", sorted(BEFORE_NEW_KEYS))
def test_an_earlier_program_keeps_its_version(program_id):
    programs, diagnostics = load_and_check(sorted(EXAMPLES.glob("*.yaml")))
    assert not [d for d in diagnostics if d.severity == "error"]
    by_id = {p.id: p for p in programs}
    assert program_version(by_id[program_id]) == BEFORE_NEW_KEYS[program_id]
