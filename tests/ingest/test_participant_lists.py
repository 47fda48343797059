"""Loading `participant_lists` (list_id, participant_id): validated like every contract
table, with located errors, unknown participants refused or quarantined, counts reconciled."""

from __future__ import annotations

from .conftest import Bench, read_csv_rows

HEADER = "list_id,participant_id"


def test_lists_load_and_reload_as_already_present(bench: Bench):
    """Two lists over the master participants load; loading them again adds nothing."""
    path = bench.csv("participant_lists.csv", f"{HEADER}\nvip,D1\nvip,D2\nreps,R1\n")
    out = bench.load(path)
    assert out.report.ok and out.report.loaded
    assert bench.rows("SELECT list_id, participant_id FROM participant_lists ORDER BY 1, 2") \
        == [("reps", "R1"), ("vip", "D1"), ("vip", "D2")]
    again = bench.load(path).counts("participant_lists")
    assert (again.read, again.accepted, again.already_present) == (3, 0, 3)


def test_bad_list_rows_are_refused_with_their_line_and_nothing_is_loaded(bench: Bench):
    """An unknown participant (line 3), a missing list id (line 4) and the same pair twice
    (lines 5 and 6: both copies, the source is ambiguous) refuse the whole load."""
    out = bench.load(bench.csv("participant_lists.csv",
                               f"{HEADER}\nvip,D1\nvip,D9\n,D2\nvip,R1\nvip,R1\n"))
    assert not out.report.loaded and out.after == out.before
    assert out.problem("unknown_reference", 3, "participant_id")["value"] == "D9"
    out.problem("missing", 4, "list_id")
    out.problem("duplicate_key", 5)
    out.problem("duplicate_key", 6)
    c = out.counts("participant_lists")
    assert (c.read, c.accepted, c.rejected) == (5, 1, 4)


def test_accept_valid_quarantines_the_unknown_participant_and_loads_the_rest(bench: Bench):
    """--accept-valid: 2 rows loaded, the row naming D9 quarantined as it came."""
    out = bench.load(bench.csv("participant_lists.csv", f"{HEADER}\nvip,D1\nvip,D9\nvip,D2\n"),
                     accept_valid=True)
    c = out.counts("participant_lists")
    assert (c.read, c.accepted, c.rejected) == (3, 2, 1)
    assert bench.rows("SELECT participant_id FROM participant_lists ORDER BY 1") == [
        ("D1",), ("D2",)]
    (row,) = read_csv_rows(bench.quarantine / "participant_lists.csv")
    assert (row["list_id"], row["participant_id"], row["_row"]) == ("vip", "D9", "3")


def test_a_list_may_name_a_participant_loaded_in_the_same_invocation(bench: Bench):
    """Tables load in contract order, so a list names a participant of the same load."""
    people = bench.csv("participants.csv",
                       "participant_id,name,role,parent_id\nD3,Dist Three,distributor,R1\n")
    lists = bench.csv("participant_lists.csv", f"{HEADER}\nnew,D3\n")
    out = bench.load(lists, people)
    assert out.report.ok and out.report.loaded
    assert bench.rows("SELECT * FROM participant_lists") == [("new", "D3")]
