"""Vectorised builders of Arrow columns: exact decimals, dates and fixed-width string ids."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

MONEY = pa.decimal128(18, 2)
QUANTITY = pa.decimal128(18, 3)


def _validity(valid: np.ndarray | None) -> pa.Buffer | None:
    if valid is None or bool(valid.all()):
        return None
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def decimal(units: np.ndarray, dtype: pa.DataType) -> pa.Array:
    """A decimal128 column whose unscaled values are the int64 `units` (e.g. paise)."""
    units = np.ascontiguousarray(units, dtype=np.int64)
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63
    return pa.Array.from_buffers(dtype, len(units), [None, pa.py_buffer(words)])


def money(paise: np.ndarray) -> pa.Array:
    """A decimal(18,2) column from int64 paise."""
    return decimal(paise, MONEY)


def quantity(units: np.ndarray) -> pa.Array:
    """A decimal(18,3) column from whole units."""
    return decimal(np.asarray(units, dtype=np.int64) * 1000, QUANTITY)


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A date32 column from int days since 1970-01-01 (null where `valid` is False)."""
    days = np.ascontiguousarray(days, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.date32(), len(days), [_validity(valid), pa.py_buffer(days)]
    )


_PAIRS = np.frombuffer("".join(f"{i:02d}" for i in range(100)).encode(), dtype="<u2")


def fixed_ids(prefix: str, numbers: np.ndarray, width: int,
              valid: np.ndarray | None = None) -> pa.Array:
    """Strings `prefix` + zero-padded `numbers` (null where `valid` is False)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if valid is not None and not bool(valid.all()):
        numbers = numbers[valid]
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    w = len(head) + width
    chars = np.empty((len(numbers), w), dtype=np.uint8)
    chars[:, : len(head)] = head
    x = numbers.copy()
    k = w
    while k - 2 >= len(head):  # two digits at a time, right to left
        x, pair = np.divmod(x, 100)
        chars[:, k - 2:k] = _PAIRS[pair].view(np.uint8).reshape(-1, 2)
        k -= 2
    if k > len(head):
        chars[:, k - 1] = 48 + x % 10
    n = len(numbers) if valid is None else len(valid)
    offset_type, string_type = ((np.int32, pa.string()) if n * w < 2**31
                                else (np.int64, pa.large_string()))
    if valid is None or bool(valid.all()):
        offsets = np.arange(0, (n + 1) * w, w, dtype=offset_type)
    else:
        offsets = np.zeros(n + 1, dtype=offset_type)
        np.cumsum(np.where(valid, w, 0), out=offsets[1:])
    ids = pa.Array.from_buffers(
        string_type, n, [_validity(valid), pa.py_buffer(offsets), pa.py_buffer(chars)])
    return ids if string_type == pa.string() else ids.cast(pa.string())


def choose(labels: list[str] | tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """Strings picked from a small vocabulary by integer code (a dictionary decode)."""
    vocab = pa.array(list(labels), type=pa.string())
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype=np.int32)), vocab
    ).cast(pa.string())


def take(values: pa.Array, index: np.ndarray) -> pa.Array:
    """values[index] for an Arrow array and a numpy index."""
    return values.take(pa.array(np.asarray(index, dtype=np.int64)))


def digits(numbers: np.ndarray, width: int) -> pa.Array:
    """Zero-padded decimal strings of `numbers` (e.g. phone numbers, postal codes)."""
    return fixed_ids("", numbers, width)
