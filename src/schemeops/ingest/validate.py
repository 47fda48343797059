"""Validate one table's staged rows: types and row rules, keys, references, and what the
warehouse already holds. Everything runs as Ibis expressions on the staging connection."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import sqlglot as sg
from ibis import _

from schemeops.ingest.rules import Check, literal, parse_column, row_rules
from schemeops.schema import SELLING_ROLES, Column, Table
from schemeops.schema import table as contract_table

Backend = ibis.BaseBackend
WAREHOUSE = ("wh", "main")

_PROBLEM_SCHEMA = {
    "file": "string", "row": "int64", "table": "string", "column": "string",
    "value": "string", "code": "string", "reason": "string", "fix": "string",
}


@dataclass(frozen=True)
class TableCounts:
    """A table's rows by outcome: read = accepted + rejected + present + conflicts."""

    table: str
    read: int
    accepted: int
    rejected: int
    already_present: int
    conflicts: int


def _allowed(column: str, target: ir.Table) -> ir.BooleanValue:
    """Whether a referenced row may be referenced from `column` (e.g. a return names an invoice)."""
    if column == "ref_invoice_id":
        return target.doc_type == "invoice"
    if column == "distributor_id":
        return target.role.isin(SELLING_ROLES)
    return ibis.literal(True)


#: Columns a referenced row must share with the row referring to it: a payment pays an
#: invoice of its own distributor; a return credits an invoice of its own distributor (the
#: outlet is not checked: docs/ingest.md).
_SAME = {
    ("payments", "invoice_id"): ("distributor_id",),
    ("sales", "ref_invoice_id"): ("distributor_id",),
}


def _parse(rel: ir.Table, t: Table) -> tuple[dict[str, ir.Value], list[Check]]:
    """Typed values and checks of `t`'s text columns in `rel`."""
    values, checks = {}, []
    for col in t.columns:
        value, col_checks = parse_column(rel[col.name], col)
        values[col.name] = value
        checks += col_checks
    return values, checks + row_rules(t, values.__getitem__)


def _row_problems(parts: list[ir.Table], typed: ir.Table, t: Table) -> list[ir.Table]:
    """One problem per failed check, computed again on the (few) rows that failed any."""
    failed = typed.filter(typed._bad)
    found = []
    for part in parts:
        bad = part.semi_join(failed, [part._file == failed._file, part._row == failed._row])
        _values, checks = _parse(bad, t)
        found += [
            bad.filter(c.failed).select(
                file=bad._file, row=bad._row, table=literal(t.name), column=literal(c.column),
                value=bad[c.column].cast("string"), code=literal(c.code),
                reason=literal(c.reason), fix=literal(c.fix))
            for c in checks
        ]
    return found


def _key_text(rel: ir.Table, key: tuple[str, ...]) -> ir.StringValue:
    parts = [rel[k].cast("string") for k in key]
    return parts[0] if len(parts) == 1 else ibis.literal("|").join(parts)


class TableValidator:
    """Validates the staged rows of one table against the contract and the warehouse."""

    def __init__(self, ib: Backend, t: Table, parts: list[str]) -> None:
        """`parts`: the staged rows, as tables or views of the same columns (text, or of the
        contract's types where a file had them)."""
        self.ib, self.t, self.parts = ib, t, parts
        self.typed_name = f"typed_{t.name}"
        self.problems_name = f"problems_{t.name}"
        self._accepted: ir.Table | None = None

    def warehouse(self, name: str | None = None) -> ir.Table:
        """The warehouse table `name` (default: this one)."""
        return self.ib.table(name or self.t.name, database=WAREHOUSE)

    def _staged(self) -> list[ir.Table]:
        return [self.ib.table(p) for p in self.parts]

    def staged_text(self) -> ir.Table:
        """Every staged row with its file and row, each value as text."""
        return ibis.union(*[
            s.select("_file", "_row", **{c: s[c].cast("string") for c in self.t.column_names})
            for s in self._staged()
        ], distinct=False)

    def _typed(self) -> ir.Table:
        """Materialise the typed values of every staged row and whether any check failed."""
        parts = []
        for s in self._staged():
            values, checks = _parse(s, self.t)
            parts.append(s.select(_file=s._file, _row=s._row, **values,
                                  _bad=ibis.or_(*[c.failed for c in checks])))
        return self.ib.create_table(self.typed_name, ibis.union(*parts, distinct=False),
                                    overwrite=True)

    def _duplicates(self, typed: ir.Table) -> ir.Table:
        key = list(self.t.key)
        keyed = typed.filter(*[typed[k].notnull() for k in key])
        counts = keyed.group_by(key).aggregate(n=_.count())
        # The repeated keys are few: materialised once, so the query below does not plan the
        # count over every key (a state per key of the whole load) into each of its parts.
        repeated = self.ib.create_table(f"repeated_{self.t.name}",
                                        counts.filter(counts.n > 1), overwrite=True)
        dup = keyed.join(repeated, key)
        # Ordered aggregates only over the duplicated rows: over every key they would hold
        # millions of groups in memory.
        order = [dup._file, dup._row]
        firsts = dup.group_by(key).aggregate(first_file=dup._file.first(order_by=order),
                                             first=dup._row.first(order_by=order))
        dup = dup.join(firsts, key)
        # Where the key was first seen: its row, in this file; else the other file and row.
        first_at = ibis.ifelse(dup.first_file == dup._file, literal("row "),
                               dup.first_file + literal(":")) + dup.first.cast("string")
        return dup.select(
            file=dup._file, row=dup._row, table=literal(self.t.name),
            column=literal(",".join(key)), value=_key_text(dup, self.t.key),
            code=literal("duplicate_key"),
            reason=literal("the key appears ") + dup.n.cast("string")
            + literal(" times in this load (first at ") + first_at + literal(")"),
            fix=literal("keep exactly one row per key"))

    def _same(self, col: Column) -> tuple[str, ...]:
        """The columns a row referred to from `col` must share with the referring row."""
        return _SAME.get((self.t.name, col.name), ())

    def _targets(self, col: Column, ok: ir.Table,
                 accepted: dict[str, ir.Table]) -> list[ir.Table]:
        """The rows `col` may refer to: the warehouse's, and this load's good ones."""
        ref = col.references
        here = ok if ref.table == self.t.name else accepted.get(ref.table)
        return [self.warehouse(ref.table)] + ([here] if here is not None else [])

    def _known(self, col: Column, ok: ir.Table, accepted: dict[str, ir.Table],
               tag: str = "") -> ir.Table:
        """The ids `col` may name (`_ref`), whether each may be named from it (`_ok`) and
        the columns it must share (`_same_<c>`); names suffixed with `tag`."""
        same = self._same(col)
        return ibis.union(*[
            src.select(**{f"_ref{tag}": src[col.references.column],
                          f"_ok{tag}": _allowed(col.name, src)},
                       **{f"_same{tag}_{c}": src[c] for c in same})
            for src in self._targets(col, ok, accepted)
        ], distinct=False)

    def _looked_up(self, ok: ir.Table, accepted: dict[str, ir.Table],
                   cols: list[Column]) -> dict[str, tuple[ir.Table, ir.Table]]:
        """(unknown, wrong) rows of references to a table's key, every column in one pass:
        each id is looked up in its table, where a key names one row."""
        if not cols:
            return {}
        rel = ok
        flags = {}
        for i, col in enumerate(cols):
            known = self._known(col, ok, accepted, tag=str(i))
            rel = rel.left_join(known, rel[col.name] == known[f"_ref{i}"])
            same = self._same(col)
            named = rel[col.name].notnull()
            found = rel[f"_ref{i}"].notnull()
            fine = rel[f"_ok{i}"] & ibis.and_(*[rel[c] == rel[f"_same{i}_{c}"] for c in same])
            flags[col.name] = (named & ~found, named & found & ~fine.fill_null(False))
        rel = rel.select(ok, **{f"_unknown_{c}": u for c, (u, _w) in flags.items()},
                         **{f"_wrong_{c}": w for c, (_u, w) in flags.items()})
        # Materialised: one pass over the rows; usually empty, and read twice per column.
        bad = self.ib.create_table(
            f"lookups_{self.t.name}",
            rel.filter(ibis.or_(*[rel[f"_{k}_{c}"] for c in flags for k in ("unknown", "wrong")])),
            overwrite=True)
        return {c: (bad.filter(bad[f"_unknown_{c}"]), bad.filter(bad[f"_wrong_{c}"]))
                for c in flags}

    def _scanned(self, ok: ir.Table, accepted: dict[str, ir.Table],
                 col: Column) -> tuple[ir.Table, ir.Table]:
        """(unknown, wrong) rows of references to ids that may name many rows (the lines of
        an invoice), looking only at the ids named here (the target may be millions of rows)."""
        same = self._same(col)
        rows = ok.filter(ok[col.name].notnull())
        wanted = rows.select(_want=rows[col.name]).distinct()
        known = self._known(col, ok, accepted)
        known = known.semi_join(wanted, known._ref == wanted._want)
        k1, k2, k3 = known.view(), known.view(), known.view()
        # Materialised: usually empty, and read three times.
        unknown = self.ib.create_table(f"unknown_{self.t.name}_{col.name}", rows.anti_join(
            k1, rows[col.name] == k1._ref), overwrite=True)
        fine = k3.filter(k3._ok)
        wrong = rows.semi_join(k2, rows[col.name] == k2._ref).anti_join(
            fine, [rows[col.name] == fine._ref, *[rows[c] == fine[f"_same_{c}"] for c in same]])
        return unknown, wrong

    def _references(self, ok: ir.Table, accepted: dict[str, ir.Table],
                    own: bool) -> list[ir.Table]:
        """Problems of references to other tables, or (`own`) to this table's own rows."""
        cols = [c for c in self.t.columns
                if c.references is not None and (c.references.table == self.t.name) == own]
        keyed = [c for c in cols
                 if (c.references.column,) == contract_table(c.references.table).key]
        found = self._looked_up(ok, accepted, keyed)
        parts = []
        for col in cols:
            unknown, wrong = found.get(col.name) or self._scanned(ok, accepted, col)
            parts += self._reference_problems(col, unknown, wrong, accepted)
        return parts

    def _reference_problems(self, col: Column, unknown: ir.Table, wrong: ir.Table,
                            accepted: dict[str, ir.Table]) -> list[ir.Table]:
        """Problem rows of the references of `col` not found (`unknown`) or to a row they may
        not name (`wrong`)."""
        ref = col.references
        parts = []
        # An id of a row that is in this load but rejected is not "unknown" to the user:
        # say where that row is.
        staged = (self.ib.table(f"typed_{ref.table}")
                  if ref.table == self.t.name or ref.table in accepted else None)
        if staged is not None:  # only the rows of the ids not found (usually none)
            ids = unknown.select(_id=unknown[col.name]).distinct()
            cand = staged.semi_join(ids, staged[ref.column] == ids._id)
            order = [cand._file, cand._row]
            at = cand.group_by(_at_ref=cand[ref.column]).aggregate(
                _at_file=cand._file.first(order_by=order),
                _at_row=cand._row.first(order_by=order))
            in_load = unknown.join(at, unknown[col.name] == at._at_ref)
            unknown = unknown.anti_join(at, unknown[col.name] == at._at_ref)
            parts.append(in_load.select(
                file=in_load._file, row=in_load._row, table=literal(self.t.name),
                column=literal(col.name), value=in_load[col.name].cast("string"),
                code=literal("unknown_reference"),
                reason=literal(f"`{col.name}` refers to the {ref.table} row at ")
                + in_load._at_file + literal(":") + in_load._at_row.cast("string")
                + literal(", which is rejected in this load"),
                fix=literal(f"fix that {ref.table} row first (see its own problems)")))
        same = self._same(col)
        what = {"ref_invoice_id": "an invoice (doc_type=invoice)",
                "distributor_id": "a distributor, dealer or sub_distributor",
                "invoice_id": f"a {ref.table} invoice"}.get(col.name, "")
        if same:
            what += " of the same " + " and ".join(f"`{c}`" for c in same)
        for rel, code, reason, fix in (
            (unknown, "unknown_reference",
             f"`{col.name}` is not a known {ref.table}.{ref.column}",
             f"load the {ref.table} row first, or correct the id"),
            (wrong, "wrong_reference", f"`{col.name}` must refer to {what}",
             "correct the id" + "".join(f" or the `{c}`" for c in same)),
        ):
            if rel is wrong and not what:
                continue
            parts.append(rel.select(
                file=rel._file, row=rel._row, table=literal(self.t.name),
                column=literal(col.name), value=rel[col.name].cast("string"),
                code=literal(code), reason=literal(reason), fix=literal(fix)))
        return parts

    def _cycles(self, ok: ir.Table) -> list[ir.Table]:
        """Problems of rows in a loop of references to this table's own key (A's parent is B,
        B's parent is A): following them up never reaches the top. Rows hanging below a loop
        are not in it; they are rejected afterwards as referring to a rejected row."""
        parts = []
        for col in self.t.columns:
            ref = col.references
            if ref is None or ref.table != self.t.name or (ref.column,) != self.t.key:
                continue
            # A recursive walk, which Ibis cannot write; names are the contract's, quoted.
            key, up = (sg.to_identifier(c, quoted=True).sql("duckdb")
                       for c in (ref.column, col.name))
            name = sg.to_identifier(f"cycles_{self.t.name}", quoted=True).sql("duckdb")
            rows = self.ib.compile(ok.select("_file", "_row", ref.column, col.name))
            # Rows reached from the top (no parent, or a parent outside this load) are fine;
            # of the others, those whose walk up comes back to themselves are the loops.
            self.ib.con.execute(f"""
                CREATE OR REPLACE TABLE {name} AS
                WITH RECURSIVE rows AS ({rows}),
                reached(id) AS (
                    SELECT {key} FROM rows
                    WHERE {up} IS NULL OR {up} NOT IN (SELECT {key} FROM rows)
                    UNION
                    SELECT rows.{key} FROM rows JOIN reached ON rows.{up} = reached.id),
                lost AS (SELECT * FROM rows WHERE {key} NOT IN (SELECT id FROM reached)),
                walk(start, cur) AS (
                    SELECT {key}, {up} FROM lost
                    UNION
                    SELECT walk.start, lost.{up} FROM walk JOIN lost ON lost.{key} = walk.cur)
                SELECT * FROM lost WHERE {key} IN (SELECT start FROM walk WHERE start = cur)""")
            loop = self.ib.table(f"cycles_{self.t.name}")
            parts.append(loop.select(
                file=loop._file, row=loop._row, table=literal(self.t.name),
                column=literal(col.name), value=loop[col.name].cast("string"),
                code=literal("parent_cycle"),
                reason=literal(f"following `{col.name}` up from here comes back to this row: "
                               "the chain loops and never reaches the top"),
                fix=literal(f"break the loop: correct `{col.name}` of one of the rows in it "
                            "(empty at the top)")))
        return parts

    def _status(self, ok: ir.Table) -> ir.Table:
        """Mark each valid row new, already present (identical) or in conflict."""
        wh = self.warehouse()
        key = list(self.t.key)
        others = [c for c in self.t.column_names if c not in key]
        # The warehouse's rows with a key loaded here first, on the key columns alone (usually
        # none): joining every column of every loaded row read the whole history each load.
        hits = self.ib.create_table(f"hits_{self.t.name}",
                                    wh.select(*key).semi_join(ok.select(*key), key),
                                    overwrite=True)
        wh = wh.semi_join(hits, key)
        wh = wh.select(_present=ibis.literal(True), **{k: wh[k] for k in key},
                       **{f"wh__{c}": wh[c] for c in others})
        joined = ok.left_join(wh, key)
        differs = {c: ~joined[c].identical_to(joined[f"wh__{c}"]) for c in others}
        if not differs:  # every column is the key (participant_lists): nothing can conflict
            status = ibis.ifelse(joined._present.isnull(), "new", "present")
            return joined.select(ok, _status=status, _differing=ibis.null("string"))
        status = ibis.cases((joined._present.isnull(), "new"),
                            (ibis.or_(*differs.values()), "conflict"), else_="present")
        differing = ibis.literal(", ").join([
            ibis.ifelse(d, literal(c), ibis.null("string")) for c, d in differs.items()])
        return joined.select(ok, _status=status, _differing=differing)

    def _conflicts(self, status: ir.Table) -> ir.Table:
        clash = status.filter(status._status == "conflict")
        return clash.select(
            file=clash._file, row=clash._row, table=literal(self.t.name),
            column=literal(",".join(self.t.key)), value=_key_text(clash, self.t.key),
            code=literal("conflict"),
            reason=literal("this key is already in the warehouse with other values in: ")
            + clash._differing,
            fix=literal("a loaded row is never overwritten; correct it with a new document "
                        "(e.g. a return) or fix the source"))

    def run(self, accepted: dict[str, ir.Table]) -> TableCounts:
        """Validate; leave `problems_<t>` behind and the accepted rows ready; return counts."""
        typed = self._typed()
        clean_rows = typed.filter(~typed._bad)
        # Re-checking the failed rows reads every part again: only when there are any.
        bad = _row_problems(self._staged(), typed, self.t) if int(
            typed._bad.sum().fill_null(0).execute()) else []
        problems = self.ib.create_table(
            self.problems_name,
            ibis.union(*bad, self._duplicates(typed), distinct=False).cast(_PROBLEM_SCHEMA),
            overwrite=True)
        # References to other tables first; then to this table's own rows, against the rows
        # still good, repeated until stable: a return of a rejected invoice, or the child of a
        # rejected parent (and its children), is rejected too, never loaded dangling.
        for own in (False, True):
            while True:
                ok = clean_rows.anti_join(problems, [clean_rows._file == problems.file,
                                                     clean_rows._row == problems.row])
                refs = self._references(ok, accepted, own) + (self._cycles(ok) if own else [])
                if not refs:
                    break
                before = int(problems.count().execute())
                # Materialised first: an INSERT reading the table it writes sees its own
                # rows as it goes, so one part would see the problems another part added.
                found = self.ib.create_table(
                    f"found_{self.t.name}",
                    ibis.union(*refs, distinct=False).cast(_PROBLEM_SCHEMA), overwrite=True)
                self.ib.insert(self.problems_name, found)
                problems = self.ib.table(self.problems_name)
                if not own or int(problems.count().execute()) == before:
                    break
        ok = clean_rows  # without problems, the writes read the rows without a join
        if int(problems.count().execute()):
            ok = clean_rows.anti_join(problems, [clean_rows._file == problems.file,
                                                 clean_rows._row == problems.row])
        if int(self.warehouse().count().execute()) == 0:
            self._accepted = ok.select(*self.t.column_names)
            by_status = {"new": int(ok.count().execute())}
        else:
            status = self.ib.create_table(f"status_{self.t.name}", self._status(ok),
                                          overwrite=True)
            self.ib.insert(self.problems_name, self._conflicts(status).cast(_PROBLEM_SCHEMA))
            self._accepted = status.filter(status._status == "new").select(*self.t.column_names)
            rows = status.group_by("_status").aggregate(n=status.count()).to_pyarrow()
            by_status = {r["_status"]: r["n"] for r in rows.to_pylist()}
        read = sum(int(s.count().execute()) for s in self._staged())
        rejected = int(problems.filter(problems.code != "conflict")
                       .select("file", "row").distinct().count().execute())
        counts = TableCounts(
            table=self.t.name, read=read, accepted=by_status.get("new", 0),
            rejected=rejected, already_present=by_status.get("present", 0),
            conflicts=by_status.get("conflict", 0))
        total = counts.accepted + counts.rejected + counts.already_present + counts.conflicts
        if total != counts.read:
            raise AssertionError(f"{self.t.name}: counts do not reconcile: {counts}")
        return counts

    def accepted_table(self) -> ir.Table:
        """This load's accepted rows, typed as the contract says (after `run`)."""
        return self._accepted
