"""`schemeops programs …`: the program language itself (its JSON Schema)."""

from __future__ import annotations

import json

import typer

from schemeops.program.json_schema import program_json_schema

programs_app = typer.Typer(help="The program language: its JSON Schema.", no_args_is_help=True)


@programs_app.command("schema")
def programs_schema_command() -> None:
    """Print the JSON Schema of program files (for editors and other tools)."""
    typer.echo(json.dumps(program_json_schema(), indent=2, ensure_ascii=False))
