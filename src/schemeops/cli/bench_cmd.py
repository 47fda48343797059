"""`schemeops bench`: measure commands in child processes beside their baselines."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from schemeops.bench.runs import HEADER, BenchResult, bench_generate, bench_load

bench_app = typer.Typer(help="Benchmarks: wall time, rate and peak memory, with baselines.",
                        no_args_is_help=True)

_Lines = Annotated[int, typer.Option(min=1000, help="Secondary sales lines.")]
_Work = Annotated[Path | None, typer.Option(
    help="Scratch folder (default: a temporary folder here, removed afterwards).")]


def _report(result: BenchResult) -> None:
    typer.echo(HEADER)
    typer.echo(result.markdown_row())


@bench_app.command("generate")
def bench_generate_command(lines: _Lines, work: _Work = None) -> None:
    """Time `schemeops generate --lines N` against writing N plain rows to Parquet."""
    with tempfile.TemporaryDirectory(prefix=".bench-", dir=work or Path.cwd()) as tmp:
        _report(bench_generate(lines, work=Path(tmp)))


@bench_app.command("load")
def bench_load_command(
    lines: _Lines,
    data: Annotated[Path | None, typer.Option(
        help="A generated dataset to load (default: generated into the scratch folder).")] = None,
    work: _Work = None,
) -> None:
    """Time `schemeops load` of an N-line dataset against an unchecked DuckDB copy."""
    with tempfile.TemporaryDirectory(prefix=".bench-", dir=work or Path.cwd()) as tmp:
        folder = data or Path(tmp) / "data"
        _report(bench_load(lines, data=folder, work=Path(tmp)))
        if data is None:
            shutil.rmtree(folder, ignore_errors=True)
