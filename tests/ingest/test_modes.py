"""Load modes: atomic (all or nothing), --accept-valid with quarantine, idempotent reloads,
references across files and loads, the `_loads` log, and the CLI end to end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from typer.testing import CliRunner

from schemeops.cli.main import app
from schemeops.ingest import load

from .conftest import SALES_HEADER, Bench, read_csv_rows

GOOD = ["S1,1,2026-01-05,D1,O1,P1,2,20.00,invoice,", "S1,2,2026-01-05,D1,O1,P2,1,25.50,invoice,"]


def test_atomic_load_writes_nothing_and_reports_every_problem(bench: Bench):
    """With 25 bad rows among good ones, nothing is loaded, the report shows the first 20 and
    the rejects file lists all 25, each at its own line."""
    bad = [f"B{i},1,2026-02-{30 + i % 2},D1,O1,P1,2,20.00,invoice," for i in range(25)]
    out = bench.load(bench.csv("sales.csv", "\n".join([SALES_HEADER, *GOOD, *bad]) + "\n"))
    assert not out.report.loaded and out.report.problem_count == 25
    assert len(out.report.first_problems) == 20
    assert sorted(int(p["row"]) for p in out.problems) == list(range(4, 29))
    assert {p["code"] for p in out.problems} == {"bad_date"}
    c = out.counts("sales")
    assert (c.read, c.accepted, c.rejected) == (27, 2, 25)
    assert out.after == out.before


def test_atomic_load_of_several_files_fails_as_a_whole(bench: Bench):
    """One broken file (bad header) among good ones: no file's rows are loaded."""
    out = bench.load(
        bench.csv("outlets.csv", "outlet_id,name,distributor_id,created_on\n"
                                 "O3,Shop Three,D1,2024-01-01\n"),
        bench.csv("sales.csv", "\n".join([SALES_HEADER, *GOOD]) + "\n"),
        bench.csv("payments.csv", "payment_id,distributor,paid_on,amount\nX,D1,2026-01-01,1\n"))
    out.problem("unknown_column", 1, "distributor")
    assert not out.report.loaded
    assert out.after == out.before


def test_accept_valid_loads_valid_rows_and_quarantines_the_rest(bench: Bench):
    """--accept-valid loads the valid rows only; quarantine/sales.csv holds each rejected row
    as it came (raw text), with its file, line and every reason."""
    rows = [*GOOD,
            "S2,1,2026-02-30,D1,O1,P1,2,20.00,invoice,",
            "S3,1,2026-01-05,D1,O1,P9,2,20.00,invoice,",
            "S4,1,2026-01-05,D1,O1,P1,-2,-1.005,invoice,",
            "S5,1,2026-01-06,D2,O2,P1,3,30.00,Invoice,"]
    path = bench.csv("sales.csv", "\n".join([SALES_HEADER, *rows]) + "\n")
    out = bench.load(path, accept_valid=True)
    assert out.report.loaded and not out.report.ok
    c = out.counts("sales")
    assert (c.read, c.accepted, c.rejected, c.already_present, c.conflicts) == (6, 3, 3, 0, 0)
    assert bench.rows("SELECT invoice_id, line_no FROM sales ORDER BY 1, 2") == [
        ("S1", 1), ("S1", 2), ("S5", 1)]
    assert out.report.quarantine_paths == (bench.quarantine / "sales.csv",)
    q = read_csv_rows(bench.quarantine / "sales.csv")
    assert [(r["_row"], r["invoice_id"], r["invoice_date"], r["net_amount"]) for r in q] == [
        ("4", "S2", "2026-02-30", "20.00"), ("5", "S3", "2026-01-05", "20.00"),
        ("6", "S4", "2026-01-05", "-1.005")]
    assert all(r["_file"] == str(path) for r in q)
    assert "not a valid date" in q[0]["_reasons"]
    assert "products.sku" in q[1]["_reasons"]
    reasons = q[2]["_reasons"].split("; ")
    assert len(reasons) == 3, reasons  # negative quantity, negative amount, 3 decimals
    assert list(q[0])[-3:] == ["_file", "_row", "_reasons"]
    assert len(out.problems) == 5


def test_accept_valid_with_nothing_wrong_writes_no_quarantine(bench: Bench):
    """A clean load in --accept-valid mode is a plain load: no quarantine, no rejects file."""
    out = bench.load(bench.csv("sales.csv", "\n".join([SALES_HEADER, *GOOD]) + "\n"),
                     accept_valid=True)
    assert out.report.ok and out.report.loaded and out.report.quarantine_paths == ()
    assert not bench.quarantine.exists() and not bench.rejects.exists()


def test_a_load_with_no_table_to_read_reports_and_writes_nothing(bench: Bench):
    """Only files that name no table (or nothing at all): the problems are reported, nothing is
    written, in atomic and in --accept-valid mode (no crash on an empty commit)."""
    for accept in (False, True):
        out = bench.load(bench.csv("customers.csv", "id\n1\n"), accept_valid=accept)
        out.problem("unknown_table", None)
        assert not out.report.loaded and out.report.counts == ()
        assert out.after == out.before
    out = bench.load(accept_valid=True)
    assert out.report.ok and not out.report.loaded and out.after == out.before


def test_loading_the_same_files_twice_adds_nothing(bench: Bench):
    """The second load of the same files finds every row already present: nothing is added, no
    problem is reported, and the load is logged with its counts."""
    files = [
        bench.csv("outlets.csv", "outlet_id,name,distributor_id,latitude,created_on\n"
                                 "O3,Shop Three,D1,12.9716,2024-01-01\n"),
        bench.csv("sales.csv", "\n".join([SALES_HEADER, *GOOD,
                                          "C1,1,2026-01-07,D1,O3,P1,-1,-10.00,return,S1"]) + "\n"),
    ]
    first = bench.load(*files)
    assert first.report.ok and first.report.loaded
    sizes = {t: len(rows) for t, rows in first.after.items() if t != "_loads"}
    second = bench.load(*files)
    assert second.report.ok and second.report.loaded
    for c in second.report.counts:
        assert (c.accepted, c.rejected, c.conflicts) == (0, 0, 0), c
        assert c.already_present == c.read > 0, c
    assert {t: len(rows) for t, rows in second.after.items() if t != "_loads"} == sizes
    assert {t: rows for t, rows in second.after.items() if t != "_loads"} == \
        {t: rows for t, rows in first.after.items() if t != "_loads"}


def test_identical_duplicate_rows_in_one_load_are_all_rejected(bench: Bench):
    """Current behaviour (a judgement call): two identical rows in one load are both rejected
    as duplicate_key, not collapsed into one."""
    out = bench.load(bench.csv("sales.csv", "\n".join([SALES_HEADER, GOOD[0], GOOD[0]]) + "\n"),
                     accept_valid=True)
    out.problem("duplicate_key", 2)
    out.problem("duplicate_key", 3)
    assert bench.rows("SELECT count(*) FROM sales") == [(0,)]


def test_the_same_file_named_twice_is_read_once(bench: Bench):
    """A file given twice (by name, or as a folder and a file in it) is read once: its rows
    load as they would from one mention, not reported as duplicates of themselves."""
    path = bench.csv("in/sales.csv", "\n".join([SALES_HEADER, *GOOD]) + "\n")
    out = bench.load(path, bench.path("in"), bench.folder / "in" / ".." / "in" / "sales.csv")
    assert out.report.ok and out.report.loaded, out.problems
    c = out.counts("sales")
    assert (c.read, c.accepted) == (2, 2), c
    assert bench.rows("SELECT count(*) FROM sales") == [(2,)]


def test_duplicate_key_across_files_names_the_first_file(bench: Bench):
    """A key repeated in two files: each problem says in which file and row the key was first
    seen, so a user can find the other copy."""
    a = bench.csv("a/sales.csv", "\n".join([SALES_HEADER, GOOD[0]]) + "\n")
    b = bench.csv("b/sales.csv", "\n".join([SALES_HEADER, GOOD[1], GOOD[0]]) + "\n")
    out = bench.load(a, b)
    p = out.problem("duplicate_key", 3)
    assert p["file"] == str(b) and f"first at {a}:2" in p["reason"], p


def test_reference_to_a_rejected_row_says_so(bench: Bench):
    """A reference to a row that is in this load but rejected does not claim the id is
    unknown: the reason says the referenced row is rejected, and where it is."""
    outlets = bench.csv("outlets.csv", "outlet_id,name,distributor_id,created_on\n"
                                       "O3,Shop Three,D1,2024-02-30\n")
    out = bench.load(outlets, bench.csv(
        "sales.csv", f"{SALES_HEADER}\nS7,1,2026-01-05,D1,O3,P1,2,20.00,invoice,\n"))
    p = out.problem("unknown_reference", 2, "outlet_id")
    assert "rejected" in p["reason"] and f"{outlets}:2" in p["reason"], p
    assert "fix" in p["fix"] and p["value"] == "O3", p


def test_references_resolve_in_the_same_load_and_in_earlier_loads(bench: Bench):
    """A sale may reference an outlet loaded in the same invocation; a later invocation may
    reference that outlet and return that invoice; payments reference primary invoices
    loaded earlier."""
    first = bench.load(
        bench.csv("outlets.csv", "outlet_id,name,distributor_id,created_on\n"
                                 "O3,Shop Three,D2,2024-01-01\n"),
        bench.csv("sales.csv", f"{SALES_HEADER}\nS7,1,2026-01-05,D2,O3,P1,2,20.00,invoice,\n"),
        bench.csv("primary_sales.csv", "invoice_id,line_no,invoice_date,due_date,distributor_id,"
                                       "sku,quantity,net_amount\nPI1,1,2026-01-02,2026-02-01,"
                                       "D2,P1,100,600.00\n"))
    assert first.report.ok, first.problems
    second = bench.load(
        bench.csv("later/sales.csv", f"{SALES_HEADER}\n"
                                     "C7,1,2026-01-09,D2,O3,P1,-1,-10.00,return,S7\n"
                                     "S8,1,2026-01-09,D2,O3,P2,1,25.50,invoice,\n"),
        bench.csv("later/payments.csv", "payment_id,distributor_id,invoice_id,paid_on,amount\n"
                                        "PAY1,D2,PI1,2026-01-10,600.00\n"))
    assert second.report.ok, second.problems
    assert bench.rows("SELECT invoice_id, ref_invoice_id FROM sales ORDER BY 1") == [
        ("C7", "S7"), ("S7", None), ("S8", None)]
    assert bench.rows("SELECT invoice_id, amount FROM payments") == [("PI1", Decimal("600.00"))]


def test_reference_to_a_row_rejected_in_the_same_load_is_rejected(bench: Bench):
    """With --accept-valid, a sale at an outlet whose own row is rejected is rejected too
    (unknown outlet): a loaded row never points at nothing."""
    out = bench.load(
        bench.csv("outlets.csv", "outlet_id,name,distributor_id,created_on\n"
                                 "O3,Shop Three,D1,2024-02-30\n"),
        bench.csv("sales.csv", f"{SALES_HEADER}\nS7,1,2026-01-05,D1,O3,P1,2,20.00,invoice,\n"),
        accept_valid=True)
    out.problem("bad_date", 2, "created_on")
    out.problem("unknown_reference", 2, "outlet_id")
    assert bench.rows("SELECT count(*) FROM sales") == [(0,)]


def test_return_of_a_rejected_invoice_is_not_loaded(bench: Bench):
    """With --accept-valid, a return whose invoice is rejected in the same file (here for an
    unknown outlet) is rejected too, not loaded with a dangling ref_invoice_id."""
    out = bench.load(bench.csv("sales.csv", f"{SALES_HEADER}\n"
                               "S1,1,2026-01-05,D1,O9,P1,2,20.00,invoice,\n"
                               "C1,1,2026-01-06,D1,O1,P1,-1,-10.00,return,S1\n"
                               "S2,1,2026-01-05,D1,O1,P1,2,20.00,invoice,\n"
                               "C2,1,2026-01-06,D1,O1,P1,-1,-10.00,return,S2\n"),
                     accept_valid=True)
    out.problem("unknown_reference", 2, "outlet_id")
    out.problem("unknown_reference", 3, "ref_invoice_id")
    assert bench.rows("SELECT invoice_id FROM sales ORDER BY 1") == [("C2",), ("S2",)]


def test_children_of_a_rejected_participant_are_rejected_down_the_tree(empty_bench: Bench):
    """With --accept-valid, a participant whose parent is rejected is rejected, and so is its
    own child: no loaded parent_id dangles, however deep."""
    out = empty_bench.load(empty_bench.csv("participants.csv", (
        "participant_id,name,role,parent_id\n"
        "M1,Manager,boss,\n"            # not_allowed
        "R1,Rep,sales_rep,M1\n"         # parent rejected
        "D1,Dist,distributor,R1\n"      # grandparent rejected
        "M2,Manager Two,manager,\n"
        "D2,Dist Two,distributor,M2\n")), accept_valid=True)
    out.problem("not_allowed", 2, "role")
    out.problem("unknown_reference", 3, "parent_id")
    out.problem("unknown_reference", 4, "parent_id")
    assert empty_bench.rows("SELECT participant_id FROM participants ORDER BY 1") == [
        ("D2",), ("M2",)]


def test_loads_table_records_each_load(bench: Bench):
    """Each committed load adds one `_loads` row per table with its time, files and counts;
    a rejected atomic load adds none."""
    at = dt.datetime(2026, 3, 1, 9, 30)
    sales = bench.csv("sales.csv", "\n".join([SALES_HEADER, *GOOD]) + "\n")
    before = bench.rows("SELECT max(load_id), count(*) FROM _loads")[0]
    load([sales], warehouse=bench.warehouse, clock=lambda: at)
    bad = bench.csv("bad/sales.csv", f"{SALES_HEADER}\nS9,1,2026-02-30,D1,O1,P1,1,1,invoice,\n")
    load([bad], warehouse=bench.warehouse, clock=lambda: at)
    rows = bench.rows('SELECT load_id, loaded_at, "table", files, "read", accepted, rejected, '
                      'already_present, conflicts FROM _loads WHERE load_id > '
                      f"{before[0]} ORDER BY load_id")
    assert rows == [(before[0] + 1, at, "sales", str(sales), 2, 2, 0, 0, 0)]
    assert bench.rows("SELECT count(*) FROM _loads")[0][0] == before[1] + 1


def test_cli_load_end_to_end(bench: Bench):
    """`schemeops load` exits 0 and prints the summary on a clean load; exits 1 naming the
    problem and loading nothing on a bad one; with --accept-valid it loads the valid rows,
    writes the quarantine and still exits 1."""
    runner = CliRunner()
    good = bench.csv("good/sales.csv", "\n".join([SALES_HEADER, *GOOD]) + "\n")
    res = runner.invoke(app, ["load", str(good), "--warehouse", str(bench.warehouse)])
    assert res.exit_code == 0, res.output
    assert "load summary" in res.output and "sales" in res.output and "loaded" in res.output
    bad = bench.csv("bad/sales.csv", f"{SALES_HEADER}\nS9,1,2026-02-30,D1,O1,P1,1,1,invoice,\n"
                                     "S9,2,2026-01-05,D1,O1,P1,1,1,invoice,\n")
    rejects = bench.folder / "cli-rejects.csv"
    args = ["load", str(bad), "--warehouse", str(bench.warehouse), "--rejects", str(rejects)]
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    assert "not a valid date" in res.output and "nothing was loaded" in res.output
    assert [(p["row"], p["code"]) for p in read_csv_rows(rejects)] == [("2", "bad_date")]
    assert bench.rows("SELECT count(*) FROM sales") == [(2,)]
    qdir = bench.folder / "q"
    res = runner.invoke(app, [*args, "--accept-valid", "--quarantine", str(qdir)])
    assert res.exit_code == 1, res.output
    assert bench.rows("SELECT invoice_id, line_no FROM sales ORDER BY 1, 2") == [
        ("S1", 1), ("S1", 2), ("S9", 2)]
    assert [r["_row"] for r in read_csv_rows(qdir / "sales.csv")] == ["2"]
