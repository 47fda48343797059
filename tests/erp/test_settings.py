"""Dated settings, their merge with the shipped defaults, and located errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from schemeops.erp.recipients import read_recipients
from schemeops.erp.settings import SettingsError, load_settings


def test_rates_are_dated(settings):
    assert settings.gst_rate("1905", dt.date(2025, 9, 21)) == D("18")
    assert settings.gst_rate("1905", dt.date(2025, 9, 22)) == D("5")
    assert settings.gst_rate("1905", dt.date(2017, 6, 30)) is None
    assert settings.gst_rate("9999", dt.date(2026, 1, 1)) is None


def test_the_shipped_tds_rule_applies_from_july_2022(settings):
    assert settings.tds_rule(dt.date(2022, 6, 30)) is None
    rule = settings.tds_rule(dt.date(2026, 7, 1))
    assert (rule.section, rule.rate, rule.threshold) == ("194R", D("10"), D("20000.00"))


def test_a_later_notification_is_a_new_entry(tmp_path: Path):
    path = tmp_path / "t.toml"
    path.write_text('[[tds]]\nrate = "10"\nthreshold = "50000.00"\nfrom = "2027-04-01"\n')
    s = load_settings(path)
    assert s.tds_rule(dt.date(2027, 3, 31)).threshold == D("20000.00")
    assert s.tds_rule(dt.date(2027, 4, 1)).threshold == D("50000.00")


def test_program_choice_falls_back_to_the_default(settings):
    assert settings.program("PRG-GST").credit_note == "gst"
    assert settings.program("OTHER").credit_note == "financial"
    assert settings.program("PRG-GIFT").benefit == "free_goods"


@pytest.mark.parametrize(("text", "line", "code", "needle"), [
    ('[programs.P]\ncredit_note = "vat"\n', 2, "settings_invalid", "programs.P.credit_note"),
    ('\n[[gst_rates]]\nhsn = "19O5"\nrate = "5"\nfrom = "2026-01-01"\n', 3, "settings_invalid",
     "gst_rates.0.hsn"),
    ('[seller\n', 1, "settings_toml", ""),
    ('[[tds]]\nrate = "10"\nthreshold = "20000.00"\nfrom = "2022-07-01"\n', 4,
     "settings_dated_twice", "tds has two entries from 2022-07-01"),
])
def test_errors_are_located(tmp_path: Path, text, line, code, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as e:
        load_settings(path)
    [d] = e.value.diagnostics
    assert (d.span.file, d.span.line, d.code) == (str(path), line, code)
    assert needle in d.message


def test_recipient_errors_name_row_and_column(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text("participant_id,gstin,state_code,legal_name\n"
                    "D1,27AAACM5678K1Z2,27,Fine Name\n"
                    'D2,27AAACM5678K1Z2,29,Has "quote"\n'
                    "D1,BAD,,Ok Name\n")
    with pytest.raises(SettingsError) as e:
        read_recipients(path)
    found = {(d.span.line, d.span.col, d.code) for d in e.value.diagnostics}
    assert found == {(3, 3, "recipients_state"), (3, 4, "recipients_legal_name"),
                     (4, 2, "recipients_gstin"), (4, 1, "recipients_duplicate")}
