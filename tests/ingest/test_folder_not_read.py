"""A folder load names every file it leaves alone; files named after a table that cannot be
read (compressed, legacy .xls) are refused by name, so nothing is skipped in silence."""

from __future__ import annotations

import gzip
from pathlib import Path

from schemeops.ingest import load
from schemeops.ingest.sources import resolve

from .test_broken_inputs import sales


def test_a_folder_names_what_it_does_not_read(tmp_path: Path):
    folder = tmp_path / "in"
    (folder / "old").mkdir(parents=True)
    (folder / "sales.csv").write_text(sales())
    (folder / "notes.txt").write_text("hello")
    (folder / "claims.csv").write_text("a,b\n")
    sources, problems, not_read = resolve([folder])
    assert [s.path.name for s in sources] == ["sales.csv"] and problems == []
    assert {(n.path.name, n.reason) for n in not_read} == {
        ("claims.csv", "not named after a table"), ("notes.txt", "not named after a table"),
        ("old", "a folder: folders are not searched")}


def test_a_compressed_table_file_in_a_folder_refuses_the_load(tmp_path: Path):
    """Before: a folder holding payments.csv.gz loaded without it, exit 0."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sales.csv.gz").write_bytes(gzip.compress(sales().encode()))
    (folder / "products.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    report = load([folder], warehouse=tmp_path / "wh.duckdb")
    assert not report.loaded
    assert sorted((p.file.rsplit("/", 1)[-1], p.code) for p in report.file_problems) == [
        ("products.xls", "unsupported_file"), ("sales.csv.gz", "unsupported_file")]
