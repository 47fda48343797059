"""`clean` takes a value as it is when neither end can be trimmed, else trims it: on any
text, exactly what trimming spaces, tabs and newlines and reading "" as empty gives."""

from __future__ import annotations

import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from schemeops.ingest.rules import clean

#: Whitespace of every kind, control characters, and characters that join a following
#: space into one grapheme (U+0600 prepends; U+0301 combines).
_ALPHABET = [" ", "\t", "\n", "\r", "\x0b", "\x00", "\u00a0", "\u3000", "a", "é", "\u0600",
             "\u0301", "\u200d", "!"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=_ALPHABET, max_size=6)), min_size=1,
                max_size=40))
def test_clean_is_trimming(values: list[str | None]):
    con = ibis.duckdb.connect()
    t = ibis.memtable(pa.table({"i": pa.array(range(len(values))),
                                "v": pa.array(values, pa.string())}))
    out = con.to_pyarrow(t.select("i", fast=clean(t.v), slow=t.v.strip().nullif(""))
                         .order_by("i"))
    assert out["fast"].to_pylist() == out["slow"].to_pylist()
