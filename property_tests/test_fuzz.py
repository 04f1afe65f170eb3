"""
Fuzzing laws over validation and round trips, driven by `messages_schema.strategies`.

* `lint` never raises, whatever JSON value (or byte string) it is given, under every
  kind, and no rule crashes on it (no ``SCH099``).
* What `requests` and `conversations` draw has no error finding; each mutation of
  `invalid_requests` is reported with its code at its pointer; `is_valid` agrees
  with `lint` on all of them.
* ``structure``/``unstructure`` and `normalize_request` laws hold on drawn requests
  and responses.
* Differential against the SDK's own types (``tests/support/sdk/oracle.py``): whatever we
  accept, the SDK accepts; where the SDK accepts a body we reject for a structural
  reason, the reason is a deliberate one.

The ``fuzz`` profile (``MESSAGES_SCHEMA_HYPOTHESIS_PROFILE=fuzz``) runs each law for
100,000 examples.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messages_schema import (
    Finding,
    LintConfig,
    Linter,
    dumps,
    is_valid,
    lint,
    loads,
    models,
    normalize_request,
    structure,
    unstructure,
)
from messages_schema.strategies import (
    INVALID_REQUEST_CODES,
    conversations,
    invalid_requests,
    requests,
    responses,
    stream_events,
)
from property_tests._json_values import json_values
from tests.support.sdk.oracle import explain
from tests.test_sdk_differential import DELIBERATE

KINDS = [
    "request",
    "response",
    "stream",
    "count_tokens",
    "batch_request",
    "batch_result",
    "error",
]


def _errors(document: Any, kind: str = "request") -> list[dict[str, Any]]:
    return [f.to_dict() for f in lint(document, kind=kind) if f.is_error]


# -- lint never raises ----------------------------------------------------------------


def _nested_garbage(body: dict[str, Any]) -> st.SearchStrategy[Any]:
    """*body* with one node replaced by an arbitrary JSON value (odd leaves included)."""
    paths = list(_paths(body))

    def replace(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
        out = json.loads(json.dumps(body))
        parent = out
        for seg in path[:-1]:
            parent = parent[seg]
        parent[path[-1]] = value
        return out

    return st.builds(replace, st.sampled_from(paths), json_values(6))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


_INPUTS = st.one_of(
    json_values(),
    json_values().map(lambda v: json.dumps(v, ensure_ascii=False)),
    st.binary(max_size=64),
    requests().flatmap(_nested_garbage),
)


@given(_INPUTS, st.sampled_from(KINDS))
def test_lint_never_raises(document: Any, kind: str) -> None:
    """Any JSON value, JSON text or byte string lints without raising or crashing a rule."""
    findings = lint(document, kind=kind)

    assert [] == [f.message for f in findings if f.code == "SCH099"]
    assert all(isinstance(f, Finding) for f in findings)


@pytest.mark.parametrize("block_type", [[], {}, ["text"]])
def test_unhashable_block_type_crashes_no_rule(block_type: Any) -> None:
    """
    A content block whose ``type`` is a list or an object is reported, not crashed on.

    Found by the fuzz campaign: `scan` in rules/_facts.py tested ``btype in
    _MEDIA_HOSTS`` on the raw value, which raised TypeError for unhashable values, so
    every rule built on the scan became SCH099 (fixed there since).
    """
    body = {
        "model": "claude-opus-4-5",
        "max_tokens": 16,
        "messages": [{"role": "user", "content": [{"type": block_type, "text": "x"}]}],
    }

    findings = lint(body)

    assert [] == [f.message for f in findings if f.code == "SCH099"]
    assert "SCH004" in {f.code for f in findings}


# -- valid and invalid payloads -------------------------------------------------------


@given(st.one_of(requests(), conversations(split_turns=True)))
def test_generated_requests_have_no_error(body: dict[str, Any]) -> None:
    """Whatever `requests()` and `conversations()` draw has no error finding."""
    assert [] == _errors(body)
    assert is_valid(body)


@given(invalid_requests(with_pointer=True))
def test_each_mutation_is_reported_at_its_pointer(case: tuple[Any, str, str]) -> None:
    """A request broken for rule X is reported with code X at the mutation's pointer."""
    payload, code, pointer = case

    assert (code, pointer) in {(f.code, f.pointer) for f in lint(payload)}


@given(st.one_of(requests(), invalid_requests().map(lambda case: case[0]), json_values(8)))
def test_is_valid_agrees_with_lint(document: Any) -> None:
    """is_valid() is True exactly when lint() reports no error-severity finding."""
    assert (not _errors(document)) == is_valid(document)


def _pruned(body: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """*body* with one node deleted (keys and list items alike)."""
    paths = list(_paths(body))

    def prune(path: tuple[Any, ...]) -> dict[str, Any]:
        out = json.loads(json.dumps(body))
        parent = out
        for seg in path[:-1]:
            parent = parent[seg]
        del parent[path[-1]]
        return out

    return st.sampled_from(paths).map(prune) if paths else st.just(body)


_GATED = Linter()
_UNGATED = Linter(gating=False)


@given(
    st.one_of(
        requests(),
        conversations(split_turns=True),
        invalid_requests().map(lambda case: case[0]),
        requests().flatmap(_nested_garbage),
        st.one_of(requests(), conversations()).flatmap(_pruned),
    ),
    st.sampled_from(["request", "count_tokens", "batch_request"]),
)
def test_gating_changes_no_finding(body: Any, kind: str) -> None:
    """
    Skipping rules by their gates (`messages_schema.rules._gates`) hides no finding.

    A gate is a necessary condition for its rule to fire; a wrong one would silently
    drop real findings, so gated and ungated linting must agree on valid, mutated,
    pruned and garbled requests alike.
    """
    if kind == "batch_request":
        body = {"custom_id": "req-1", "params": body}
    assert _GATED.lint(body, kind=kind) == _UNGATED.lint(body, kind=kind)


# -- round trips and normalization ----------------------------------------------------


@given(requests())
def test_request_round_trip(body: dict[str, Any]) -> None:
    """A drawn request structures, unstructures back exactly, and survives dumps/loads."""
    model = structure(body, models.MessageCreateParams)

    assert body == unstructure(model)
    assert model == loads(dumps(model), models.MessageCreateParams)


@given(responses())
def test_response_round_trip(message: dict[str, Any]) -> None:
    """A drawn response structures, unstructures back exactly, and survives dumps/loads."""
    model = structure(message, models.Message)

    assert message == unstructure(model)
    assert model == loads(dumps(model), models.Message)
    assert [] == _errors(message, "response")


@given(requests(), st.booleans())
def test_normalize_laws(body: dict[str, Any], unsafe: bool) -> None:
    """Normalizing is idempotent, keeps a valid request valid, and round-trips too."""
    once = normalize_request(body, unsafe=unsafe)

    assert once == normalize_request(once, unsafe=unsafe)
    assert [] == _errors(once)
    assert once == unstructure(structure(once, models.MessageCreateParams))


# -- differential against the SDK ----------------------------------------------------

#: Structural checks the SDK's types do not make but the API does, found by this
#: differential. The lead should move them to `DELIBERATE` in test_sdk_differential.py.
def _unexplained(findings: list[Finding]) -> list[dict[str, Any]]:
    known = DELIBERATE
    return [f.to_dict() for f in findings if not any(c == f.code and t(f) for c, t, _ in known)]


@given(requests())
def test_sdk_accepts_generated_requests(body: dict[str, Any]) -> None:
    """The SDK's types accept every request we draw (and so accept)."""
    assert explain(body, "request") is None


@given(responses(), st.data())
def test_sdk_accepts_generated_responses_and_events(
    message: dict[str, Any], data: st.DataObject
) -> None:
    """The SDK's types accept every response and stream event we draw."""
    # `ping` is no member of the SDK's RawMessageStreamEvent union: its client skips it.
    events = data.draw(stream_events(message=message, pings=False))

    assert explain(message, "response") is None
    assert [] == [e for e in events if explain(e, "stream") is not None]


@given(invalid_requests([c for c in INVALID_REQUEST_CODES if c.startswith("SCH")]))
def test_sdk_rejects_what_we_reject_structurally(case: tuple[Any, str]) -> None:
    """A structural mutation the SDK accepts is one we reject on purpose."""
    payload, _ = case
    if not isinstance(payload, dict) or explain(payload, "request") is not None:
        return
    findings = [f for f in lint(payload, config=LintConfig(select=["SCH"])) if f.is_error]

    assert [] == _unexplained(findings)


def test_oracle_accepts_streaming_requests() -> None:
    """
    The oracle accepts a minimal ``stream: true`` request, as the SDK does.

    Fails until tests/support/sdk/oracle.py is fixed: `_eager` marks every key of
    ``MessageCreateParamsStreaming`` required, because that TypedDict is declared
    ``total=True`` for its own ``stream`` key while inheriting optional ones; it
    should trust the ``Required`` markers and ``__required_keys__`` alone (drop the
    ``total or`` in ``_eager``).
    """
    body = {
        "model": "claude-opus-4-5",
        "max_tokens": 16,
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": True,
    }

    assert explain(body, "request") is None


@pytest.mark.parametrize("kind", ["request", "response"])
def test_sdk_oracle_is_strict(kind: str) -> None:
    """The oracle rejects garbage, so the differential laws above are not vacuous."""
    assert explain({"messages": [{"bogus": 1}]}, kind) is not None
