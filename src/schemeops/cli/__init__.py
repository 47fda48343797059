"""The command line: thin Typer commands over the package's functions."""

from pathlib import Path

#: The warehouse file the commands use unless told otherwise.
DEFAULT_WAREHOUSE = Path("schemeops.duckdb")
