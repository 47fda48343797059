"""Does `schemeops effect` find the planted truth? Coverage, placebo and decisions.

    python -m benchmarks.effect_coverage --seeds 3 --lines 2000000 --work DIR
                                         [--noise normal|low] [--programs 5]
                                         [--anomaly-rate 1] [--resamples 1000]

For each seed 1 … N it generates (in DIR/<lines>-s<seed>-<noise>-a<anomaly rate>-k<programs>,
reused when already there) a network with the
generator's planted programs (`--programs K`) and its placebo (`--effect-scale 0`: the same
lines, programs and holdouts, no effect), loads each into a warehouse, and measures every
planted program on both with the `effect` library function. Each program's row is joined
with its truth (effects.csv, the program's row) and printed as a Markdown table, one row per
program and seed, with the verdict per acceptance line of issue 12 under it; the table is
also written to DIR/coverage-<noise>-a<anomaly rate>.md and .csv.

- covered: the 90% interval on the planted network holds the true net lift;
- placebo covers 0: the interval of the same program on the placebo holds 0;
- width vs 1.5 × plain: the planted interval's width against 1.5 × the plain holdout
  comparison's placebo spread, i.e. the width of a 90% normal interval (2 × 1.645 × their
  standard deviation) of the plain enrolled-vs-held-out lifts (`benchmarks.placebo_drift`)
  of every program and seed of the run on the placebos;
- true ROI: (true incremental value × margin − cost) ÷ cost, with the margin and cost that
  `effect` reads from the planted network (the cost is what the engine pays, so it is
  known); its sign is judged where |true ROI| > 0.5 against the verdict;
- low noise: the point estimate within ±15% of the truth (relative) or ±1 point.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from benchmarks.placebo_drift import plain_lifts
from schemeops.effect.report import effect_rows
from schemeops.effect.run import run_effect
from schemeops.generate import generate
from schemeops.ingest.load import load

#: Written after a network is generated and loaded, so a half-made one is made again.
READY = ".coverage-ready"
#: z of a two-sided 90% normal interval.
Z90 = 1.645
#: The issue's bounds.
COVERAGE, PLACEBO, WIDTH, ROI_SIGN, REL, POINTS = 0.80, 0.85, 1.5, 0.5, 0.15, 1.0


@dataclass(frozen=True)
class Case:
    """One program on one seed: truth, the planted and placebo estimates, the plain lift."""

    seed: int
    program: str
    true_lift: float
    lift: float
    low: float
    high: float
    placebo_lift: float
    placebo_low: float
    placebo_high: float
    plain_placebo: float
    true_roi: float
    roi: float
    roi_low: float
    roi_high: float
    verdict: str

    @property
    def covered(self) -> bool:
        """The planted interval holds the truth."""
        return self.low <= self.true_lift <= self.high

    @property
    def placebo_covers(self) -> bool:
        """The placebo interval holds 0."""
        return self.placebo_low <= 0 <= self.placebo_high

    @property
    def width(self) -> float:
        """The planted interval's width in points."""
        return self.high - self.low

    @property
    def sign(self) -> str:
        """`right`, `wrong`, or `inconclusive` for the verdict against the true ROI's sign;
        `n/a` where |true ROI| ≤ 0.5."""
        if abs(self.true_roi) <= ROI_SIGN:
            return "n/a"
        if self.verdict == "inconclusive":
            return "inconclusive"
        want = "worth_it" if self.true_roi > 0 else "not_worth_it"
        return "right" if self.verdict == want else "wrong"

    @property
    def close(self) -> bool:
        """The point estimate within ±15% relative or ±1 point of the truth."""
        err = abs(self.lift - self.true_lift)
        return err <= POINTS or err <= REL * abs(self.true_lift)


def network(work: Path, *, seed: int, lines: int, programs: int, noise: str,
            anomaly_rate: float, placebo: bool) -> Path:
    """The generated and loaded folder of one network (made unless already READY)."""
    name = f"{lines}-s{seed}-{noise}-a{anomaly_rate:g}-k{programs}"
    folder = work / name / ("placebo" if placebo else "planted")
    if not (folder / READY).exists():
        generate(folder, lines=lines, seed=seed, programs=programs, noise=noise,
                 anomaly_rate=anomaly_rate, effect_scale=0.0 if placebo else 1.0)
        report = load([folder], warehouse=folder / "schemeops.duckdb")
        if not report.ok:
            raise SystemExit(f"{folder}: the generated network did not load")
        (folder / READY).write_text("")
    return folder


def _truth(folder: Path) -> dict[str, dict[str, str]]:
    """effects.csv's program rows by program id."""
    with (folder / "effects.csv").open(newline="", encoding="utf-8") as f:
        return {r["program_id"]: r for r in csv.DictReader(f) if not r["participant_id"]}


def _program_row(folder: Path, program: Path, resamples: int) -> dict[str, str]:
    """`effect`'s row for the whole program (its single period)."""
    e = run_effect(program, warehouse=folder / "schemeops.duckdb", resamples=resamples)
    return effect_rows(e)[0]


def _num(text: str) -> float:
    return float(text) if text else float("nan")


def measure_seed(work: Path, *, seed: int, lines: int, programs: int, noise: str,
                 anomaly_rate: float, resamples: int) -> list[Case]:
    """Every planted program of one seed, on its planted network and its placebo."""
    common = {"seed": seed, "lines": lines, "programs": programs, "noise": noise,
              "anomaly_rate": anomaly_rate}
    planted = network(work, placebo=False, **common)
    placebo = network(work, placebo=True, **common)
    truth, plain = _truth(planted), plain_lifts(placebo)
    cases = []
    for path in sorted((planted / "programs").glob("*.yaml")):  # one measurement each
        row = _program_row(planted, path, resamples)
        zero = _program_row(placebo, placebo / "programs" / path.name, resamples)
        t = truth[row["program_id"]]
        cost, margin = float(row["cost"]), _num(row["margin"])
        true_roi = (float(t["true_incremental_value"]) * margin - cost) / cost if cost > 0 \
            else float("nan")
        cases.append(Case(
            seed=seed, program=row["program_id"], true_lift=_num(t["true_net_lift_pct"]),
            lift=_num(row["net_lift_pct"]), low=_num(row["low"]), high=_num(row["high"]),
            placebo_lift=_num(zero["net_lift_pct"]), placebo_low=_num(zero["low"]),
            placebo_high=_num(zero["high"]), plain_placebo=plain[row["program_id"]],
            true_roi=true_roi, roi=_num(row["roi"]), roi_low=_num(row["roi_low"]),
            roi_high=_num(row["roi_high"]), verdict=row["verdict"]))
    return cases


def plain_spread(cases: list[Case]) -> float:
    """The plain comparison's placebo spread: 2 × 1.645 × the standard deviation of its
    placebo lifts over the cases (a 90% normal interval's width)."""
    lifts = [c.plain_placebo for c in cases if not math.isnan(c.plain_placebo)]
    return 2 * Z90 * statistics.stdev(lifts) if len(lifts) > 1 else float("nan")


def table(cases: list[Case], spread: float) -> list[str]:
    """The Markdown table, one row per program and seed."""
    out = ["| seed | program | true lift | estimate | 90% interval | covered | placebo "
           "estimate (interval) | covers 0 | width ÷ (1.5 × plain) | true ROI | ROI (interval)"
           " | verdict | sign | ±15%/±1 pt |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in cases:
        out.append(
            f"| {c.seed} | {c.program} | {c.true_lift:.2f} | {c.lift:.2f} | "
            f"{c.low:.2f} … {c.high:.2f} | {'yes' if c.covered else 'no'} | "
            f"{c.placebo_lift:.2f} ({c.placebo_low:.2f} … {c.placebo_high:.2f}) | "
            f"{'yes' if c.placebo_covers else 'no'} | {c.width / (WIDTH * spread):.2f} | "
            f"{c.true_roi:.2f} | {c.roi:.2f} ({c.roi_low:.2f} … {c.roi_high:.2f}) | "
            f"{c.verdict} | {c.sign} | {'yes' if c.close else 'no'} |")
    return out


def verdicts(cases: list[Case], spread: float) -> list[str]:
    """One line per acceptance line: the figure, the bound and held / not held."""
    n = len(cases)

    def held(ok: bool) -> str:
        return "held" if ok else "NOT held"

    covered = sum(c.covered for c in cases)
    placebo = sum(c.placebo_covers for c in cases)
    narrow = sum(c.width <= WIDTH * spread for c in cases)
    judged = [c for c in cases if c.sign != "n/a"]
    right = sum(c.sign == "right" for c in judged)
    wrong = sum(c.sign == "wrong" for c in judged)
    close = sum(c.close for c in cases)
    lifts = [c.true_lift for c in cases]
    widths = sorted(c.width for c in cases)
    return [
        f"- {n} cases; true net lifts {min(lifts):.2f} … {max(lifts):.2f}%",
        f"- coverage of the truth: {covered}/{n} = {covered / n:.0%} (≥ 80%): "
        f"{held(covered >= COVERAGE * n)}",
        f"- placebo covers 0: {placebo}/{n} = {placebo / n:.0%} (≥ 85%): "
        f"{held(placebo >= PLACEBO * n)}",
        f"- widths: median {statistics.median(widths):.2f}, largest {widths[-1]:.2f} points;"
        f" plain comparison's placebo spread {spread:.2f} points (std "
        f"{spread / (2 * Z90):.2f}), 1.5× = {WIDTH * spread:.2f}: {narrow}/{n} within: "
        f"{held(narrow == n)}",
        f"- ROI sign where |true ROI| > 0.5: {len(judged)} cases, {right} right, {wrong} "
        f"wrong, {len(judged) - right - wrong} inconclusive: "
        f"{held(right == len(judged))} (no wrong sign: {held(wrong == 0)})",
        f"- point estimate within ±15% or ±1 point: {close}/{n}",
    ]


def main() -> None:
    """Generate, measure, print and write the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="seeds 1 … N")
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--noise", choices=("normal", "low"), default="normal")
    ap.add_argument("--programs", type=int, default=5)
    ap.add_argument("--anomaly-rate", type=float, default=1.0)
    ap.add_argument("--resamples", type=int, default=1000)
    args = ap.parse_args()
    cases = []
    for seed in range(1, args.seeds + 1):  # one pair of networks per seed
        cases += measure_seed(args.work, seed=seed, lines=args.lines,
                              programs=args.programs, noise=args.noise,
                              anomaly_rate=args.anomaly_rate, resamples=args.resamples)
    spread = plain_spread(cases)
    text = [f"{args.lines:,} lines, seeds 1–{args.seeds}, noise {args.noise}, anomaly rate "
            f"{args.anomaly_rate:g}, {args.resamples} resamples", "",
            *table(cases, spread), "", *verdicts(cases, spread)]
    print("\n".join(text))
    stem = f"coverage-{args.noise}-a{args.anomaly_rate:g}"
    (args.work / f"{stem}.md").write_text("\n".join(text) + "\n")
    with (args.work / f"{stem}.csv").open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["seed", "program", "true_lift", "lift", "low", "high", "placebo_lift",
                    "placebo_low", "placebo_high", "plain_placebo", "true_roi", "roi",
                    "roi_low", "roi_high", "verdict"])
        w.writerows([c.seed, c.program, c.true_lift, c.lift, c.low, c.high, c.placebo_lift,
                     c.placebo_low, c.placebo_high, c.plain_placebo, c.true_roi, c.roi,
                     c.roi_low, c.roi_high, c.verdict] for c in cases)


if __name__ == "__main__":
    main()
