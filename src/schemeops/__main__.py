"""`python -m schemeops` runs the CLI."""

from schemeops.cli.main import app

app()
