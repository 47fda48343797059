"""The CLI end to end on a small generated network: schema, generate, load, demo."""

import subprocess
import sys

import duckdb

from schemeops.schema.render import render_markdown


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


def test_schema_prints_the_contract():
    """`schemeops schema --markdown` prints docs/data.md's text; plain prints every table."""
    assert run("schema", "--markdown").stdout == render_markdown()
    plain = run("schema").stdout
    for name in ("participants", "outlets", "products", "sales", "primary_sales", "payments"):
        assert name in plain


def test_generate_then_load_twice_is_idempotent(tmp_path):
    """Generated data loads with no problem; loading it again adds nothing."""
    data, wh = tmp_path / "data", tmp_path / "wh.duckdb"
    g = run("generate", "--out", str(data), "--lines", "20000", "--seed", "3")
    assert g.returncode == 0, g.stderr
    assert "sales: 20,000 rows" in g.stdout
    first = run("load", str(data), "--warehouse", str(wh))
    assert first.returncode == 0, first.stdout + first.stderr
    second = run("load", str(data), "--warehouse", str(wh))
    assert second.returncode == 0, second.stdout
    con = duckdb.connect(str(wh), read_only=True)
    assert con.sql("select count(*) from sales").fetchone()[0] == 20000
    loads = con.sql("select load_id, accepted, already_present from _loads "
                    "where \"table\" = 'sales' order by load_id").fetchall()
    assert loads == [(1, 20000, 0), (2, 0, 20000)]


def test_demo_generates_loads_and_summarises(tmp_path):
    """`schemeops demo` runs the whole path and prints the warehouse's holdings."""
    r = run("demo", "--dir", str(tmp_path / "demo"), "--lines", "20000")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "loaded" in r.stdout
    assert "secondary sales by month" in r.stdout
    assert "20,000" in r.stdout
    assert (tmp_path / "demo" / "schemeops.duckdb").exists()
