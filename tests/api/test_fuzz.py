"""Schemathesis against our own OpenAPI spec, over real HTTP: no input may cause a 5xx."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.openapi.loaders import from_url

from tests.api.conftest import Server

pytestmark = pytest.mark.slow
KEY = {"Authorization": "Bearer sleutel-een"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_causes_a_server_error(server: Server, mode: GenerationMode) -> None:
    schema = from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"/v1/ask", "/v1/chat/completions", "/v1/passages/{chunk_id}"} <= {
        op.path for op in operations
    }
    tried: list[tuple[str, str]] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode), auth=st.booleans())
        @settings(
            max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: Case, auth: bool) -> None:
            response = case.call(headers=KEY if auth else {}, timeout=60)
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            if response.status_code >= 400:
                assert response.json()["detail"], response.text[:300]
            tried.append((case.method.upper(), case.path))

        try:
            run()
        except Unsatisfiable:
            # operations without parameters or body have no invalid input to generate
            assert mode == GenerationMode.NEGATIVE, operation.path
    if mode == GenerationMode.POSITIVE:
        assert set(tried) == {(op.method.upper(), op.path) for op in operations}
    else:
        assert {"/v1/ask", "/v1/feedback"} <= {path for _, path in tried}
