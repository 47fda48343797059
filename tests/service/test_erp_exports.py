"""ERP exports of a real approved run on the shared warehouse: every GST note validates, the
files reconcile with the recorded credit notes, and exporting again makes no new voucher."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from service_support import calculated_run, example, live_version
from sqlalchemy import select

from schemeops.erp.ledgers import load_gl
from schemeops.erp.recipients import read_recipients
from schemeops.erp.settings import SettingsError, load_settings
from schemeops.service import exports, runs
from schemeops.service.erp_exports import ErpInputs, erp_export
from schemeops.store.models import CreditNote

HSN = {"biscuits": "1905", "snacks": "2106", "beverages": "2202", "tea": "0902",
       "coffee": "0901", "noodles": "1902", "soaps": "3401", "detergents": "3402",
       "hair_care": "3305", "oral_care": "3306", "skin_care": "3304", "spices": "0910"}
SETTINGS = """[seller]
gstin = "29AABCS1234F1Z5"
legal_name = "Sunrise Foods Private Limited"
address1 = "12 Industrial Area"
location = "Bengaluru"
pincode = 560058
state_code = "29"
[programs.volume_growth_oct]
credit_note = "gst"
benefit = "incentive"
[hsn.by_category]
""" + "".join(f'{c} = "{h}"\n' for c, h in HSN.items()) + "".join(
    f'[[gst_rates]]\nhsn = "{h}"\nrate = "18"\nfrom = "2017-07-01"\n' for h in HSN.values())


def _inputs(tmp_path: Path, *, states: tuple[str, ...] = ("29", "27")) -> ErpInputs:
    (tmp_path / "tax.toml").write_text(SETTINGS)
    rows = ["participant_id,gstin,legal_name,address1,location,pincode,state_code,pan"]
    for i in range(1, 7):
        st = states[i % len(states)]
        rows.append(f"D0000{i},{st}AAAAA000{i}A1Z5,Distributor {i} & Co,Road {i},Town {i},"
                    f"56000{i},{st},AAAAA000{i}A")
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n")
    return ErpInputs(load_settings(tmp_path / "tax.toml"), load_gl(),
                     read_recipients(tmp_path / "r.csv"), "r.csv")


def test_erp_files_of_an_export_and_no_voucher_twice(app, team, tmp_path):
    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")))
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        first = exports.export(s, team.approver, run_id).export.id
    inputs = _inputs(tmp_path)
    with app.sessions.begin() as s:
        out = erp_export(s, team.approver, first, warehouse=app.warehouse, inputs=inputs)
        noted = {c.reference: c.amount for c in s.scalars(
            select(CreditNote).where(CreditNote.first_export_id == first))}
    assert out.notes == len(noted) > 0
    docs = json.loads(out.files["einvoice.json"], parse_float=Decimal)
    # the taxable values add up to the recorded notes, and the split follows the state
    assert sum(d["ValDtls"]["AssVal"] for d in docs) == sum(abs(a) for a in noted.values())
    for d in docs:
        inter = d["BuyerDtls"]["Stcd"] != "29"
        assert ("IgstVal" in d["ValDtls"]) == inter and ("CgstVal" in d["ValDtls"]) != inter
        assert d["RefDtls"]["PrecDocDtls"]
    root = ET.fromstring(out.files["tally-vouchers.xml"])
    assert [v.findtext("VOUCHERNUMBER") for v in root.iter("VOUCHER")] == out.vouchers
    assert len(set(out.vouchers)) == out.notes
    tds = out.files["tds-notes.csv"].decode().splitlines()
    assert len(tds) == 1 + out.notes  # an incentive: every note counts towards the year
    with app.sessions.begin() as s:  # exporting the run again pays nothing, posts nothing
        again = exports.export(s, team.approver, run_id).export.id
        second = erp_export(s, team.approver, again, warehouse=app.warehouse, inputs=inputs)
    assert second.notes == 0 and second.vouchers == []
    assert ET.fromstring(second.files["tally-vouchers.xml"]).find(".//VOUCHER") is None


def test_a_gst_note_without_a_recipient_refuses_the_export(app, team, tmp_path):
    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")))
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        first = exports.export(s, team.approver, run_id).export.id
    inputs = _inputs(tmp_path)
    inputs = ErpInputs(inputs.settings, inputs.gl, {}, "r.csv")
    with app.sessions.begin() as s, pytest.raises(SettingsError) as e:
        erp_export(s, team.approver, first, warehouse=app.warehouse, inputs=inputs)
    assert {d.code for d in e.value.diagnostics} == {"recipient_missing"}


def test_the_cli_writes_the_files_and_a_second_export_writes_no_voucher(app, team, tmp_path,
                                                                         db_url):
    from typer.testing import CliRunner

    from schemeops.cli.main import app as cli

    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")))
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
    _inputs(tmp_path)
    common = ["erp", "export", "--as", team.approver.username, "--recipients",
              str(tmp_path / "r.csv"), "--settings", str(tmp_path / "tax.toml"),
              "--store", db_url, "-w", str(app.warehouse), "--run", str(run_id)]
    first = CliRunner().invoke(cli, [*common, "--out", str(tmp_path / "one")])
    assert first.exit_code == 0, first.output
    made = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert made["notes"] == made["vouchers"] > 0
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == sorted(
        [*made["files"], "manifest.json"])
    again = CliRunner().invoke(cli, [*common, "--out", str(tmp_path / "two")])
    assert again.exit_code == 0, again.output
    assert "0 notes, 0 vouchers" in again.output
    bad = CliRunner().invoke(cli, [*common[:-2], "--out", str(tmp_path / "three")])
    assert bad.exit_code == 2 and "one of --run" in bad.output
    (tmp_path / "none.csv").write_text("participant_id,gstin\n")
    refused = CliRunner().invoke(cli, [*[str(tmp_path / "none.csv") if a.endswith("r.csv")
                                         else a for a in common[:-2]], "--export",
                                       str(made["export"]), "--out", str(tmp_path / "four")])
    assert refused.exit_code == 1
    assert f"{tmp_path / 'none.csv'}:1:1: recipient_missing" in refused.output
    assert not (tmp_path / "four").exists()  # nothing half-written
