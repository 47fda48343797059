"""`holdout: {share, seed}`: the program key, located errors, the hash held out on DuckDB and
Spark alike, and held-out participants left out of the calculation and told so by explain.

Worked by hand for seed 7 (md5 of "7:<id>", first 8 hex digits h, held out iff
h < ⌊share × 16⁸⌋; 16⁸ = 4294967296):
    D1  32a46a32 → h =   849635890 (0.1978 of 16⁸)
    D2  c10ffe77 → h = 3 239 050 871 (0.7542)
    D3  24bd6037 → h =   616 390 711 (0.1435)
share 0.2  → ⌊858993459.2⌋ = 858993459: D1 and D3 held out, D2 enrolled.
share 0.19 → ⌊816043786.24⌋ = 816043786: only D3 held out (D1's 849635890 is above).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from payout_support import run

from schemeops.engine.explain import why_no_story
from schemeops.engine.explain_run import run_stories
from schemeops.engine.holdout import held_out, is_held_out, threshold
from schemeops.errors import SchemeopsError
from schemeops.program.model import Holdout
from schemeops.program.parse import parse_located

PROGRAM = """\
id: p
name: P
period: {{start: 2026-10-01, end: 2026-10-31}}
participants: {{roles: [distributor]{include}}}
kpis:
  - {{id: sales, kind: volume}}
components:
  - {{id: c, kpi: sales, on: actual, slabs: [{{from: 0, amount: 100}}]}}
{holdout}"""


def program(holdout: str, include: str = "") -> str:
    """A one-component program paying every eligible distributor 100, with `holdout`."""
    return PROGRAM.format(holdout=holdout, include=include)


def test_threshold_and_hashes_as_worked_by_hand():
    assert threshold(Holdout(share=Decimal("0.2"), seed=7)) == 858993459
    assert threshold(Holdout(share=Decimal("0.19"), seed=7)) == 816043786
    assert hashlib.md5(b"7:D1").hexdigest()[:8] == "32a46a32"
    assert int("32a46a32", 16) == 849635890


@pytest.mark.parametrize(("share", "paid"), [("0.2", {"D2"}), ("0.19", {"D1", "D2"})])
def test_held_out_distributors_are_not_enrolled(wh2, share, paid):
    """Golden: of D1, D2, D3 (seed 7) the held-out ones get no row at all, the rest 100."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "10.00")
    out = run(program(f"holdout: {{share: {share}, seed: 7}}\n"), wh2)
    assert out.participants == paid
    assert all(out.payout(pid) == Decimal("100.00") for pid in paid)


def test_without_holdout_everyone_is_enrolled(wh):
    assert run(program(""), wh).participants == {"D1", "D2", "D3"}


def test_holdout_wins_over_include(wh):
    """`include` adds to the rule; the control group is still held out of it."""
    out = run(program("holdout: {share: 0.2, seed: 7}\n", ", include: [D1]"), wh)
    assert out.participants == {"D2"}


def test_explain_says_held_out_and_other_reasons_stay(wh):
    data = wh.data()
    p = parse_located(program("holdout: {share: 0.2, seed: 7}\n"), "p.yaml")[0]
    con = data.participants.get_backend()
    said = why_no_story(p, data, con, "D1")
    assert said == ("D1 is held out of p: in its control group (holdout share 0.2, seed 7), "
                    "not enrolled, so it earns nothing")
    # R2 hashes below 0.2 too (0762a038), but a sales rep is not eligible anyway
    assert hashlib.md5(b"7:R2").hexdigest()[:8] == "0762a038"
    assert "takes distributor" in why_no_story(p, data, con, "R2")


def _hashed(ids: list[str], h: Holdout, con) -> list[bool]:
    t = ibis.memtable(pa.table({"pid": pa.array(ids, pa.string()),
                                "n": pa.array(range(len(ids)), pa.int64())}))
    rows = con.to_pyarrow(t.select("n", x=held_out(t.pid, h)).order_by("n")).to_pylist()
    return [r["x"] for r in rows]


@settings(max_examples=30, deadline=None)
@given(ids=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=30),
       share=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.999"), places=3),
       seed=st.integers(0, 2**31 - 1))
def test_ibis_hash_matches_python_on_duckdb(ids, share, seed):
    h = Holdout(share=share, seed=seed)
    assert _hashed(ids, h, ibis.duckdb.connect()) == [is_held_out(i, h) for i in ids]


@pytest.mark.spark
def test_spark_holds_out_the_same_ids_as_duckdb():
    from schemeops.engine.backends.spark import spark_session

    ids = [f"D{i:05d}" for i in range(500)] + ["Ünïcode-1", "a b", "x'y"]
    h = Holdout(share=Decimal("0.2"), seed=7)
    spark = _hashed(ids, h, ibis.pyspark.connect(spark_session()))
    assert spark == _hashed(ids, h, ibis.duckdb.connect()) == [is_held_out(i, h) for i in ids]
    assert 0.15 < sum(spark) / len(ids) < 0.25  # about the share (500 ids: ±3.5 σ)


@pytest.mark.parametrize(("value", "code", "hint"), [
    ("{share: 0, seed: 7}", "greater_than", "greater than zero"),
    ("{share: 1, seed: 7}", "less_than", "below 1"),
    ("{share: 0.2, seed: '7'}", "int_type", "whole number"),
    ("{share: 0.2, seed: 7.5}", "int_type", "whole number"),
    ("{share: 0.2}", "missing", "add `seed:`"),
    ("{share: 0.2, seed: 7, sede: 1}", "extra_forbidden", "allowed keys: share, seed"),
])
def test_bad_holdout_is_located(value, code, hint):
    _, _, (d,) = parse_located(program(f"holdout: {value}\n"), "p.yaml")
    assert d.code == code and hint in d.hint, d.render()
    assert d.span.line == 9, d.render()


def test_explain_run_says_which_holdout_an_absent_id_falls_in(tmp_path):
    """A finished calc's folder: D1 and D3 fall in seed 7's group at 0.2, X9 does not
    (md5 "7:X9" starts with f86fe442, above 0.2 × 16⁸)."""
    (tmp_path / "explanations.csv").write_text("participant_id\nD2\n", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(
        '{"holdouts": {"p": {"share": "0.2", "seed": 7}}}', encoding="utf-8")
    with pytest.raises(SchemeopsError) as held:
        run_stories(tmp_path, "D3")
    assert str(held.value) == (
        "D3 takes part in no program of this calculation; it falls in the holdout (control "
        "group) of p (share 0.2, seed 7): held out there, not enrolled, if the program's "
        "rule would take it")
    assert hashlib.md5(b"7:X9").hexdigest()[:8] == "f86fe442"
    with pytest.raises(SchemeopsError) as other:
        run_stories(tmp_path, "X9")
    assert "holdout" not in str(other.value)
