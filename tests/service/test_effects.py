"""Effect estimates in the store (SQLite and PostgreSQL): exactly the estimator's rows, with
who, when and the data fingerprint, audited; only live or closed versions, by the roles
that start calculations; the ranking reads each program's latest estimate."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from service_support import example, live_version
from sqlalchemy import select

from schemeops.effect.report import dependency_rows, effect_rows
from schemeops.effect.run import run_effect
from schemeops.engine.backends import connect_warehouse
from schemeops.engine.fingerprint import warehouse_fingerprint
from schemeops.service import effects, programs
from schemeops.service.errors import Conflict, Forbidden
from schemeops.store.audit import verify
from schemeops.store.models import AuditEntry

#: volume_growth at higher rates: the same participants and sales, so the same incremental
#: value, for more cost: a lower ROI.
RICH = (example("volume_growth").replace("id: volume_growth_oct", "id: volume_growth_rich")
        .replace("name: October value growth", "name: =HYPERLINK(\"x\")")
        .replace("rate: 0.01}", "rate: 0.02}").replace("rate: 0.015}", "rate: 0.025}"))


def _text(x: object) -> str:
    return "" if x is None else str(x)


def test_an_estimate_stores_exactly_the_estimators_rows(app, team, tmp_path):
    version = live_version(app, team, example("volume_growth"))
    with app.sessions.begin() as s:
        est = effects.estimate(s, app, team.designer, version)
        estimate_id = est.id
    path = tmp_path / "p.yaml"
    path.write_text(example("volume_growth"))
    e = run_effect(path, warehouse=app.warehouse, resamples=effects.RESAMPLES,
                   seed=effects.SEED)
    expected = {(r["period_start"], r["participant_id"]): r for r in effect_rows(e)}
    con = connect_warehouse(app.warehouse)
    fingerprint = warehouse_fingerprint(con)
    with app.sessions.begin() as s:
        view = effects.version_effect(s, team.approver, version)
        assert view is not None and view.estimate.id == estimate_id
        assert view.estimate.data_fingerprint == fingerprint
        assert view.estimate.author.username == "designer"
        stored = view.program_rows + view.participant_rows
        assert len(stored) == len(expected) and view.program_rows
        for row in stored:
            want = expected[(row.period_start.isoformat(), row.participant_id)]
            for column in ("roi", "roi_low", "roi_high", "net_lift_pct", "baseline_value",
                           "actual_value", "subsidised_value", "cost_per_incremental_unit",
                           "paying_for_baseline_share", "margin"):
                assert _text(getattr(row, column)) == want[column], column
            assert (row.incremental_value, row.cost) == (Decimal(want["incremental_value"]),
                                                         Decimal(want["cost"]))
            assert row.verdict == want["verdict"]
        deps = {d.participant_id: d for d in view.dependency}
        for want in dependency_rows(e):
            d = deps[want["participant_id"]]
            assert (_text(d.dependency_index), d.trend) == (want["dependency_index"],
                                                            want["trend"])
        indices = [d.dependency_index for d in view.dependency]
        assert indices == sorted(indices, reverse=True)
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "effect.estimated"))
        assert entry is not None and entry.actor == "designer"
        assert entry.subject_id == str(version) and fingerprint in entry.details
        assert verify(s) == []


def test_only_live_or_closed_versions_and_only_calculating_roles(app, team):
    version = live_version(app, team, example("volume_growth"))
    with app.sessions.begin() as s:
        draft = programs.create_draft(s, team.designer, example("billed_outlets"))
        with pytest.raises(Conflict, match="simulate a draft instead"):
            effects.estimate(s, app, team.designer, draft.id)
        for who in (team.regional, team.distributor, team.rep):
            with pytest.raises(Forbidden):
                effects.estimate(s, app, who, version)
            with pytest.raises(Forbidden):
                effects.version_effect(s, who, version)
            with pytest.raises(Forbidden):
                effects.ranking(s, who)
        assert effects.version_effect(s, team.admin, version) is None


def test_the_ranking_reads_each_programs_latest_estimate_by_roi(app, team):
    plain = live_version(app, team, example("volume_growth"))
    rich = live_version(app, team, RICH)
    with app.sessions.begin() as s:
        effects.estimate(s, app, team.approver, rich)
        effects.estimate(s, app, team.approver, plain)
        newest = effects.estimate(s, app, team.admin, plain)  # the one the ranking reads
    with app.sessions.begin() as s:
        ranked = effects.ranking(s, team.designer)
        assert [r.program_id for r in ranked] == ["volume_growth_oct", "volume_growth_rich"]
        assert ranked[0].estimate.id == newest.id
        assert ranked[0].row.roi > ranked[1].row.roi
        assert ranked[0].row.incremental_value == ranked[1].row.incremental_value
        assert ranked[0].row.cost < ranked[1].row.cost
        rows = list(csv.DictReader(io.StringIO(effects.ranking_csv(ranked))))
    assert [r["rank"] for r in rows] == ["1", "2"]
    assert rows[1]["name"] == "'=HYPERLINK(\"x\")"  # a formula is shown, never run
    assert rows[0]["roi"] == str(ranked[0].row.roi) and rows[0]["estimated_by"] == "admin"
