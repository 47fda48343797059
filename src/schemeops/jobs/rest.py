"""A REST source: a JSON endpoint read page by page (`?page=1`, `2`, … until a page comes
back empty), its records written to a CSV file named after their table and loaded."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import httpx
import pyarrow as pa

from schemeops.jobs.config import RestJob
from schemeops.jobs.outcome import Outcome, failure, load_files, write_csv


def _records(spec: RestJob, page: object) -> list[dict]:
    items = page.get(spec.records) if spec.records and isinstance(page, dict) else page
    if not isinstance(items, list) or not all(isinstance(r, dict) for r in items):
        where = f"the key {spec.records!r} of " if spec.records else ""
        raise ValueError(f"{where}a page is not a list of JSON objects")
    return items


def fetch(spec: RestJob) -> tuple[list[dict], int]:
    """Every record of every page, and the number of pages read."""
    headers = {}
    if spec.token_env:
        headers["Authorization"] = f"Bearer {os.environ.get(spec.token_env, '')}"
    rows: list[dict] = []
    with httpx.Client(timeout=spec.timeout_seconds, headers=headers) as client:
        for n in range(spec.first_page, spec.first_page + spec.max_pages):
            resp = client.get(spec.url, params={spec.page_param: n})
            resp.raise_for_status()
            page = _records(spec, resp.json())
            if not page:
                return rows, n - spec.first_page
            rows += page
    raise ValueError(f"more than max_pages = {spec.max_pages} pages; raise it if that is right")


def pull_rest(spec: RestJob, *, warehouse: Path) -> Outcome:
    """Read every page and load the records."""
    out = Outcome()
    try:
        rows, pages = fetch(spec)
    except (httpx.HTTPError, ValueError) as e:
        out.errors.append(f"reading {spec.url}: {e}")
        return out
    out.detail = {"pages": pages, "records": len(rows)}
    if not rows:
        return out
    cols = pa.Table.from_pylist(rows)
    with tempfile.TemporaryDirectory(prefix=".schemeops-pull-", dir=warehouse.parent) as tmp:
        path = Path(tmp) / f"{spec.table}.csv"
        write_csv({n: cols[n].combine_chunks() for n in cols.column_names}, path)
        report = load_files([path], warehouse=warehouse, accept_valid=spec.accept_valid)
    out.add(report)
    if (why := failure(report, f"{spec.table} from {spec.url}")) is not None:
        out.errors.append(why)
    return out
