"""The background worker: one thread that executes queued runs, one at a time."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import select

from schemeops.service import runs
from schemeops.service.context import App
from schemeops.store.models import Run


class Worker:
    """Executes runs on a single background thread; `inline` runs them in the caller (tests)."""

    def __init__(self, app: App, *, inline: bool = False) -> None:
        self.app = app
        self.inline = inline
        self._pool: ThreadPoolExecutor | None = None

    def submit(self, run_id: int) -> Future | None:
        """Execute the run now (inline) or on the worker thread."""
        if self.inline:
            runs.execute(self.app, run_id)
            return None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schemeops-run")
        return self._pool.submit(runs.execute, self.app, run_id)

    def resume(self) -> int:
        """Submit every run still queued (after a restart); how many there were."""
        with self.app.sessions.begin() as s:
            queued = list(s.scalars(select(Run.id).where(Run.status == "queued")
                                    .order_by(Run.id)))
        for run_id in queued:
            self.submit(run_id)
        return len(queued)

    def shutdown(self) -> None:
        """Let the current run finish, then stop the thread."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
