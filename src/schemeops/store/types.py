"""Column types the store needs on every database: exact money, exact decimals and UTC
timestamps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

_PAISA = Decimal("0.01")


class Money(TypeDecorator[Decimal]):
    """A Decimal with 2 places, stored as whole paise in a BIGINT (exact on SQLite too)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        paise = Decimal(value) * 100
        if paise != paise.to_integral_value():
            raise ValueError(f"money must have at most 2 decimal places, got {value}")
        return int(paise)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else (Decimal(value) / 100).quantize(_PAISA)


class Exact(TypeDecorator[Decimal]):
    """A Decimal kept exactly at its own scale (an actual, an attainment, a gap): NUMERIC on
    PostgreSQL; on SQLite, whose NUMERIC is a float, its text."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(60))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> object:
        if value is None:
            return None
        exact = Decimal(value)
        return format(exact, "f") if dialect.name == "sqlite" else exact

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp; SQLite, which keeps no zone, gets it back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect
                           ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must carry a time zone")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect
                             ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """Now, in UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC)
