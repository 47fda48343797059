"""A watched folder: every file named after a table that has not been loaded before (by
name, size and content hash) is loaded on its own, once; a copy of a loaded file's bytes
under another name is recorded as a duplicate and not loaded."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from schemeops.ingest.sources import resolve
from schemeops.jobs.config import FolderJob
from schemeops.jobs.outcome import Outcome, failure, load_files
from schemeops.store.job_models import JobFile


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _record(s: Session, *, name: str, path: Path, size: int, sha: str, run_id: int,
            outcome: str) -> None:
    s.add(JobFile(job_name=name, name=path.name, size=size, sha256=sha, job_run_id=run_id,
                  outcome=outcome))


def pull_folder(sessions: sessionmaker[Session], spec: FolderJob, *, name: str, run_id: int,
                warehouse: Path) -> Outcome:
    """Load the folder's new files one by one, in contract order then by name."""
    out = Outcome()
    if not spec.path.is_dir():
        out.errors.append(f"{spec.path}: no such folder")
        return out
    sources, refused, _ = resolve([spec.path])
    out.errors += [f"{p.file}: {p.reason} ({p.fix})" for p in refused if p.code != "no_inputs"]
    files = {"loaded": [], "duplicate": [], "already loaded": [], "waiting": []}
    settled = time.time() - spec.settle_seconds
    for src in sources:
        stat = src.path.stat()
        if stat.st_mtime > settled:  # still being written, perhaps: next time
            files["waiting"].append(src.path.name)
            continue
        sha = _sha256(src.path)
        with sessions.begin() as s:
            seen = s.execute(select(JobFile.name, JobFile.size).where(
                JobFile.job_name == name, JobFile.sha256 == sha)).all()
            if (src.path.name, stat.st_size) in seen:
                files["already loaded"].append(src.path.name)
                continue
            if seen:  # the same bytes under another name: a copy dropped twice
                _record(s, name=name, path=src.path, size=stat.st_size, sha=sha,
                        run_id=run_id, outcome="duplicate")
                files["duplicate"].append(f"{src.path.name} = {seen[0][0]}")
                continue
        report = load_files([src.path], warehouse=warehouse, accept_valid=spec.accept_valid)
        out.add(report)
        if (why := failure(report, src.path.name)) is not None:
            out.errors.append(why)
        if report.loaded:
            with sessions.begin() as s:
                _record(s, name=name, path=src.path, size=stat.st_size, sha=sha,
                        run_id=run_id, outcome="loaded")
            files["loaded"].append(src.path.name)
    out.detail = {"files": {k: v for k, v in files.items() if v}}
    return out
