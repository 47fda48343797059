"""The data contract (v1): every table, column, type, key and reference, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from schemeops.schema.types import DATE, DOUBLE, INTEGER, MONEY, QUANTITY, STRING, DType

ROLES = ("distributor", "dealer", "sub_distributor", "sales_rep", "manager")
SELLING_ROLES = ("distributor", "dealer", "sub_distributor")
DOC_TYPES = ("invoice", "return")


@dataclass(frozen=True)
class Reference:
    """A column whose non-empty values must exist in `table.column`."""

    table: str
    column: str


@dataclass(frozen=True)
class Column:
    """One column: name, type, whether it must be filled, allowed values, what it references."""

    name: str
    dtype: DType
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    references: Reference | None = None


@dataclass(frozen=True)
class Table:
    """One table of the contract: its key, columns and meaning."""

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    doc: str
    optional: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in contract order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called `name`; KeyError if there is none."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, dtype: DType, doc: str, **kw) -> Column:
    return Column(name=name, dtype=dtype, doc=doc, **kw)


_PARTICIPANT = Reference("participants", "participant_id")

PARTICIPANTS = Table(
    "participants",
    key=("participant_id",),
    doc="Everyone a program can pay or roll up to: distributors, dealers, "
    "sub-distributors, sales reps and managers.",
    columns=(
        _c("participant_id", STRING, "Unique id.", required=True),
        _c("name", STRING, "Display name.", required=True),
        _c("role", STRING, "What this participant is.", required=True, choices=ROLES),
        _c("parent_id", STRING, "Who manages this one; empty at the top.", references=_PARTICIPANT),
        _c("region", STRING, "Sales region."),
        _c("area", STRING, "Area within the region."),
        _c("tier", STRING, "Size tier (e.g. platinum, gold, silver, bronze)."),
        _c("channel", STRING, "Trade channel (e.g. general_trade, modern_trade, rural)."),
        _c("city", STRING, "Home city."),
        _c("joined_on", DATE, "Date the participant joined the network."),
        _c("left_on", DATE, "Date the participant left; empty while active."),
    ),
)

OUTLETS = Table(
    "outlets",
    key=("outlet_id",),
    doc="Retail outlets served by a distributor, dealer or sub-distributor.",
    columns=(
        _c("outlet_id", STRING, "Unique id.", required=True),
        _c("name", STRING, "Shop name.", required=True),
        _c("distributor_id", STRING, "The participant that serves it.", required=True,
           references=_PARTICIPANT),
        _c("outlet_type", STRING, "Kind of shop (e.g. grocery, chemist, modern_trade)."),
        _c("city", STRING, "City."),
        _c("postal_code", STRING, "Postal code."),
        _c("phone", STRING, "Contact phone."),
        _c("tax_id", STRING, "Tax registration (e.g. GSTIN); empty for unregistered shops."),
        _c("latitude", DOUBLE, "Latitude in degrees."),
        _c("longitude", DOUBLE, "Longitude in degrees."),
        _c("created_on", DATE, "Date the outlet was created in the DMS.", required=True),
    ),
)

PRODUCTS = Table(
    "products",
    key=("sku",),
    doc="The product catalogue.",
    columns=(
        _c("sku", STRING, "Unique stock-keeping unit.", required=True),
        _c("name", STRING, "Product name.", required=True),
        _c("brand", STRING, "Brand."),
        _c("category", STRING, "Category.", required=True),
        _c("segment", STRING, "Price segment (e.g. premium, core, economy)."),
        _c("unit_price", MONEY, "List price per unit to the outlet.", required=True),
        _c("unit_cost", MONEY, "Cost per unit to the manufacturer."),
        _c("launched_on", DATE, "Launch date."),
    ),
)

_LINE_KEY = ("invoice_id", "line_no")

SALES = Table(
    "sales",
    key=_LINE_KEY,
    doc="Secondary sales (distributor to outlet), one row per invoice line. Returns are "
    "lines with negative quantity and net_amount, doc_type = return.",
    columns=(
        _c("invoice_id", STRING, "Invoice or return document number.", required=True),
        _c("line_no", INTEGER, "Line within the document.", required=True),
        _c("invoice_date", DATE, "Document date.", required=True),
        _c("distributor_id", STRING, "Selling participant.", required=True,
           references=_PARTICIPANT),
        _c("outlet_id", STRING, "Buying outlet.", required=True,
           references=Reference("outlets", "outlet_id")),
        _c("sku", STRING, "Product.", required=True, references=Reference("products", "sku")),
        _c("quantity", QUANTITY, "Units; negative on returns.", required=True),
        _c("net_amount", MONEY, "Value after discounts and before tax; negative on returns.",
           required=True),
        _c("doc_type", STRING, "invoice or return.", required=True, choices=DOC_TYPES),
        _c("ref_invoice_id", STRING, "For a return: the invoice it returns.",
           references=Reference("sales", "invoice_id")),
        _c("entered_on", DATE, "When the line was entered in the DMS; empty or absent means "
           "the invoice_date."),
    ),
)

PRIMARY_SALES = Table(
    "primary_sales",
    key=_LINE_KEY,
    doc="Primary sales (company to distributor), one row per invoice line.",
    columns=(
        _c("invoice_id", STRING, "Invoice number.", required=True),
        _c("line_no", INTEGER, "Line within the invoice.", required=True),
        _c("invoice_date", DATE, "Invoice date.", required=True),
        _c("due_date", DATE, "Payment due date.", required=True),
        _c("distributor_id", STRING, "Buying participant.", required=True,
           references=_PARTICIPANT),
        _c("sku", STRING, "Product.", required=True, references=Reference("products", "sku")),
        _c("quantity", QUANTITY, "Units.", required=True),
        _c("net_amount", MONEY, "Value after discounts and before tax.", required=True),
    ),
)

PAYMENTS = Table(
    "payments",
    key=("payment_id",),
    doc="Payments by distributors against primary invoices (or on account).",
    columns=(
        _c("payment_id", STRING, "Unique id.", required=True),
        _c("distributor_id", STRING, "Paying participant.", required=True,
           references=_PARTICIPANT),
        _c("invoice_id", STRING, "The primary invoice paid; empty = on account.",
           references=Reference("primary_sales", "invoice_id")),
        _c("paid_on", DATE, "Date the money was received.", required=True),
        _c("amount", MONEY, "Amount paid; positive.", required=True),
    ),
)

TARGETS = Table(
    "targets",
    key=("program_id", "participant_id", "kpi"),
    doc="Optional per-participant targets for a program's KPIs.",
    optional=True,
    columns=(
        _c("program_id", STRING, "Program the target belongs to.", required=True),
        _c("participant_id", STRING, "Participant.", required=True, references=_PARTICIPANT),
        _c("kpi", STRING, "KPI name within the program.", required=True),
        _c("target", QUANTITY, "Target value.", required=True),
    ),
)

PARTICIPANT_LISTS = Table(
    "participant_lists",
    key=("list_id", "participant_id"),
    doc="Optional named lists of participants, which programs name in `include_lists` and "
    "`exclude_lists` (lists too long for a program's `include`).",
    optional=True,
    columns=(
        _c("list_id", STRING, "The list's id, as programs name it.", required=True),
        _c("participant_id", STRING, "A participant on the list.", required=True,
           references=_PARTICIPANT),
    ),
)

#: Every table, in an order where each table's references point to tables before it
#: (or to itself).
TABLES: tuple[Table, ...] = (
    PARTICIPANTS, OUTLETS, PRODUCTS, SALES, PRIMARY_SALES, PAYMENTS, TARGETS,
    PARTICIPANT_LISTS,
)

CONTRACT_VERSION = "1"


def table(name: str) -> Table:
    """The contract table called `name`; KeyError if there is none."""
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(name)
