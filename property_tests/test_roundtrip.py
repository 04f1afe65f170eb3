"""
Models and schemas agree: the round-trip laws, for every top-level kind.

For documents the shipped schema accepts (drawn by `messages_schema.strategies.schema_documents`):

* every schema-valid document structures, and ``unstructure(structure(d)) == d``;
* ``loads(dumps(m)) == m`` for the model ``m`` it structures to;
* every such model unstructures to a document the schema accepts (no ``SCH`` error).

The shipped examples and the docs page's seed request and response obey the same laws.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from messages_schema import LintConfig, dumps, lint, loads, models, structure, unstructure
from messages_schema.schemas._structural import structure_for
from messages_schema.strategies import schema_documents as documents

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCH_ONLY = LintConfig(select=("SCH",))

#: The model of each kind, as `messages_schema.lint` names kinds.
MODEL_OF_KIND: dict[str, Any] = {
    "request": models.MessageCreateParams,
    "response": models.Message,
    "stream_event": models.MessageStreamEvent,
    "count_tokens": models.MessageCountTokensParams,
    "batch_request": models.MessageBatchRequest,
    "batch_result": models.MessageBatchIndividualResponse,
    "error": models.ErrorResponse,
}

#: The request and response of the docs page the project started from.
SEED_REQUEST = {
    "model": "claude-3-7-sonnet-20250219",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "Hello, world"}],
}
SEED_RESPONSE = {
    "content": [{"text": "Hi! My name is Claude.", "type": "text"}],
    "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    "model": "claude-3-7-sonnet-20250219",
    "role": "assistant",
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "type": "message",
    "usage": {"input_tokens": 2095, "output_tokens": 503},
}


def assert_laws(document: Any, kind: str) -> None:
    cls = MODEL_OF_KIND[kind]
    model = structure(document, cls)

    assert document == unstructure(model)
    assert model == loads(dumps(model), cls)
    errors = [f for f in lint(unstructure(model), kind=kind, config=SCH_ONLY) if f.is_error]
    assert errors == []


def _example_documents() -> list[tuple[str, Any, str]]:
    out: list[tuple[str, Any, str]] = [
        ("seed-request", SEED_REQUEST, "request"),
        ("seed-response", SEED_RESPONSE, "response"),
    ]
    for path in sorted(EXAMPLES.glob("*.json")):
        document = json.loads(path.read_text())
        kind = "response" if document.get("type") == "message" else "request"
        out.append((path.name, document, kind))
    for path in sorted(EXAMPLES.glob("*.jsonl")):
        for line_no, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            where = f"{path.name}:{line_no}"
            if "custom_id" in record:
                kind = "batch_result" if "result" in record else "batch_request"
                out.append((where, record, kind))
            elif "request" in record and "response" in record:
                out.append((f"{where}:request", record["request"], "request"))
                out.append((f"{where}:response", record["response"], "response"))
            else:
                out.append((where, record, "request"))
    return out


@pytest.mark.parametrize(
    ("document", "kind"),
    [pytest.param(d, k, id=name) for name, d, k in _example_documents()],
)
def test_examples_obey_the_laws(document: Any, kind: str) -> None:
    """Each shipped example and the seed request/response round-trips exactly."""
    assert_laws(document, kind)


class TestRoundTripLaws:
    @given(documents("request"))
    def test_request(self, document: dict[str, Any]) -> None:
        """Schema-valid request bodies structure and round-trip exactly."""
        assert structure_for("request").is_valid(document)
        assert_laws(document, "request")

    @given(documents("response"))
    def test_response(self, document: dict[str, Any]) -> None:
        """Schema-valid responses (unknown keys included) round-trip exactly."""
        assert structure_for("response").is_valid(document)
        assert_laws(document, "response")

    @given(documents("stream_event"))
    def test_stream_event(self, document: dict[str, Any]) -> None:
        """Schema-valid stream events round-trip exactly."""
        assert structure_for("stream_event").is_valid(document)
        assert_laws(document, "stream_event")

    @given(documents("count_tokens"))
    def test_count_tokens(self, document: dict[str, Any]) -> None:
        """Schema-valid count_tokens bodies round-trip exactly."""
        assert structure_for("count_tokens").is_valid(document)
        assert_laws(document, "count_tokens")

    @given(documents("batch_request"))
    def test_batch_request(self, document: dict[str, Any]) -> None:
        """Schema-valid batch items round-trip exactly."""
        assert structure_for("batch_request").is_valid(document)
        assert_laws(document, "batch_request")

    @given(documents("batch_result"))
    def test_batch_result(self, document: dict[str, Any]) -> None:
        """Schema-valid batch result lines round-trip exactly."""
        assert structure_for("batch_result").is_valid(document)
        assert_laws(document, "batch_result")

    @given(documents("error"))
    def test_error(self, document: dict[str, Any]) -> None:
        """Schema-valid error envelopes round-trip exactly."""
        assert structure_for("error").is_valid(document)
        assert_laws(document, "error")
