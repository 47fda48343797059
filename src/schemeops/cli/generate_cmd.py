"""`schemeops generate`: write a realistic synthetic network, one file per contract table."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def parse_month(text: str) -> dt.date:
    """'2026-10' as the first day of that month."""
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a month; write YYYY-MM, e.g. 2026-10") from None


def run_generate(out: Path, *, lines: int, months: int, seed: int, fmt: str,
                 current_month: dt.date, console: Console, anomaly_rate: float = 1.0,
                 subtle: bool = False, negatives_only: bool = False, programs: int = 0,
                 effect_scale: float = 1.0, holdout_share: Decimal = Decimal("0.2"),
                 noise: str = "normal") -> dict[str, int]:
    """Generate with a progress bar on `console`; return rows written per table."""
    from schemeops.generate import generate  # lazily: other commands need not load it

    with Progress(TextColumn("generating"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console,
                  transient=True) as p:
        task = p.add_task("lines", total=lines)
        return generate(out, lines=lines, months=months, seed=seed, fmt=fmt,
                        current_month=current_month,
                        progress=lambda n: p.advance(task, n), anomaly_rate=anomaly_rate,
                        subtle=subtle, negatives_only=negatives_only, programs=programs,
                        effect_scale=effect_scale, holdout_share=holdout_share, noise=noise)


def parse_share(text: str) -> Decimal:
    """'0.2' as a holdout share strictly between 0 and 1."""
    try:
        share = Decimal(text)
    except InvalidOperation:
        share = Decimal("NaN")
    if not share.is_finite() or not 0 < share < 1:
        raise typer.BadParameter(f"{text!r} is not a share strictly between 0 and 1, e.g. 0.2",
                                 param_hint="--holdout-share")
    return share


def generate_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the tables to.")],
    lines: Annotated[int, typer.Option(min=1000, help="Secondary sales lines in total.")],
    months: Annotated[int, typer.Option(min=2, help="Months: history plus the current one.")] = 7,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same files.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    current_month: Annotated[str, typer.Option(
        help="The current (last) month, YYYY-MM.")] = "2026-10",
    anomaly_rate: Annotated[float, typer.Option(
        min=0, max=100, help="Scale on planted anomaly counts; 0 plants none.")] = 1.0,
    subtle: Annotated[bool, typer.Option(
        help="Smaller anomalies, closer to normal behaviour.")] = False,
    negatives_only: Annotated[bool, typer.Option(
        help="Plant only the hard negatives (festival month, new towns), no anomalies.")
    ] = False,
    programs: Annotated[int, typer.Option(
        min=0, max=12, help="Plant this many programs with a known effect: programs/*.yaml "
        "and effects.csv.")] = 0,
    effect_scale: Annotated[float, typer.Option(
        min=0, max=5, help="Scale on the planted effects; 0 plants none (a placebo).")] = 1.0,
    holdout_share: Annotated[str, typer.Option(
        help="Share of each planted program's distributors held out.")] = "0.2",
    noise: Annotated[str, typer.Option(
        help="normal, or low: less drift from one month to the next.")] = "normal",
) -> None:
    """Write a synthetic distribution network: every contract table plus labels.csv (planted
    anomalies), negatives.csv (planted hard negatives) and, with --programs, the planted
    programs (programs/*.yaml) and their true effects (effects.csv)."""
    if fmt not in ("parquet", "csv"):
        raise typer.BadParameter(f"{fmt!r}: choose parquet or csv", param_hint="--format")
    if noise not in ("normal", "low"):
        raise typer.BadParameter(f"{noise!r}: choose normal or low", param_hint="--noise")
    share = parse_share(holdout_share)
    if programs and months < 4:
        raise typer.BadParameter("planted programs need at least 4 months (two before a "
                                 "program, one after)", param_hint="--months")
    console = Console(stderr=True)
    start = time.perf_counter()
    written = run_generate(out, lines=lines, months=months, seed=seed, fmt=fmt,
                           current_month=parse_month(current_month), console=console,
                           anomaly_rate=anomaly_rate, subtle=subtle,
                           negatives_only=negatives_only, programs=programs,
                           effect_scale=effect_scale, holdout_share=share, noise=noise)
    secs = time.perf_counter() - start
    for name, n in written.items():
        typer.echo(f"{name:>14}: {n:,} rows")
    typer.echo(f"wrote {out} in {secs:.1f} s ({lines / secs:,.0f} lines/s)")
