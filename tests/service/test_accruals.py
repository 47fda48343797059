"""The month-end accrual from the store: the latest calculation up to the month's end, less
what credit notes already pay."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from service_support import calculated_run, example, live_version
from sqlalchemy import func, select

from schemeops.erp.ledgers import load_gl
from schemeops.service import exports, runs
from schemeops.service.accruals import accrual_csv, month_end
from schemeops.store.models import CreditNote, Payout


def _total(data: bytes) -> Decimal:
    return sum((Decimal(r["accrued"]) for r in csv.DictReader(io.StringIO(data.decode()))),
               Decimal(0))


def test_accrual_follows_the_as_of_run_and_drops_what_is_paid(app, team):
    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")),
                            as_of=dt.date(2026, 10, 31))
    gl = load_gl()
    with app.sessions.begin() as s:
        earned = s.scalar(select(func.sum(Payout.amount)).where(Payout.run_id == run_id))
        assert earned > 0
        # as of 31 October the run counts for October; for September nothing had run
        assert _total(accrual_csv(s, team.approver, month_end("2026-10"), gl)) == earned
        assert _total(accrual_csv(s, team.approver, month_end("2026-09"), gl)) == 0
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        exports.export(s, team.approver, run_id)
    with app.sessions.begin() as s:
        noted = s.scalar(select(func.coalesce(func.sum(CreditNote.amount), 0))
                         .join(Payout, Payout.id == CreditNote.payout_id)
                         .where(Payout.run_id == run_id))
        assert noted > 0
        # what the export paid is no longer accrued; a held payout (open case) still is
        assert _total(accrual_csv(s, team.approver, month_end("2026-10"), gl)) \
            == earned - noted


def test_month_end():
    assert month_end("2026-02") == dt.date(2026, 2, 28)
    assert month_end("2028-02") == dt.date(2028, 2, 29)


def test_the_cli_writes_the_accrual(app, team, tmp_path, db_url):
    from typer.testing import CliRunner

    from schemeops.cli.main import app as cli

    calculated_run(app, team, live_version(app, team, example("volume_growth")),
                   as_of=dt.date(2026, 10, 31))
    base = ["erp", "accrual", "--as", team.approver.username, "--store", db_url,
            "-w", str(app.warehouse), "--out", str(tmp_path / "a.csv")]
    done = CliRunner().invoke(cli, [*base, "--month", "2026-10"])
    assert done.exit_code == 0, done.output
    assert _total((tmp_path / "a.csv").read_bytes()) > 0
    bad = CliRunner().invoke(cli, [*base, "--month", "October"])
    assert bad.exit_code == 2 and "give YYYY-MM" in bad.output
