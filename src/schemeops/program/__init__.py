"""YAML program files → typed, validated, versioned `Program`s: parse, check, JSON Schema."""

from schemeops.program.check import CHECKS, check_program, load_and_check
from schemeops.program.json_schema import program_json_schema
from schemeops.program.model import Program
from schemeops.program.parse import load_program, parse_program, program_version

__all__ = [
    "CHECKS", "Program", "check_program", "load_and_check", "load_program", "parse_program",
    "program_json_schema", "program_version",
]
