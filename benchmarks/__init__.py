"""Baselines the calculation engine is measured against (`schemeops bench --lines N`).

`python -m benchmarks.pandas_baseline WAREHOUSE OUT` and `python -m benchmarks.sql_baseline
WAREHOUSE OUT` compute the example programs' payouts.csv, kpis.csv and components.csv without
the engine: one with pandas (vectorised groupby/merge), one with hand-written DuckDB SQL. Run
them from the repository root (they read examples/programs/).
"""
