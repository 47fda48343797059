"""The app factory for several server processes: each builds the app from the settings that
`schemeops serve` put in its environment."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from schemeops.jobs import Scheduler, read_jobs
from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions
from schemeops.web.app import create_app
from schemeops.web.settings import WebSettings

ENV = ("SCHEMEOPS_STORE_URL", "SCHEMEOPS_WAREHOUSE", "SCHEMEOPS_RUNS", "SCHEMEOPS_SECRET_KEY")
#: The web settings as JSON (`WebSettings.to_json`); the defaults when absent.
SETTINGS_ENV = "SCHEMEOPS_WEB_SETTINGS"
#: The jobs file (docs/jobs.md); no jobs when absent.
JOBS_ENV = "SCHEMEOPS_JOBS"


def app_from_env() -> FastAPI:
    """The web app on the store, warehouse and runs folder named in the environment (the
    store already migrated by `serve`)."""
    store, warehouse, runs, key = (os.environ[name] for name in ENV)
    app = App(sessions(make_engine(store)), Path(warehouse), Path(runs))
    raw = os.environ.get(SETTINGS_ENV)
    jobs = os.environ.get(JOBS_ENV)
    return create_app(app, secret_key=key,
                      settings=WebSettings.from_json(raw) if raw else WebSettings(),
                      scheduler=Scheduler(app, read_jobs(Path(jobs))) if jobs else None)
