"""The `schemeops` command."""

from __future__ import annotations

import typer

from schemeops.cli import (
    calc_cmd,
    check_cmd,
    demo_cmd,
    explain_cmd,
    generate_cmd,
    load_cmd,
    schema_cmd,
    serve_cmd,
)
from schemeops.cli.audit_cmd import audit_app
from schemeops.cli.bench_cmd import bench_app
from schemeops.cli.programs_cmd import programs_app
from schemeops.cli.users_cmd import users_app

app = typer.Typer(
    name="schemeops",
    help="Design, simulate, run, pay and audit incentive programs for a distribution network.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("schema")(schema_cmd.schema)
app.command("generate")(generate_cmd.generate_command)
app.command("load")(load_cmd.load_command)
app.command("demo")(demo_cmd.demo_command)
app.command("check")(check_cmd.check_command)
app.command("calc")(calc_cmd.calc_command)
app.command("explain")(explain_cmd.explain_command)
app.add_typer(bench_app, name="bench")
app.add_typer(programs_app, name="programs")
app.command("serve")(serve_cmd.serve_command)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


@app.callback()
def _main() -> None:
    """Design, simulate, run, pay and audit incentive programs for a distribution network."""
