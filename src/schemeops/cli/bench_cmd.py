"""`schemeops bench`: measure commands in child processes beside their baselines."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from schemeops.bench import calc
from schemeops.bench.measure import ensure_dataset
from schemeops.bench.runs import HEADER, BenchResult, bench_generate, bench_load
from schemeops.errors import SchemeopsError

bench_app = typer.Typer(
    help="Benchmarks: wall time, rate and peak memory, with baselines. `schemeops bench "
    "--lines N` times the calculation of every example program (engine, pandas, SQL).",
    invoke_without_command=True)

_Lines = Annotated[int, typer.Option(min=1000, help="Secondary sales lines.")]
_Work = Annotated[Path | None, typer.Option(
    help="Scratch folder (default: a temporary folder here, removed afterwards).")]
_Repeat = Annotated[int, typer.Option(
    min=1, help="Run each this many times, in turns; report the shortest wall time and "
    "CPU time and the highest peak RSS of each.")]


def _scratch(work: Path | None) -> tempfile.TemporaryDirectory:
    """A temporary folder in `work` (made when missing) or here, removed afterwards."""
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".bench-", dir=work or Path.cwd())


def _report(result: BenchResult) -> None:
    typer.echo(HEADER)
    typer.echo(result.markdown_row())


def _close(stages: dict[str, float], differences: list[calc.Difference],
           compared: str = "") -> None:
    """Print the engine's stages and whether the outputs agree (each difference); exit 1 when
    they do not."""
    if stages:
        typer.echo("engine stages (its manifest, last run): "
                   + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    typer.echo(f"outputs agree: {'no' if differences else 'yes'}{compared}")
    for d in differences:
        typer.echo(d.describe())
    if differences:
        raise typer.Exit(1)


@bench_app.command("generate")
def bench_generate_command(lines: _Lines, work: _Work = None) -> None:
    """Time `schemeops generate --lines N` against writing N plain rows to Parquet."""
    with _scratch(work) as tmp:
        _report(bench_generate(lines, work=Path(tmp)))


@bench_app.command("load")
def bench_load_command(
    lines: _Lines,
    data: Annotated[Path | None, typer.Option(
        help="A generated dataset to load (default: generated into the scratch folder).")] = None,
    work: _Work = None,
) -> None:
    """Time `schemeops load` of an N-line dataset against an unchecked DuckDB copy."""
    with _scratch(work) as tmp:
        folder = data or Path(tmp) / "data"
        _report(bench_load(lines, data=folder, work=Path(tmp)))
        if data is None:
            shutil.rmtree(folder, ignore_errors=True)


@bench_app.callback()
def bench_calc_command(
    ctx: typer.Context,
    lines: Annotated[int | None, typer.Option(
        min=1000, help="Secondary sales lines: time the calculation of every example program "
        "on an N-line dataset (engine, pandas baseline, SQL baseline).")] = None,
    data: Annotated[Path | None, typer.Option(
        help="Dataset folder: its schemeops.duckdb warehouse is reused, else made there "
        "(generated and loaded). Default: a scratch folder, removed afterwards.")] = None,
    skip_pandas: Annotated[bool, typer.Option(
        "--skip-pandas", help="Leave the pandas baseline out (e.g. at 100M lines).")] = False,
    repeat: Annotated[int, typer.Option(
        min=1, help="Run each calculation this many times, in turns; report the shortest "
        "wall time and CPU time and the highest peak RSS of each.")] = 1,
    reference: Annotated[Path | None, typer.Option(
        help="Another source checkout (e.g. `git worktree add DIR COMMIT`): its engine "
        "calculates its own example programs in the same run, timed as 'reference engine' "
        "(its outputs are not compared).")] = None,
    programs: Annotated[Path | None, typer.Option(
        help="The engine calculates the programs of this folder instead of "
        "examples/programs (e.g. the reference's, to time the same programs).")] = None,
    work: _Work = None,
) -> None:
    """Time the calculation of examples/programs three ways and check the outputs agree."""
    if ctx.invoked_subcommand is not None:
        return
    if lines is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()
    with _scratch(work) as tmp:
        folder = data or Path(tmp) / "data"
        try:
            measurements = calc.bench_calc(lines, data=folder, work=Path(tmp),
                                           skip_pandas=skip_pandas, repeat=repeat,
                                           reference=reference, programs=programs)
        except (SchemeopsError, subprocess.CalledProcessError) as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from None
        labels = [m.label for m in measurements]
        differences = calc.compare_outputs(Path(tmp), [x for x in labels
                                                       if x != calc.REFERENCE])
        stages = calc.engine_timings(Path(tmp))
    typer.echo(calc.HEADER)
    for row in calc.table_rows(lines, measurements):
        typer.echo(row)
    by = {m.label: m for m in measurements}
    engine = by[calc.ENGINE]
    for label in (calc.PANDAS, calc.SQL, calc.REFERENCE):
        if label in by:
            typer.echo(f"engine ÷ {label}: {engine.seconds / by[label].seconds:.2f}× the time, "
                       f"{engine.peak_bytes / by[label].peak_bytes:.2f}× the peak memory, "
                       f"{engine.cpu_seconds / max(by[label].cpu_seconds, 1e-9):.2f}× the "
                       "CPU time")
    compared = [x for x in labels if x != calc.REFERENCE]
    _close(stages, differences, f" ({', '.join(compared)})")


@bench_app.command("outlets")
def bench_outlets_command(
    lines: _Lines,
    data: Annotated[Path | None, typer.Option(
        help="Dataset folder: its schemeops.duckdb warehouse is reused, else made there "
        "(generated and loaded). Default: a scratch folder, removed afterwards.")] = None,
    repeat: _Repeat = 1,
    work: _Work = None,
) -> None:
    """Time the outlet-heavy programs (benchmarks/programs/outlet_heavy_*.yaml) with the
    engine against hand-written SQL (benchmarks/outlet_sql.py) and check the outputs agree."""
    from schemeops.bench.outlets import bench_outlets

    with _scratch(work) as tmp:
        folder = data or Path(tmp) / "data"
        try:
            engine, sql = bench_outlets(lines, data=folder, work=Path(tmp), repeat=repeat)
        except (SchemeopsError, subprocess.CalledProcessError) as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from None
        differences = calc.compare_outputs(Path(tmp), [engine.label, sql.label],
                                           programs=None)
        stages = calc.engine_timings(Path(tmp))
    typer.echo(calc.HEADER)
    for row in calc.table_rows(lines, [engine, sql]):
        typer.echo(row)
    typer.echo(f"engine ÷ hand SQL: {engine.seconds / sql.seconds:.2f}× the wall time, "
               f"{engine.cpu_seconds / max(sql.cpu_seconds, 1e-9):.2f}× the CPU time "
               f"({engine.cpu_seconds:.1f} s against {sql.cpu_seconds:.1f} s), "
               f"{engine.peak_bytes / sql.peak_bytes:.2f}× the peak memory")
    _close(stages, differences)


@bench_app.command("months")
def bench_months_command(
    lines: Annotated[int, typer.Option(
        min=1000, help="Secondary sales lines in all months together (the last month holds "
        "about 18% of them).")],
    data: Annotated[Path | None, typer.Option(
        help="A generated dataset to split by month (default: generated into the scratch "
        "folder).")] = None,
    warehouse: Annotated[Path | None, typer.Option(
        help="Keep the warehouse here; when it exists already, skip the loads and time the "
        "calculation only.")] = None,
    memory_limit: Annotated[str | None, typer.Option(
        help="The engine's `calc --memory-limit` (the SQL baseline runs uncapped).")] = None,
    repeat: _Repeat = 1,
    work: _Work = None,
) -> None:
    """Load a dataset a month at a time into one warehouse, each month beside an unchecked
    copy of its files, then time every example program for the last month (engine and SQL
    baseline) and check the outputs agree."""
    from schemeops.bench import months

    with _scratch(work) as tmp:
        scratch = Path(tmp)
        wh = (warehouse or scratch / "months.duckdb").resolve()
        if not wh.exists():
            folder = data or scratch / "data"
            ensure_dataset(folder, lines)
            split = months.split_by_month(folder, scratch / "months")
            typer.echo(months.LOAD_HEADER)
            for i, m in enumerate(months.load_months(split, wh, scratch), 1):
                typer.echo(m.markdown_row(i))
        measurements = months.calc_month(wh, scratch, root=calc.ROOT,
                                         programs=calc.ROOT / calc.PROGRAMS, repeat=repeat,
                                         memory_limit=memory_limit)
        differences = calc.compare_outputs(scratch, [m.label for m in measurements])
        stages = calc.engine_timings(scratch)
    typer.echo(calc.HEADER)
    for row in calc.table_rows(lines, measurements):
        typer.echo(row)
    engine, sql = measurements
    typer.echo(f"engine ÷ SQL baseline: {engine.seconds / sql.seconds:.2f}× the wall time, "
               f"{engine.peak_bytes / sql.peak_bytes:.2f}× the peak memory")
    _close(stages, differences)


@bench_app.command("detect")
def bench_detect_command(
    lines: _Lines,
    data: Annotated[Path | None, typer.Option(
        help="Dataset folder: its schemeops.duckdb warehouse is reused, else made there "
        "(generated and loaded); its claims.csv, when there, is read by detect. Default: a "
        "scratch folder, removed afterwards.")] = None,
    programs: Annotated[Path | None, typer.Option(
        help="Programs for detect (slab bunching's thresholds and the value at risk: one "
        "base and one counterfactual calculation per kind). Default: none.")] = None,
    repeat: _Repeat = 1,
    work: _Work = None,
) -> None:
    """Time `schemeops detect` against `schemeops calc` of examples/programs on the same
    N-line warehouse (the issue's bar: 10M lines in ≤ 60 s and ≤ 4 GiB)."""
    from schemeops.bench.detect import HEADER as DETECT_HEADER
    from schemeops.bench.detect import LIMIT_GIB, LIMIT_SECONDS, bench_detect

    with _scratch(work) as tmp:
        folder = data or Path(tmp) / "data"
        try:
            r = bench_detect(lines, data=folder, work=Path(tmp), programs=programs,
                             repeat=repeat)
        except (SchemeopsError, subprocess.CalledProcessError) as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from None
    typer.echo(DETECT_HEADER)
    for row in r.rows():
        typer.echo(row)
    typer.echo(f"detect ÷ calc: {r.detect.seconds / r.calc.seconds:.2f}× the time, "
               f"{r.detect.peak_bytes / r.calc.peak_bytes:.2f}× the peak memory")
    typer.echo(f"detect wrote {r.findings:,} findings (claims: {'yes' if r.claims else 'no'}; "
               f"programs: {r.programs or 'none'})")
    typer.echo(f"within {LIMIT_SECONDS:.0f} s and {LIMIT_GIB:.0f} GiB: "
               f"{'yes' if r.within_limit else 'no'}")
    typer.echo(f"CPU time (user + system): detect {r.detect.cpu_seconds:.1f} s, calc "
               f"{r.calc.cpu_seconds:.1f} s, detect ÷ calc "
               f"{r.detect.cpu_seconds / max(r.calc.cpu_seconds, 1e-9):.2f}×")


@bench_app.command("portal")
def bench_portal_command(
    warehouse: Annotated[Path, typer.Option(
        "--warehouse", "-w", help="A loaded warehouse (the issue asks for ≥ 10,000 "
        "participants: about 75M generated lines).")],
    work: Annotated[Path, typer.Option(
        help="Folder for the store, runs and cookies (a store already there is reused).")],
    clients: Annotated[int, typer.Option(min=1, help="Concurrent connections.")] = 50,
    seconds: Annotated[int, typer.Option(min=1, help="Seconds per measured path and round.")
                       ] = 60,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 2,
    rounds: Annotated[int, typer.Option(
        min=1, help="Rounds of portal then static file, interleaved.")] = 3,
    page_cache: Annotated[bool, typer.Option(
        help="Serve with the portal page cache (off: `serve --no-page-cache`, the baseline).")
    ] = True,
) -> None:
    """Load the distributor portal (a different participant on every request) and, as the
    baseline, a static file of the same server, in turn; print p50/p95/p99 and requests/s
    per round, and the medians of the rounds' p95."""
    from schemeops.bench.portal import bench_portal

    try:
        b = bench_portal(warehouse, work, clients=clients, seconds=seconds, workers=workers,
                         rounds=rounds, page_cache=page_cache, progress=typer.echo)
    except (RuntimeError, SchemeopsError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from e
    typer.echo("| round | path | portal users | clients | p50 | p95 | p99 | requests/s | "
               "non-2xx | socket errors |\n|---|---|---|---|---|---|---|---|---|---|")
    for i, pair in enumerate(zip(b.portal, b.static, strict=True), 1):
        for r in pair:
            typer.echo(f"| {i} | {r.path} | {b.users:,} | {clients} | {r.p50_ms:.1f} ms | "
                       f"{r.p95_ms:.1f} ms | {r.p99_ms:.1f} ms | {r.rate:,.0f} | {r.non2xx} "
                       f"| {r.socket_errors} |")
    portal_p95 = statistics.median(r.p95_ms for r in b.portal)
    static_p95 = statistics.median(r.p95_ms for r in b.static)
    typer.echo(f"median p95 of {rounds} round(s): portal {portal_p95:.1f} ms, static "
               f"{static_p95:.1f} ms; portal ÷ static {portal_p95 / static_p95:.2f}×")
    typer.echo("portal page weight, as fetched (compressed where the server compresses): "
               + ", ".join(f"{path} {n:,} B" for path, n in b.weight.resources)
               + f"; total {b.weight.total / 1024:.1f} KiB")
