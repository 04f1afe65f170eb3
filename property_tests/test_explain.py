"""
The fast structural explanation (`schemas._explain`) says what python ``jsonschema`` says.

`Structure.problems` explains a rejected document from errors that `_explain.Explainer`
computes, walking only what the compiled validator rejects; `Structure.reference_problems`
explains it from python ``jsonschema``'s own ``iter_errors`` over the whole document, as
every version before did. On mutated valid documents of every kind (a node replaced by
any JSON value or by another part of the document, a node deleted, an unknown key
added, a union tag swapped for another), under no betas, known betas and an unknown
one, both give the same problems, and `lint` gives the same findings (code, severity,
path, message, API path) from either; `is_valid`, which may skip the explanation, agrees
with `lint`.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messages_schema import LintConfig, Linter, schemas
from messages_schema.schemas._betas import relevant
from messages_schema.schemas._explain import explainer_for
from messages_schema.schemas._structural import Structure, structure_for
from messages_schema.strategies import (
    invalid_requests,
    requests,
    responses,
    schema_documents,
    stream_events,
)
from property_tests._json_values import json_values

#: Under no beta, two that unlock parts of the request schema, and one this version
#: does not know (its unknown keys and tags become warnings).
BETAS: list[tuple[str, ...]] = [
    (),
    ("mcp-client-2025-11-20", "compact-2026-01-12"),
    ("advisor-tool-2026-03-01", "context-management-2025-06-27"),
    ("some-future-beta-2027-01-01",),
]
KINDS = ("request", "response", "stream_event", "count_tokens", "batch_request",
         "batch_result", "error")  # fmt: skip


@cache
def _tags() -> tuple[str, ...]:
    """Every union tag of the shipped schemas (what a swapped ``type`` becomes)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            disc = node.get("discriminator")
            if isinstance(disc, dict):
                found.update(disc.get("mapping", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for stem in schemas.NAMES:
        walk(schemas.shared(stem))
    return tuple(sorted(found))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for seg in path:
        value = value[seg]
    return value


def _set(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    _get(root, path[:-1])[path[-1]] = new
    return root


@st.composite
def _mutated(draw: st.DrawFn, document: Any) -> Any:
    """*document* after one to three mutations, each at a drawn node."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3), label="mutations")):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths), label="path")
        node = _get(doc, path)
        how = draw(
            st.sampled_from(["replace", "graft", "delete", "extra", "tag", "retype"]),
            label="how",
        )
        if how == "replace":
            doc = _set(doc, path, draw(json_values(4)))
        elif how == "graft":
            # Another part of the same document where this one was (a block where a
            # message goes, a tool where a block goes...).
            doc = _set(doc, path, copy.deepcopy(_get(doc, draw(st.sampled_from(paths)))))
        elif how == "delete" and path:
            del _get(doc, path[:-1])[path[-1]]
        elif how == "extra" and isinstance(node, dict):
            known = st.sampled_from(["colour", "type", "text", "cache_control", "citations",
                                     "input", "source", "content", "name"])  # fmt: skip
            key = draw(known | st.text(max_size=6))
            node[key] = draw(json_values(3))
        elif how == "tag" and isinstance(node, dict):
            node["type"] = draw(st.sampled_from(_tags()) | st.sampled_from(["txt", "", "TEXT"]))
        elif how == "retype":
            # Same value, another JSON type: "1024" for 1024, 1 for True, [x] for x.
            if isinstance(node, bool):
                new: Any = int(node)
            elif isinstance(node, int | float):
                new = str(node)
            elif isinstance(node, str):
                new = [node] if draw(st.booleans()) else None
            else:
                new = json.dumps(node)
            doc = _set(doc, path, new)
    return doc


def _documents(kind: str) -> st.SearchStrategy[Any]:
    """Valid documents of *kind*, from the hand-written strategies and the schema walk."""
    walked = schema_documents(kind)
    if kind == "request":
        return st.one_of(requests(), walked)
    if kind == "response":
        return st.one_of(responses(), walked)
    if kind == "stream_event":
        return st.one_of(stream_events().flatmap(st.sampled_from), walked)
    if kind == "batch_request":
        return st.one_of(requests().map(lambda body: {"custom_id": "r-1", "params": body}), walked)
    if kind == "batch_result":
        succeeded = responses().map(
            lambda m: {"custom_id": "r-1", "result": {"type": "succeeded", "message": m}}
        )
        return st.one_of(succeeded, walked)
    return walked


@cache
def _linter(betas: tuple[str, ...], ignore: tuple[str, ...] = ()) -> Linter:
    return Linter(LintConfig(betas=betas, ignore=ignore))


def _findings(linter: Linter, document: Any, kind: str) -> list[dict[str, Any]]:
    return [f.to_dict() for f in linter.lint(document, kind=kind)]


def _assert_same(document: Any, kind: str, betas: tuple[str, ...]) -> None:
    structure = structure_for(kind, relevant(betas))
    if structure.is_valid(document):
        return
    assert structure.problems(document) == structure.reference_problems(document)
    linter = _linter(betas)
    fast = _findings(linter, document, kind)
    with mock.patch.object(Structure, "problems", Structure.reference_problems):
        reference = _findings(linter, document, kind)
    assert fast == reference
    # `is_valid` answers without explaining where every structural problem is an error
    # (`Linter._decisive`); with a structural code ignored it must explain, and agree.
    for judge in (linter, _linter(betas, ignore=("SCH002", "SCH005"))):
        errors = [f for f in _findings(judge, document, kind) if f["severity"] == "error"]
        assert judge.is_valid(document, kind=kind) == (not errors)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Any, str, tuple[str, ...]]:
    kind = draw(st.sampled_from(KINDS))
    document = draw(_documents(kind).flatmap(_mutated))
    return document, kind, draw(st.sampled_from(BETAS))


@given(_cases())
def test_mutated_documents_are_explained_as_jsonschema_does(
    case: tuple[Any, str, tuple[str, ...]],
) -> None:
    """Problems and findings agree with python jsonschema's on mutated valid documents."""
    document, kind, betas = case
    _assert_same(document, kind, betas)


@given(invalid_requests().map(lambda case: case[0]), st.sampled_from(BETAS))
def test_invalid_requests_are_explained_as_jsonschema_does(
    payload: Any, betas: tuple[str, ...]
) -> None:
    """The strategies' broken requests (structural ones included) get the same findings."""
    if isinstance(payload, dict):
        _assert_same(payload, "request", betas)


@given(json_values(8), st.sampled_from(KINDS))
def test_any_json_value_is_explained_as_jsonschema_does(document: Any, kind: str) -> None:
    """Garbage of any shape, at the root, gets the same problems as well."""
    _assert_same(document, kind, ())


BASE = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}],
}


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(max_tokens="1024") or d["messages"][0]["content"][0].update(type="txt"),
        lambda d: d["messages"][0]["content"][0].update(colour="red"),
        lambda d: d["messages"][0]["content"].append("hi"),
        lambda d: d["messages"][0]["content"][0].pop("text"),
        lambda d: d["messages"][0].update(role="tool"),
        lambda d: d.update(tools=[{"name": "x" * 200, "input_schema": {"type": "object"}}]),
        lambda d: d.update(metadata=[], stop_sequences="x", temperature=7),
    ],
)
def test_examples_are_explained_as_jsonschema_does(mutate: Any) -> None:
    """The issue's examples and a few classic mistakes, explained both ways alike."""
    document = copy.deepcopy(BASE)
    mutate(document)

    for betas in BETAS:
        _assert_same(document, "request", betas)
    assert structure_for("request").problems(document)


@pytest.mark.parametrize("betas", [(), tuple(sorted(relevant(_b for b in BETAS for _b in b)))])
def test_every_schema_node_compiles(betas: tuple[str, ...]) -> None:
    """Every keyword of every shipped schema is reproduced: no fallback to jsonschema."""
    assert explainer_for(frozenset(betas)).compile_all() > 1000


def _nested(depth: int, shape: str) -> Any:
    value: Any = [] if shape == "list" else {}
    for _ in range(depth):
        value = [value] if shape == "list" else {"a": value}
    return value


@pytest.mark.parametrize("depth", [100, 2_000, 100_000])
@pytest.mark.parametrize("shape", ["list", "dict"])
@pytest.mark.parametrize(
    "place",
    [
        lambda v: v,
        lambda v: {**BASE, "messages": [{"role": "user", "content": v}]},
        lambda v: {**BASE, "messages": [{"role": "user", "content": [v]}]},
        lambda v: {**BASE, "max_tokens": "1", "metadata": {"user_id": v}},
    ],
)
def test_deep_values_fail_where_jsonschema_fails(depth: int, shape: str, place: Any) -> None:
    """Python values nested too deeply to word: SCH000 exactly where the reference gives it."""
    document = place(_nested(depth, shape))
    structure = structure_for("request")
    outcomes = []
    for explain in (structure.problems, structure.reference_problems):
        try:
            outcomes.append(explain(document))
        except RecursionError:
            outcomes.append("too deep")
    assert outcomes[0] == outcomes[1]
    linter = _linter(())
    fast = _findings(linter, document, "request")
    with mock.patch.object(Structure, "problems", Structure.reference_problems):
        assert fast == _findings(linter, document, "request")
    assert linter.is_valid(document) == (not any(f["severity"] == "error" for f in fast))
