"""The JSON Schema of programs, and `schemeops check` / `schemeops programs schema`."""

import json
import subprocess
import sys

from schemeops.program.json_schema import program_json_schema
from schemeops.program.parse import parse_program, program_version

from .support import GOOD


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", *args], capture_output=True,
                          text=True, check=False)


def test_json_schema_describes_the_program_shape():
    """The schema names the dialect, the top-level keys, the YAML spelling `from`, the kinds."""
    schema = program_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "schemeops program"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"id", "name", "period", "kpis", "components"}
    defs = schema["$defs"]
    assert "from" in defs["Slab"]["properties"] and "from_" not in defs["Slab"]["properties"]
    kinds = schema["properties"]["kpis"]["items"]["discriminator"]["mapping"]
    assert {"volume", "billed_outlets", "early_payment", "metric"} <= set(kinds)


def test_a_good_program_has_only_keys_the_schema_knows():
    """Every key of a good program's canonical form is a property of the schema."""
    program, _ = parse_program(GOOD, "p.yaml")
    dumped = program.model_dump(mode="json", by_alias=True)
    schema = program_json_schema()
    assert set(dumped) <= set(schema["properties"])
    slab = dumped["components"][0]["slabs"][0]
    assert set(slab) <= set(schema["$defs"]["Slab"]["properties"])


def test_check_ok_exits_0_with_id_and_version(tmp_path):
    """A good file prints `ok: <id> version <hash>` and exits 0."""
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    version = program_version(parse_program(GOOD, "x")[0])
    result = run("check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"ok: spring_push version {version}"


def test_check_errors_exit_2_with_every_located_error(tmp_path):
    """A bad file prints each error as file:line:col with a hint, a count, and exits 2."""
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD)
    bad.write_text(GOOD.replace("id: spring_push", "id: spring_bad")
                   .replace("segment =", "segmnt =").replace("kpi: sales", "kpi: sale"))
    result = run("check", str(good), str(bad))
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0] == f"{bad}:12:16: unknown_column unknown column `segmnt` in `products`"
    assert lines[1] == "    hint: did you mean `segment`?"
    assert lines[2].startswith(f"{bad}:17:10: unknown_kpi")
    assert lines[-2].startswith("ok: spring_push version ")
    assert lines[-1] == "2 error(s) in 1 file(s)"


def test_programs_schema_prints_the_json_schema():
    """`schemeops programs schema` prints the schema as indented JSON."""
    result = run("programs", "schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == json.loads(json.dumps(program_json_schema()))
    assert result.stdout.startswith('{\n  "$schema"')


def test_check_takes_a_folder_as_its_program_files(tmp_path):
    """A folder is checked as its *.yaml / *.yml files (as `calc --program DIR` reads it); a
    folder without any is an error, as is a missing file."""
    (tmp_path / "progs").mkdir()
    (tmp_path / "progs" / "good.yaml").write_text(GOOD)
    (tmp_path / "empty").mkdir()
    result = run("check", str(tmp_path / "progs"), str(tmp_path / "empty"),
                 str(tmp_path / "none.yaml"))
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0] == f"{tmp_path / 'empty'}:1:1: no_programs no program files in this folder"
    assert lines[1] == "    hint: program files end in .yaml or .yml"
    assert lines[2].startswith(f"{tmp_path / 'none.yaml'}:1:1: unreadable")
    assert lines[-2].startswith("ok: spring_push version ")
    assert lines[-1] == "2 error(s) in 2 file(s)"
