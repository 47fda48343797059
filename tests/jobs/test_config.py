"""The jobs file: every problem named by its place at once; schedules read in the file's zone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from schemeops.errors import UsageError
from schemeops.jobs import last_due, next_due, parse_jobs, read_jobs


def test_every_problem_is_named_by_its_place() -> None:
    with pytest.raises(UsageError) as e:
        parse_jobs("""
timezone = "Mars/Olympus"
[jobs.erp]
kind = "sql"
schedule = "61 * * * *"
table = "sale"
query = "SELECT 1"
curser = "invoice_date"
[jobs."bad name"]
kind = "progress"
schedule = "0 6 * * *"
""", source="jobs.toml")
    lines = str(e.value).splitlines()
    assert "jobs.toml: timezone: unknown time zone 'Mars/Olympus': write e.g. Asia/Kolkata " \
           "or UTC" in lines
    assert any(x.startswith("jobs.toml: jobs.erp.sql.schedule: not a cron expression")
               for x in lines)
    assert any(x.startswith("jobs.toml: jobs.erp.sql.table: no table 'sale'") for x in lines)
    assert "jobs.toml: jobs.erp.sql.url: Field required" in lines
    assert "jobs.toml: jobs.erp.sql.cursor: Field required" in lines
    assert "jobs.toml: jobs.erp.sql.curser: Extra inputs are not permitted" in lines
    assert any(x.startswith("jobs.toml: jobs.bad name.[key]: String should match") for x in lines)


def test_not_toml_is_refused_with_the_place() -> None:
    with pytest.raises(UsageError, match=r"jobs.toml: not TOML: .*line 1"):
        parse_jobs("[jobs.x\n")


def test_a_folder_is_read_relative_to_the_jobs_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "jobs.toml"
    path.write_text('[jobs.d]\nkind = "folder"\nschedule = "* * * * *"\npath = "drop"\n',
                    encoding="utf-8")
    assert read_jobs(path).jobs["d"].path == tmp_path / "conf" / "drop"


def test_schedules_are_read_in_the_zone() -> None:
    # 06:00 in Kolkata (UTC+5:30) is 00:30 UTC
    zone = parse_jobs('timezone = "Asia/Kolkata"').zone
    now = dt.datetime(2026, 10, 6, 0, 30, tzinfo=dt.UTC)
    assert last_due("0 6 * * *", now, zone) == now  # due exactly now counts
    assert last_due("0 6 * * *", now - dt.timedelta(seconds=1), zone) == \
        dt.datetime(2026, 10, 5, 0, 30, tzinfo=dt.UTC)
    assert next_due("0 6 * * *", now, zone) == dt.datetime(2026, 10, 7, 0, 30, tzinfo=dt.UTC)
