"""Schemathesis against the OpenAPI schema: no generated request makes the server fail."""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from webkit import World


def test_no_generated_request_gets_a_server_error(web: FastAPI, world: World,
                                                  tokens: dict[str, str]):
    """Every operation, a few generated cases each, as the admin: never a 5xx."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", web)
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        op = result.ok()
        operations += 1

        @given(case=op.as_strategy())
        @settings(max_examples=6, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=auth)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:200]}")

        check()
    assert operations >= 24
    assert not failures, "\n".join(failures)
