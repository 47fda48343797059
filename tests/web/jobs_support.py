"""A jobs file for the web tests: one watched folder holding one participant, loaded into a
warehouse of the test's own (the shared one is left alone)."""

from __future__ import annotations

from pathlib import Path

from schemeops.jobs import JobsConfig, read_jobs


def jobs_config(root: Path) -> JobsConfig:
    """`dms`, a folder source on `root/drop` (yearly, so only its first due time is due)."""
    (root / "drop").mkdir()
    (root / "drop" / "participants.csv").write_text(
        "participant_id,name,role\nD1,First Distributor,distributor\n", encoding="utf-8")
    path = root / "jobs.toml"
    path.write_text('[jobs.dms]\nkind = "folder"\nschedule = "0 0 1 1 *"\npath = "drop"\n'
                    'settle_seconds = 0\n', encoding="utf-8")
    return read_jobs(path)
