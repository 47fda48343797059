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
    """Check program files: print each error as file:line:col with a hint; exit 2 on any."""
    empty = [Diagnostic(SourceSpan(str(f), 1, 1), "no_programs",
                        "no program files in this folder", "program files end in .yaml or .yml")
             for f in files if f.is_dir() and not program_files([f])]
    programs, diagnostics = load_and_check(program_files(files))
    diagnostics = empty + diagnostics
    for d in diagnostics:
        typer.echo(d.render())
    for p in programs:
        typer.echo(f"ok: {p.id} version {program_version(p)}")
    if diagnostics:
        bad = {d.span.file for d in diagnostics}
        typer.echo(f"{len(diagnostics)} error(s) in {len(bad)} file(s)")
        raise typer.Exit(2)
