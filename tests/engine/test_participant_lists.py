"""Participant lists in the warehouse: `include_lists` and `exclude_lists`, on DuckDB and
Spark, numbers worked out by hand in the docstrings; an unknown list refused by calc,
explain and detect with the program line and the lists present."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payout_support import run
from typer.testing import CliRunner

from schemeops.cli.main import app
from schemeops.ingest.warehouse import connect

COMP = "components:\n  - id: c\n    kpi: value\n    on: actual\n    slabs: [{from: 0, rate: 0.1}]\n"
HEAD = ("id: t\nname: T\nperiod: {start: 2026-10-01, end: 2026-10-31}\n"
        "kpis: [{id: value, kind: volume}]\n")


def _lists(wh, **lists: list[str]) -> None:
    for list_id, ids in lists.items():
        wh.rows["participant_lists"] += [{"list_id": list_id, "participant_id": p} for p in ids]


def _payouts(wh, rule: str) -> dict[str, D]:
    out = run(f"{HEAD}participants: {rule}\n{COMP}", wh)
    assert len(out.payouts) == len({r["participant_id"] for r in out.payouts})  # one row each
    return {r["participant_id"]: D(r["payout"]) for r in out.payouts}


def test_include_and_exclude_lists_golden(wh2):
    """October sales: D1 100, D2 200, D3 300 (distributors), S1 400 (sub-distributor); R1
    manages D1 and D2, so its volume rolls up to 300. 10 % of the volume.
    Lists: extra = [S1, R1], out = [D2, S1], unused = [D1].
    - roles distributor: D1 10.00, D2 20.00, D3 30.00.
    - include_lists [extra]: adds S1 40.00 and R1 30.00 (outside the roles).
    - exclude_lists [out]: D1 and D3 only.
    - include_lists [extra], exclude_lists [out]: S1 is on both, and excluding wins: D1, D3,
      R1 (D2 is out too).
    - include_lists [extra, out]: S1 is on two lists and appears once: D1, D2, D3, R1, S1.
    - include_lists [extra] with roles [manager] (M1 has no managed sales in lists' way):
      M1 rolls up R1 → D1, D2 and R2 → D3: 600 → 60.00; plus R1 30.00 and S1 40.00.
    - exclude: [D3] and exclude_lists [out] together: D1 only.
    - include: [S1] (a program's own list) and exclude_lists [out]: S1 is on out: D1, D3."""
    for inv, pid, outlet, amt in (("I1", "D1", "O1", "100"), ("I2", "D2", "O5", "200"),
                                  ("I3", "D3", "O7", "300"), ("I4", "S1", "O8", "400")):
        wh2.sale(inv, "2026-10-05", pid, outlet, "A1", "1", amt)
    _lists(wh2, extra=["S1", "R1"], out=["D2", "S1"], unused=["D1"])
    dist = {"D1": D("10.00"), "D2": D("20.00"), "D3": D("30.00")}
    assert _payouts(wh2, "{}") == dist
    assert _payouts(wh2, "{include_lists: [extra]}") == {
        **dist, "S1": D("40.00"), "R1": D("30.00")}
    assert _payouts(wh2, "{exclude_lists: [out]}") == {"D1": D("10.00"), "D3": D("30.00")}
    assert _payouts(wh2, "{include_lists: [extra], exclude_lists: [out]}") == {
        "D1": D("10.00"), "D3": D("30.00"), "R1": D("30.00")}
    assert _payouts(wh2, "{include_lists: [extra, out]}") == {
        **dist, "S1": D("40.00"), "R1": D("30.00")}
    assert _payouts(wh2, "{roles: [manager], include_lists: [extra]}") == {
        "M1": D("60.00"), "R1": D("30.00"), "S1": D("40.00")}
    assert _payouts(wh2, "{exclude: [D3], exclude_lists: [out]}") == {"D1": D("10.00")}
    assert _payouts(wh2, "{include: [S1], exclude_lists: [out]}") == {
        "D1": D("10.00"), "D3": D("30.00")}


def test_a_list_as_long_as_the_network_takes_everyone_once(wh2):
    """A list of all seven participants with roles [manager]: everyone takes part once;
    with it excluded as well as the roles' own, nobody does (no output rows)."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "100")
    _lists(wh2, everyone=["M1", "R1", "R2", "D1", "D2", "D3", "S1"])
    assert set(_payouts(wh2, "{roles: [manager], include_lists: [everyone]}")) == {
        "M1", "R1", "R2", "D1", "D2", "D3", "S1"}
    assert _payouts(wh2, "{exclude_lists: [everyone]}") == {}


def _warehouse(tmp_path: Path) -> Path:
    """A warehouse file with D1 and the list `vip` = [D1]."""
    path = tmp_path / "wh.duckdb"
    connect(path).disconnect()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO participants (participant_id, name, role) "
                "VALUES ('D1', 'D1', 'distributor')")
    con.execute("INSERT INTO participant_lists VALUES ('vip', 'D1'), ('vips_north', 'D1')")
    con.close()
    return path


def test_an_unknown_list_is_refused_by_calc_explain_and_detect(tmp_path):
    """`exclude_lists` is line 7 of the program (4 lines of HEAD, then `participants:`,
    `include_lists`); in `  exclude_lists: [nope, vipp]` `nope` starts after 18 characters
    (column 19) and `vipp` after 24 (column 25). Both unknown ids are named, with the lists
    present and the close match, exit 2, and calc writes no output folder."""
    wh = _warehouse(tmp_path)
    prog = tmp_path / "p.yaml"
    prog.write_text(HEAD + "participants:\n  include_lists: [vip]\n"
                    "  exclude_lists: [nope, vipp]\n" + COMP)
    runner = CliRunner()
    for args in (["calc", "-p", str(prog), "-w", str(wh), "-o", str(tmp_path / "out")],
                 ["explain", "-p", str(prog), "-w", str(wh), "--participant", "D1"],
                 ["detect", "-p", str(prog), "-w", str(wh), "-o", str(tmp_path / "det")]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2, (args, r.output)
        assert f"{prog}:7:19: unknown_list `nope` names no participant list" in r.output
        assert f"{prog}:7:25: unknown_list `vipp`" in r.output
        assert "participant lists are `vip`, `vips_north`; did you mean `vip`?" in r.output
    assert not (tmp_path / "out").exists()


def test_no_lists_in_the_warehouse_says_how_to_load_them(tmp_path):
    """A warehouse without any list: the hint says to load participant_lists.csv."""
    wh = _warehouse(tmp_path)
    duckdb.connect(str(wh)).execute("DELETE FROM participant_lists").close()
    prog = tmp_path / "p.yaml"
    prog.write_text(HEAD + "participants: {include_lists: [vip]}\n" + COMP)
    r = CliRunner().invoke(app, ["calc", "-p", str(prog), "-w", str(wh), "-o",
                                 str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert "no participant lists; load them as participant_lists.csv" in r.output


def test_explain_says_which_list_leaves_a_participant_out(wh):
    """D2 is on the excluded list `out`: explain names the list; S1 (a sub-distributor) on
    the included list `extra` is eligible, so it is not said to be left out by its role."""
    from schemeops.engine.explain import why_no_story
    from schemeops.program.parse import parse_located

    _lists(wh, extra=["S1"], out=["D2"])
    program, _spans, _found = parse_located(
        f"{HEAD}participants: {{include_lists: [extra], exclude_lists: [out]}}\n{COMP}", "t")
    data = wh.data()
    con = data.participants.get_backend()
    assert why_no_story(program, data, con, "D2") == (
        "D2 is not eligible for t: it is on the list `out` of `participants.exclude_lists`")
    assert why_no_story(program, data, con, "S1") == (
        "S1 is not eligible for t: it is left out for every period")


PEOPLE = ["M1", "R1", "R2", "D1", "D2", "D3", "S1"]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lists=st.lists(st.sets(st.sampled_from(PEOPLE)), min_size=2, max_size=3),
       include=st.sets(st.integers(0, 2)), exclude=st.sets(st.integers(0, 2)))
def test_lists_choose_exactly_the_set_they_describe(make_warehouse, lists, include,
                                                    exclude):
    """Whatever the lists (ids l0, l1, l2), the participants who take part are the
    distributors, plus everyone on an included list, minus everyone on an excluded one."""
    include, exclude = sorted(i for i in include if i < len(lists)), \
        sorted(i for i in exclude if i < len(lists) and i not in include)
    wh = make_warehouse()
    _lists(wh, **{f"l{i}": sorted(ids) for i, ids in enumerate(lists)})
    rule = (f"{{include_lists: [{', '.join(f'l{i}' for i in include)}], "
            f"exclude_lists: [{', '.join(f'l{i}' for i in exclude)}]}}")
    added = set().union(*(lists[i] for i in include))
    removed = set().union(*(lists[i] for i in exclude))
    assert set(_payouts(wh, rule)) == ({"D1", "D2", "D3"} | added) - removed


def test_a_hostile_list_id_in_the_warehouse_is_shown_printable_and_cut():
    """A list id with a terminal escape and 100 characters shows as `?[31m` then the first
    characters, 40 in all with the ellipsis."""
    from schemeops.program.check import check_list_ids
    from schemeops.program.parse import parse_located

    program, spans, _found = parse_located(
        f"{HEAD}participants: {{include_lists: [vip]}}\n{COMP}", "p.yaml")
    (d,) = check_list_ids(program, spans, {"\x1b[31m" + "x" * 100})
    assert d.code == "unknown_list" and (d.span.line, d.span.col) == (5, 32)
    assert d.hint == "the warehouse's participant lists are `?[31m" + "x" * 34 + "…`"
