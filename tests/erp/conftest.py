"""Fixtures of the ERP export tests: the settings and recipients of erp_support."""

from __future__ import annotations

from pathlib import Path

import pytest
from erp_support import RECIPIENTS, SETTINGS

from schemeops.erp.recipients import Recipient, read_recipients
from schemeops.erp.settings import TaxSettings, load_settings


@pytest.fixture
def settings(tmp_path: Path) -> TaxSettings:
    path = tmp_path / "tax.toml"
    path.write_text(SETTINGS)
    return load_settings(path)


@pytest.fixture
def recipients(tmp_path: Path) -> dict[str, Recipient]:
    path = tmp_path / "recipients.csv"
    path.write_text(RECIPIENTS)
    return read_recipients(path)
