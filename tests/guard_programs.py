"""The one-month program the guard tests write: it pays `rate` of every distributor's October
sales from the first rupee, which is its discount on each line."""

from __future__ import annotations

_TEXT = """\
id: {id}
name: {id}
period: {{start: 2026-10-01, end: 2026-10-31}}
kpis:
  - {{id: sales, kind: volume{products}}}
components:
  - id: discount
    kpi: sales
    on: actual
    slabs:
      - {{from: 0, rate: {rate}}}
{extra}"""


def discount_program(pid: str, rate: str, *, products: str = "", extra: str = "") -> str:
    """The program's YAML, with an optional products filter and extra top-level YAML."""
    return _TEXT.format(id=pid, rate=rate, extra=extra,
                        products=f", products: \"{products}\"" if products else "")
