"""The `schemeops` command."""

from __future__ import annotations

import typer

from schemeops.cli import load_cmd, schema_cmd

app = typer.Typer(
    name="schemeops",
    help="Design, simulate, run, pay and audit incentive programs for a distribution network.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("schema")(schema_cmd.schema)
app.command("load")(load_cmd.load_command)


@app.callback()
def _main() -> None:
    """Design, simulate, run, pay and audit incentive programs for a distribution network."""
