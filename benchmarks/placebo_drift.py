"""How far a plain treated-vs-holdout comparison lands from zero when no effect is planted.

    python -m benchmarks.placebo_drift [--lines 2000000] [--programs 5] [--seeds 1 2 3]
                                       [--noise normal|low] [--anomaly-rate 1]

For each seed it generates a network with `--programs K --effect-scale 0` (a placebo: the
programs and their holdouts, no effect), then for each program compares the enrolled
distributors with the held-out ones (eligible, not enrolled) on the program's SKUs: the
growth of their summed value from the month two before the program (clear of the dip before
it) to the program's month, enrolled over held-out, minus one, in points of lift. Prints
each estimate, then the median absolute error and the standard deviation over all of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
from pathlib import Path

import duckdb

from schemeops.engine.periods import add_months
from schemeops.generate import generate
from schemeops.program.parse import load_program

_GROWTH = """
    with v as (
        select s.distributor_id d,
               sum(net_amount) filter (where invoice_date between $m1 and $m2) v1,
               sum(net_amount) filter (where invoice_date between $b1 and $b2) v0
        from read_parquet($sales) s join read_parquet($products) p using (sku)
        where {products} group by all),
    who as (
        select participant_id d, participant_id in (
                   select participant_id from read_csv($effects, all_varchar=true)
                   where program_id = $program and participant_id is not null) enrolled
        from read_parquet($participants)
        where role = 'distributor' and joined_on < $joined)
    select enrolled, sum(v1), sum(v0) from who join v using (d) group by enrolled"""


def plain_lifts(folder: Path) -> dict[str, float]:
    """Each planted program's plain treated-vs-holdout lift (in points) on a generated
    folder: (enrolled growth ÷ held-out growth − 1) × 100, growth from the month two before
    the program to its month; NaN without enrolled or held-out distributors."""
    con = duckdb.connect()
    out = {}
    for path in sorted((folder / "programs").glob("*.yaml")):  # one query per program
        program, problems = load_program(path)
        assert program is not None, problems
        start, end = program.period.start, program.period.end
        b1, b2 = add_months(start, -2), add_months(start, -1) - dt.timedelta(days=1)
        rows = con.execute(_GROWTH.format(products=program.kpis[0].products), {
            "m1": start, "m2": end, "b1": b1, "b2": b2, "program": program.id,
            "joined": program.participants.joined_before,
            "sales": str(folder / "sales.parquet"),
            "products": str(folder / "products.parquet"),
            "participants": str(folder / "participants.parquet"),
            "effects": str(folder / "effects.csv")}).fetchall()
        growth = {enrolled: float(v1) / float(v0) for enrolled, v1, v0 in rows}
        out[program.id] = (growth[True] / growth[False] - 1) * 100 \
            if {True, False} <= growth.keys() else float("nan")
    return out


def main() -> None:
    """Generate placebo networks and print the plain comparison's error over them."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--programs", type=int, default=5)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--noise", choices=("normal", "low"), default="normal")
    ap.add_argument("--anomaly-rate", type=float, default=1.0)
    args = ap.parse_args()
    errors = []
    for seed in args.seeds:  # one network per seed
        with tempfile.TemporaryDirectory(prefix="placebo-") as tmp:
            generate(Path(tmp), lines=args.lines, seed=seed, programs=args.programs,
                     effect_scale=0.0, noise=args.noise, anomaly_rate=args.anomaly_rate)
            for program, lift in plain_lifts(Path(tmp)).items():
                print(f"seed {seed} {program:<28} {lift:+7.2f} points")
                errors.append(lift)
    print(f"{len(errors)} estimates, {args.lines:,} lines, noise {args.noise}, anomaly rate "
          f"{args.anomaly_rate:g}: median |error| "
          f"{statistics.median(abs(e) for e in errors):.2f} points, std "
          f"{statistics.stdev(errors):.2f} points")


if __name__ == "__main__":
    main()
