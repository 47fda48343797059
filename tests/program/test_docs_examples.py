"""Every YAML example of docs/programs.md passes `check` once placed in the minimal program the
page names (an id, a name, a one-month period, a KPI `sales` and a component): the reference
never shows a program the language refuses."""

import re
from pathlib import Path

import pytest
import yaml

from schemeops.program.check import check_program
from schemeops.program.parse import parse_located

DOC = Path(__file__).resolve().parents[2] / "docs" / "programs.md"
EXAMPLES = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
MINIMAL = {"id": "t", "name": "T", "period": {"start": "2026-10-01", "end": "2026-10-31"},
           "kpis": [{"id": "sales", "kind": "volume"}],
           "components": [{"id": "c", "kpi": "sales", "on": "actual",
                           "slabs": [{"from": 0, "rate": 0.01}]}]}


class _Yaml12(yaml.SafeLoader):
    """Only `true` and `false` are booleans, as in program files (`on:` is a key)."""


_Yaml12.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Yaml12.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"),
                              list("tf"))


def test_the_page_has_examples():
    assert len(EXAMPLES) >= 40


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_each_example_passes_check_in_a_minimal_program(example):
    keys = yaml.load(example, Loader=_Yaml12)
    program = {**MINIMAL, **keys}
    if "sales" not in {k["id"] for k in program["kpis"]}:
        program["kpis"] = [{"id": "sales", "kind": "volume"}, *program["kpis"]]
    text = yaml.safe_dump(program, sort_keys=False)
    parsed, spans, found = parse_located(text, "example.yaml")
    if parsed is not None:
        found = found + check_program(parsed, spans)
    assert not [d.render() for d in found if d.severity == "error"], example
