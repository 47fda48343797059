"""Robust statistics as Ibis expressions: medians and MADs by group, joined back (group-by
and join rather than nested window functions, which no SQL engine accepts)."""

from __future__ import annotations

import ibis.expr.types as ir

#: Iglewicz & Hoaglin's constant: 0.6745 × (x − median) / MAD is ≈ N(0, 1) for normal data.
MZ = 0.6745


def with_median(t: ir.Table, column: str, *, by: str | list[str], name: str) -> ir.Table:
    """`t` with `name`: the median of `column` over the rows of its `by` group."""
    g = t.group_by(by).agg(**{name: t[column].median()})
    return t.join(g, by)


def modified_z(t: ir.Table, column: str, *, by: str | list[str], floor: float,
               name: str) -> ir.Table:
    """`t` with `name`: the modified z-score of `column` against the median and MAD of its
    `by` group, the MAD no smaller than `floor` (so a very steady history does not turn a
    small move into a huge score)."""
    t = with_median(t, column, by=by, name="_med")
    t = t.mutate(_dev=(t[column] - t._med).abs())
    t = with_median(t, "_dev", by=by, name="_mad")
    mad = t._mad.clip(lower=floor)
    return t.mutate(**{name: MZ * (t[column] - t._med) / mad}).drop("_med", "_dev", "_mad")
