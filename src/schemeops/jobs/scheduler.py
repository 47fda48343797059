"""The scheduler: every few seconds, each job's latest due time (by its cron schedule in the
jobs file's zone) is claimed and run unless it already was. Jobs run one at a time on one
background thread; several schedulers on one store run each occurrence once (claims.py)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from cronsim import CronSim

from schemeops.jobs.claims import claimable
from schemeops.jobs.config import JobsConfig
from schemeops.jobs.runner import Clock, run_job
from schemeops.service.context import App
from schemeops.service.errors import Conflict, NotFound
from schemeops.store.types import utcnow

_log = logging.getLogger(__name__)
#: How often the scheduler looks for due jobs.
TICK = dt.timedelta(seconds=30)


def last_due(schedule: str, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The newest time at or before `now` that `schedule` fires, in UTC."""
    local = now.astimezone(zone).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return next(CronSim(schedule, local, reverse=True)).astimezone(dt.UTC)


def next_due(schedule: str, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The first time after `now` that `schedule` fires, in UTC."""
    return next(CronSim(schedule, now.astimezone(zone))).astimezone(dt.UTC)


class Scheduler:
    """Runs the jobs of `config` when due (`start`), or when asked (`run_now`)."""

    def __init__(self, app: App, config: JobsConfig, *, tick: dt.timedelta = TICK,
                 clock: Clock = utcnow) -> None:
        self.app, self.config, self.tick_every, self.clock = app, config, tick, clock
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schemeops-jobs")
        self._pending: set[tuple[str, dt.datetime]] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
        """Each job's latest due time that is worth claiming at `now`."""
        out = []
        with self.app.sessions.begin() as s:
            for name, spec in self.config.jobs.items():
                at = last_due(spec.schedule, now, self.config.zone)
                if claimable(s, name, at, now):
                    out.append((name, at))
        return out

    def _run(self, name: str, due_at: dt.datetime, trigger: str) -> int | None:
        try:
            return run_job(self.app, self.config, name, due_at=due_at, trigger=trigger,
                           clock=self.clock)
        finally:
            with self._lock:
                self._pending.discard((name, due_at))

    def _submit(self, name: str, due_at: dt.datetime, trigger: str) -> Future | None:
        with self._lock:
            if (name, due_at) in self._pending:
                return None
            self._pending.add((name, due_at))
        return self._pool.submit(self._run, name, due_at, trigger)

    def tick(self) -> list[Future]:
        """Submit every due job; the futures give their records' ids (None: not ours)."""
        now = self.clock()
        return [f for name, at in self.due(now) if (f := self._submit(name, at, "schedule"))]

    def run_now(self, name: str) -> Future:
        """Run a job now, outside its schedule."""
        if name not in self.config.jobs:
            raise NotFound(f"no job {name!r}")
        future = self._submit(name, self.clock().replace(microsecond=0), "manual")
        if future is None:
            raise Conflict(f"{name} was started this second; look at its history")
        return future

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the store unreachable, say: try again on the next tick
                _log.exception("looking for due jobs failed")
            self._stop.wait(self.tick_every.total_seconds())

    def start(self) -> None:
        """Look for due jobs on a background thread until `stop`."""
        if self._thread is None and self.config.jobs:
            self._thread = threading.Thread(target=self._loop, name="schemeops-scheduler",
                                            daemon=True)
            self._thread.start()

    @property
    def running(self) -> bool:
        """Whether the background thread looks for due jobs."""
        return self._thread is not None

    def stop(self) -> None:
        """Stop looking; let the job at work finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._pool.shutdown(wait=True, cancel_futures=True)
