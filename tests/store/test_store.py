"""The store on SQLite and PostgreSQL: migrations build the models' schema from empty, money
round-trips exactly, timestamps come back in UTC."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade
from schemeops.store.models import Base, User
from schemeops.store.types import Money


def test_migrations_upgrade_an_empty_database_to_the_models(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) == set(Base.metadata.tables) | {
            "alembic_version"}
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], "the models changed without a migration: alembic revision --autogenerate"


def test_upgrading_twice_changes_nothing(db_url):
    upgrade(db_url)
    upgrade(db_url)


@pytest.mark.parametrize("amount", ["0.00", "0.01", "-12.50", "12345678901234.99"])
def test_money_round_trips_exactly(amount):
    m = Money()
    assert m.process_result_value(m.process_bind_param(Decimal(amount), None), None) == Decimal(
        amount)


def test_money_with_more_than_two_places_is_refused():
    with pytest.raises(ValueError, match="at most 2 decimal places"):
        Money().process_bind_param(Decimal("1.005"), None)


def test_timestamps_come_back_in_utc(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    at = dt.datetime(2026, 11, 27, 9, 0, tzinfo=ist)
    with sessions(engine).begin() as s:
        s.add(User(username="u", display_name="u", role="admin", password_hash="x",
                   created_at=at))
    with sessions(engine)() as s:
        got = s.scalar(select(User.created_at))
    engine.dispose()
    assert got == at and got.tzinfo == dt.UTC


def _explanations_csv(path) -> list[dict[str, str]]:
    """An explanations.csv with one row of each kind that matters for types: decimals at
    many scales (a 7-place score, a 0 attainment at 6 places), negative money, a 14-digit
    amount, booleans, empty fields, and text the web must escape."""
    from schemeops.engine.output import EXPLANATION_COLUMNS

    base = {c: "" for c in EXPLANATION_COLUMNS} | {
        "program_id": "p", "participant_id": "D<1>&'\"", "period_start": "2026-10-01",
        "period_end": "2026-10-31", "period_no": "1"}
    rows = [
        base | {"row": "kpi", "kpi": "value", "actual": "1040758.49", "target": "884172.52",
                "attainment": "0.000000", "target_rule": "fixed 10000", "formula": "",
                "lower_is_better": "false", "gap_unit": "money",
                "gap_phrase": "sell {n} more in net value"},
        base | {"row": "component", "component": "c", "amount": "12345678901234.99",
                "outcome": "paid", "shape": "step", "measure_of": "score",
                "measure": "1.0840450", "slab": "2", "slabs": "3", "slab_start": "1.0",
                "slab_above": "false", "next_break": "1.1", "next_above": "true",
                "gate": "attainment(outlets) >= 0.8", "gate_held": "true",
                "multiplier": "1.65", "multipliers": "×1.1 (a); ×1.5 (b)",
                "capped": "false", "cap": "rate", "cap_limit": "31222.75",
                "deferred": "false"},
        base | {"row": "score_item", "component": "c", "kpi": "value", "needed": "4.199998",
                "gap": "0.000001"},
        base | {"row": "true_up", "component": "c:true_up", "amount": "-11625.90",
                "earned": "0.00", "paid_before": "11625.90", "carried_from": "1",
                "carried_to": "2"},
        base | {"row": "draw_recovery", "component": "c:draw_recovery", "amount": "-1000.00",
                "earned": "6000.00", "balance_before": "3000.00", "balance_after": "2000.00",
                "bills_paid": "0", "bills": "12"},
    ]
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=EXPLANATION_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return rows


def test_explanation_lines_round_trip_exactly(db_url, tmp_path):
    """Every typed field of explanations.csv comes back from the store as it went in: money
    to the paisa, other decimals at their own scale (the score's 7 places, an attainment
    of 0.000000), booleans, integers and empty fields, in the file's order."""
    from schemeops.engine.story import Row
    from schemeops.service.reports import stored_rows
    from schemeops.service.results import store_explanations
    from schemeops.store.models import Run

    written = _explanations_csv(tmp_path / "explanations.csv")
    upgrade(db_url)
    engine = make_engine(db_url)
    with sessions(engine).begin() as s:
        user = User(username="u", display_name="u", role="admin", password_hash="x")
        s.add(user)
        s.flush()
        run = Run(kind="calculation", started_by=user.id)
        s.add(run)
        s.flush()
        store_explanations(s, run, tmp_path)
        run_id = run.id
    with sessions(engine)() as s:
        back = stored_rows(s, run_id, "D<1>&'\"")
    engine.dispose()
    expected = [Row.of(r) for r in written]
    assert back == expected
    # equal decimals can differ in scale (1.0840450 == 1.084045): the text must match too
    assert [{k: str(v) for k, v in vars(r).items()} for r in back] == \
        [{k: str(v) for k, v in vars(r).items()} for r in expected]
    assert back[1].measure.as_tuple().exponent == -7 and back[1].amount == Decimal(
        "12345678901234.99")
