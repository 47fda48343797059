"""Reading claims.csv (`claim_id, line_no, participant_id, program_id, invoice_id, sku,
quantity, amount, submitted_on`): whole-file problems refuse the upload with located
diagnostics; a bad value refuses its line only, naming the row and the column."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from schemeops.errors import Diagnostic, SourceSpan
from schemeops.service.claim_rules import MAX_ID, LineInput
from schemeops.service.errors import Invalid

COLUMNS = ("claim_id", "line_no", "participant_id", "program_id", "invoice_id", "sku",
           "quantity", "amount", "submitted_on")
MAX_BYTES = 2_000_000
MAX_ROWS = 5_000


@dataclass(frozen=True)
class ClaimUpload:
    """One claim_id's rows: who claims, on which program, when, and its lines."""

    reference: str
    participant_id: str
    program_id: str
    submitted_on: dt.date
    lines: tuple[LineInput, ...]


def _diag(file: str, row: int, col: int, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(SourceSpan(file, row, col), code, message, hint)


def _number(raw: str, where: str, *, places: int | None) -> tuple[Decimal | None, str | None]:
    if not raw:
        return None, None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, f"{where}: {raw[:40]!r} is not a number; write it like 12 or 12.50"
    if not value.is_finite() or (places is not None and value != round(value, places)):
        return None, f"{where}: {raw[:40]!r} has more than {places} decimal places"
    return value, None


def typed_line(line_no: int, invoice_id: str, sku: str, quantity: str, amount: str, *,
               where: str) -> LineInput:
    """One line from typed text (a portal form row): bad values refuse the line, `where`
    naming its place (e.g. "line 3")."""
    invoice_id, sku = invoice_id.strip(), sku.strip()
    problems = [("malformed", f"{where}, {col}: longer than {MAX_ID} characters")
                for col, v in (("invoice_id", invoice_id), ("sku", sku)) if len(v) > MAX_ID]
    qty, bad_q = _number(quantity.strip()[:60], f"{where}, quantity", places=3)
    value, bad_a = _number(amount.strip()[:60], f"{where}, amount", places=2)
    problems += [("malformed", m) for m in (bad_q, bad_a) if m]
    return LineInput(line_no, invoice_id[:MAX_ID + 1] or None, sku[:MAX_ID + 1] or None, qty,
                     value, tuple(problems))


def _line(rec: dict[str, str], row: int, line_no: int, first: dict[str, str],
          file: str) -> LineInput:
    problems = []
    for col in ("invoice_id", "sku"):
        if len(rec[col]) > MAX_ID:
            problems.append(("malformed", f"{file} row {row}, column {col}: longer than "
                             f"{MAX_ID} characters"))
    qty, bad_q = _number(rec["quantity"], f"{file} row {row}, column quantity", places=3)
    amount, bad_a = _number(rec["amount"], f"{file} row {row}, column amount", places=2)
    problems += [("malformed", m) for m in (bad_q, bad_a) if m]
    for col, kind in (("participant_id", "wrong_participant"), ("program_id", "wrong_program")):
        if rec[col] != first[col]:
            problems.append((kind, f"{file} row {row}, column {col}: {rec[col][:40]!r} differs "
                             f"from {first[col]!r} on the claim's first row; one claim is for "
                             "one participant and one program"))
    return LineInput(line_no, rec["invoice_id"] or None, rec["sku"] or None, qty, amount,
                     tuple(problems))


def read_claims(data: bytes, file: str = "claims.csv") -> list[ClaimUpload]:
    """The claims of an upload, grouped by claim_id in file order; raises Invalid with every
    whole-file problem (encoding, header, a row without claim id, line number or date)."""
    if len(data) > MAX_BYTES:
        raise Invalid([_diag(file, 1, 1, "too-large", f"the file has {len(data)} bytes",
                             f"upload at most {MAX_BYTES} bytes; split the claims")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise Invalid([_diag(file, 1, 1, "encoding", "the file is not UTF-8 text",
                             "save it as CSV UTF-8")]) from e
    rows = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(rows, [])]
    if missing := [c for c in COLUMNS if c not in header]:
        raise Invalid([_diag(file, 1, 1, "missing-column", f"no column {c}",
                             "the header is: " + ",".join(COLUMNS)) for c in missing])
    diags: list[Diagnostic] = []
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for row, values in enumerate(rows, start=2):
        if row - 1 > MAX_ROWS:
            diags.append(_diag(file, row, 1, "too-many-rows", f"more than {MAX_ROWS} rows",
                               "split the claims into several files"))
            break
        if not any(v.strip() for v in values):
            continue
        rec = {c: (values[i].strip() if i < len(values) else "")
               for c in COLUMNS for i in [header.index(c)]}
        bad = [(c, h) for c, h in (("claim_id", "give every row its claim id"),
                                   ("line_no", "number the lines 1, 2, 3…"),
                                   ("submitted_on", "write the date as YYYY-MM-DD"))
               if not _whole(c, rec[c])]
        for c, hint in bad:
            diags.append(_diag(file, row, COLUMNS.index(c) + 1, "bad-value",
                               f"column {c}: {rec[c][:40]!r} is missing or malformed", hint))
        if not bad and rec["line_no"] in {r["line_no"] for _, r in
                                          groups.get(rec["claim_id"], [])}:
            bad.append(("line_no", ""))
            diags.append(_diag(file, row, 2, "bad-value", f"line {rec['line_no']} of claim "
                               f"{rec['claim_id'][:40]!r} appears twice",
                               "number each line once"))
        if not bad:
            groups.setdefault(rec["claim_id"], []).append((row, rec))
    if diags:
        raise Invalid(diags)
    out = []
    for reference, recs in groups.items():
        first = recs[0][1]
        out.append(ClaimUpload(reference, first["participant_id"], first["program_id"],
                               dt.date.fromisoformat(first["submitted_on"]),
                               tuple(_line(r, row, int(r["line_no"]), first, file)
                                     for row, r in recs)))
    return out


def _whole(column: str, raw: str) -> bool:
    if column == "claim_id":
        return 0 < len(raw) <= MAX_ID
    if column == "line_no":
        return raw.isdigit() and 0 < int(raw) < 100_000
    try:
        dt.date.fromisoformat(raw)
    except ValueError:
        return False
    return True
