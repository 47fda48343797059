"""`schemeops check FILE...`: validate program files and report every error at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemeops.cli import program_files
from schemeops.errors import Diagnostic, SourceSpan
from schemeops.program.check import load_and_check
from schemeops.program.parse import program_version


def check_command(
    files: Annotated[list[Path], typer.Argument(help="Program files (YAML) or folders.")],
) -> None:
    """Check program files: print each error and warning as file:line:col with a hint; exit 2
    on any error (warnings alone exit 0)."""
    empty = [Diagnostic(SourceSpan(str(f), 1, 1), "no_programs",
                        "no program files in this folder", "program files end in .yaml or .yml")
             for f in files if f.is_dir() and not program_files([f])]
    programs, diagnostics = load_and_check(program_files(files))
    diagnostics = empty + diagnostics
    for d in diagnostics:
        typer.echo(d.render())
    for p in programs:
        typer.echo(f"ok: {p.id} version {program_version(p)}")
    errors = [d for d in diagnostics if d.is_error]
    if len(errors) < len(diagnostics):
        typer.echo(f"{len(diagnostics) - len(errors)} warning(s)")
    if errors:
        bad = {d.span.file for d in errors}
        typer.echo(f"{len(errors)} error(s) in {len(bad)} file(s)")
        raise typer.Exit(2)
