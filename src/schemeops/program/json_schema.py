"""The JSON Schema of program files, for editors and for other tools."""

from __future__ import annotations

from typing import Any

from schemeops.program.model import Program

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def program_json_schema() -> dict[str, Any]:
    """The JSON Schema of a program file (YAML keys as written, e.g. `from`)."""
    body = Program.model_json_schema(by_alias=True)
    return {"$schema": SCHEMA_DIALECT, **body,
            "title": "schemeops program",
            "description": Program.__doc__ or ""}
