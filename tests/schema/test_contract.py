"""The data contract in code is consistent and docs/data.md is generated from it."""

from pathlib import Path

import pytest

from schemeops.schema import TABLES, table
from schemeops.schema.render import render_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data.md"


def test_docs_data_md_is_generated_from_the_contract():
    """docs/data.md is exactly `schemeops schema --markdown` (regenerate it when this fails)."""
    assert DOCS.read_text() == render_markdown()


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.name)
def test_keys_are_required_columns(t):
    """Every key column exists and is required."""
    for k in t.key:
        assert t.column(k).required


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.name)
def test_references_point_to_existing_columns_of_earlier_tables(t):
    """A reference names a real column of a table loaded no later than this one."""
    order = [x.name for x in TABLES]
    for c in t.columns:
        if c.references:
            target = table(c.references.table)
            assert c.references.column in target.column_names
            assert order.index(target.name) <= order.index(t.name)


def test_design_tables_and_columns_are_all_present():
    """The contract holds every table and column that DESIGN.md's data contract lists, and
    the participant lists the program language's include/exclude lists read (issue 15)."""
    expected = {
        "participants": "participant_id name role parent_id region area tier channel city "
                        "joined_on left_on",
        "outlets": "outlet_id name distributor_id outlet_type city postal_code phone tax_id "
                   "latitude longitude created_on",
        "products": "sku name brand category segment unit_price unit_cost launched_on",
        "sales": "invoice_id line_no invoice_date distributor_id outlet_id sku quantity "
                 "net_amount doc_type ref_invoice_id entered_on",
        "primary_sales": "invoice_id line_no invoice_date due_date distributor_id sku quantity "
                         "net_amount",
        "payments": "payment_id distributor_id invoice_id paid_on amount",
        "targets": "program_id participant_id kpi target",
        "participant_lists": "list_id participant_id",
    }
    assert {t.name: " ".join(t.column_names) for t in TABLES} == expected


def test_unknown_table_is_a_key_error():
    """Looking up a table that is not in the contract fails loudly."""
    with pytest.raises(KeyError):
        table("invoices")
