"""The command line: thin Typer commands over the package's functions."""

from pathlib import Path

#: The warehouse file the commands use unless told otherwise.
DEFAULT_WAREHOUSE = Path("schemeops.duckdb")


def program_files(paths: list[Path]) -> list[Path]:
    """Program files: files as given, folders as their *.yaml / *.yml files (sorted)."""
    files: list[Path] = []
    for p in paths:
        files += sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if p.is_dir() else [p]
    return files
