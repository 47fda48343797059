"""`schemeops erp export`: an export's credit notes as the files the ERP and the tax rules
take (docs/erp-exports.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.cli.store_opts import DEFAULT, StoreOpt, WarehouseOpt, open_app
from schemeops.erp.ledgers import load_gl
from schemeops.erp.recipients import read_recipients
from schemeops.erp.settings import load_settings
from schemeops.errors import UsageError
from schemeops.outdir import MARK, fresh_folder
from schemeops.service import exports
from schemeops.service.accruals import accrual_csv, month_end
from schemeops.service.context import Actor
from schemeops.service.erp_exports import ErpInputs, erp_export
from schemeops.store.models import User

erp_app = typer.Typer(help="Exports for the ERP and the tax rules.", no_args_is_help=True)
SettingsOpt = Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
    "Tax settings (TOML) over the shipped defaults: seller, programs, HSN, dated rates."))]
GlOpt = Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
    "GL mapping (TOML) over the shipped one: ledgers and GL accounts."))]


@erp_app.command("export")
def export_command(
    user: Annotated[str, typer.Option("--as", help="Who exports (a user with "
                                                   "exports.create).")],
    recipients: Annotated[Path, typer.Option(exists=True, dir_okay=False, help=(
        "recipients.csv: participant_id, gstin, legal_name, address1, location, pincode, "
        "state_code, pan."))],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    run: Annotated[int | None, typer.Option(help="Export this approved run now (new notes "
                                                 "only), then write its files.")] = None,
    export: Annotated[int | None, typer.Option("--export", help=(
        "Write the files of this earlier export again (the same notes and numbers)."))] = None,
    settings: SettingsOpt = None,
    gl: GlOpt = None,
    store: StoreOpt = None,
    warehouse: WarehouseOpt = DEFAULT,
) -> None:
    """E-invoice JSON, GSTR-1 CDNR rows, Tally vouchers, the journal and TDS, for the notes
    an export first carried: exporting a run again makes no new voucher."""
    if (run is None) == (export is None):
        raise UsageError("give one of --run (export now) or --export (an earlier export)")
    inputs = ErpInputs(load_settings(settings), load_gl(gl), read_recipients(recipients),
                       str(recipients))
    app = open_app(store, warehouse)
    with fresh_folder(out) as work, app.sessions.begin() as s:
        actor = _actor(s, user)
        export_id = export if run is None else exports.export(s, actor, run).export.id
        made = erp_export(s, actor, export_id, warehouse=warehouse, inputs=inputs)
        for name, data in made.files.items():
            (work / name).write_bytes(data)
        (work / MARK).write_text(json.dumps({"export": export_id, "notes": made.notes,
                                             "vouchers": len(made.vouchers),
                                             "files": sorted(made.files)}, indent=1))
    typer.echo(f"export {export_id}: {made.notes} notes, {len(made.vouchers)} vouchers "
               f"written to {out}")


@erp_app.command("accrual")
def accrual_command(
    user: Annotated[str, typer.Option("--as", help="Who exports (a user with "
                                                   "exports.create).")],
    month: Annotated[str, typer.Option(help="The month to accrue at its end, YYYY-MM.")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    gl: GlOpt = None,
    store: StoreOpt = None,
    warehouse: WarehouseOpt = DEFAULT,
) -> None:
    """Scheme expense earned and not yet paid at a month's end, per program and period,
    from each program's latest calculation up to then."""
    try:
        end = month_end(month)
    except ValueError:
        raise UsageError(f"--month {month[:20]!r}: give YYYY-MM, e.g. 2026-10") from None
    mapping = load_gl(gl)
    app = open_app(store, warehouse)
    with app.sessions.begin() as s:
        data = accrual_csv(s, _actor(s, user), end, mapping)
    out.write_bytes(data)
    rows = len(data.splitlines()) - 1
    typer.echo(f"accrual at {end}: {rows} rows written to {out}")


def _actor(s: Session, username: str) -> Actor:
    who = s.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if who is None:
        raise UsageError(f"no active user {username!r}")
    return Actor.of(who)
