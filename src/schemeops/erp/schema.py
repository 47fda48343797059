"""The published GST e-invoice schema (INV-01 v1.1), repaired into a JSON Schema a validator
enforces (einvoice_schema/README.md says what is repaired and why), and validation."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import jsonschema_rs

PUBLISHED = "INV-01_v1.1.published.json"
_HEAD = ("$schema", "Title", "Description", "required")
_NO_CASE = "(?i)"


def published() -> dict:
    """The schema document as the portal published it."""
    text = resources.files("schemeops.erp.einvoice_schema").joinpath(PUBLISHED).read_text()
    return json.loads(text)


def repaired(doc: dict) -> dict:
    """A draft-07 JSON Schema stating what the published document states."""
    members = {k: _node(v) for k, v in doc.items() if k not in _HEAD}
    ref = members["RefDtls"]["properties"]
    # the document's RefDtls lists `required: [InvNo, InvDt]` among its members: those are
    # PrecDocDtls's members, so that is where it applies
    ref["PrecDocDtls"]["items"]["required"] = ref.pop("required")
    return {"$schema": doc["$schema"], "title": doc["Title"].strip(), "type": "object",
            "properties": members, "required": list(doc["required"])}


def _node(value: object) -> object:
    """One schema node with the published document's quirks undone (README, steps 2 and 3)."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return {"type": "array", "items": _node(value[0])}
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            key = key.strip()
            if key == "type" and isinstance(v, str):
                out[key] = v.strip().lower()
            elif key == "pattern" and isinstance(v, str) and v.startswith(_NO_CASE):
                # `(?i)` is not ECMA-262 (JSON Schema's regex dialect); the `enum` beside each
                # such pattern already names the exact values
                out[key] = v.removeprefix(_NO_CASE)
            elif key == "required" and isinstance(v, list) and all(isinstance(r, str) for r in v):
                out[key] = [r.strip() for r in v]
            elif key == "properties":
                out[key] = {name.strip(): _node(sub) for name, sub in v.items()}
            else:
                out[key] = _node(v)
        return out
    if isinstance(value, str):
        return value.strip() if value.endswith(" ") and value.strip() in {"object", "string"} \
            else value
    return value


@cache
def _validator() -> jsonschema_rs.Draft7Validator:
    # the schema is package data that never changes while the process runs
    return jsonschema_rs.Draft7Validator(repaired(published()))


def problems(document: dict) -> list[str]:
    """What the e-invoice document breaks in the schema, each as `path: message`; empty
    when it is valid."""
    return [f"/{'/'.join(map(str, e.instance_path))}: {e.message}"
            for e in _validator().iter_errors(document)]
