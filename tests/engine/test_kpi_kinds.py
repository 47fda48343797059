"""The KPI registry: one definition for every KPI kind of the program language."""

from typing import get_args

import pytest

from schemeops.engine.kpis import KINDS, KpiError, bill_lines, kind_of
from schemeops.program.model import Kpi, Outstanding


def test_every_kind_of_the_language_has_one_definition():
    union = get_args(get_args(Kpi)[0])
    assert set(KINDS) == set(union)
    assert all(KINDS[spec].spec is spec for spec in union)


def test_a_kind_without_bills_is_refused_by_name():
    kpi = Outstanding(id="rod", kind="outstanding")
    assert kind_of(kpi).bill_lines is None
    with pytest.raises(KpiError, match="`rod` \\(outstanding\\)"):
        bill_lines(kpi, None)
