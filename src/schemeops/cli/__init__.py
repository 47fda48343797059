"""The command line: thin Typer commands over the package's functions."""
