"""Every program `check` accepts, `calc` can compute (issue 15): programs generated at and
inside the limits (numbers up to 10^15 with 10 places, dates 1900–2999, 60 monthly or yearly
periods, gates that divide by zero) calculate on DuckDB without an error, and pay a money
amount with 2 places."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payout_support import run

NUMBERS = st.decimals(min_value=0, max_value=100, places=10,
                      allow_nan=False, allow_infinity=False)
#: Slab thresholds on a money KPI: above 0, with 2 places (more would be a warning).
THRESHOLDS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10) ** 15 - 1, places=2,
                         allow_nan=False, allow_infinity=False)
DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 1))


def _program(start: dt.date, every: int, count: int, rate: Decimal, above: Decimal,
             gate: str) -> str:
    first = start.replace(day=1)
    end = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return f"""id: p
name: P
period:
  start: {first.isoformat()}
  end: {end.isoformat()}
  recurrence: {{every_months: {every}, count: {count}}}
kpis:
  - {{id: sales, kind: volume}}
  - {{id: none, kind: volume, products: "sku = 'ZZ'"}}
components:
  - id: c
    kpi: sales
    on: actual
    slabs:
      - {{from: 0, rate: 0}}
      - {{from: {above:f}, rate: {rate:f}}}
gate: "{gate}"
"""


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=DAYS, every=st.sampled_from([1, 12]), count=st.integers(1, 60), rate=NUMBERS,
       above=THRESHOLDS, gate=st.sampled_from([
           "actual(sales) >= 0", "actual(sales) / actual(none) >= 1",
           "actual(sales) * 999999999999999 >= 0.0000000001"]))
def test_a_checked_program_calculates(wh, start, every, count, rate, above, gate):
    wh.sale("I1", start.replace(day=1).isoformat(), "D1", "O1", "A1", "3", "999999.99")
    out = run(_program(start, every, count, rate, above, gate), wh)
    for row in out.payouts:
        assert isinstance(row["payout"], str) and row["payout"].rsplit(".", 1)[1].isdigit()
        assert len(row["payout"].rsplit(".", 1)[1]) == 2
