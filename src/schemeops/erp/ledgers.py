"""The GL mapping: which ledger and GL account each side of a note is posted to."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from schemeops.erp.settings import Frozen, load_toml

DEFAULT = "gl_mapping.toml"
_NAME = Field(min_length=1, max_length=200)


class Ledger(Frozen):
    """A Tally ledger and the GL account it maps to."""

    name: str = _NAME
    account: str = Field(min_length=1, max_length=40)


class GlMapping(Frozen):
    """Ledgers for the scheme expense, each GST head and the recipients."""

    company: str = Field("", max_length=200)
    party_account: str = Field(min_length=1, max_length=40)
    expense: Ledger
    accrual: Ledger
    igst: Ledger
    cgst: Ledger
    sgst: Ledger
    programs: dict[str, Ledger] = Field(default_factory=dict)
    parties: dict[str, str] = Field(default_factory=dict)

    def expense_of(self, program_id: str) -> Ledger:
        """The program's expense ledger, or the default one."""
        return self.programs.get(program_id, self.expense)

    def party_of(self, participant_id: str, fallback: str) -> Ledger:
        """The recipient's ledger: named in the mapping, else `fallback` (its legal name)."""
        return Ledger(name=self.parties.get(participant_id) or fallback,
                      account=self.party_account)


def load_gl(override: Path | None = None) -> GlMapping:
    """The shipped mapping merged with `override`."""
    return load_toml(GlMapping, DEFAULT, override)
