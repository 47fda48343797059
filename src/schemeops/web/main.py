"""The app factory for several server processes: each builds the app from the settings that
`schemeops serve` put in its environment."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions
from schemeops.web.app import create_app

ENV = ("SCHEMEOPS_STORE_URL", "SCHEMEOPS_WAREHOUSE", "SCHEMEOPS_RUNS", "SCHEMEOPS_SECRET_KEY",
       "SCHEMEOPS_SECURE_COOKIES")


def app_from_env() -> FastAPI:
    """The web app on the store, warehouse and runs folder named in the environment (the
    store already migrated by `serve`)."""
    store, warehouse, runs, key, secure = (os.environ[name] for name in ENV)
    app = App(sessions(make_engine(store)), Path(warehouse), Path(runs))
    return create_app(app, secret_key=key, secure_cookies=secure == "1")
