"""
Bad data never raises: the entry points that take payloads answer with findings, a
value, or the package's own `MessagesSchemaError`, whatever JSON they are given.

Each law draws arbitrary JSON values, valid requests with one node replaced by
arbitrary JSON, and the `invalid_requests` mutations. No rule may crash on them
either: ``SCH099`` (a rule that raised) never appears.

The ``fuzz`` profile (``MESSAGES_SCHEMA_HYPOTHESIS_PROFILE=fuzz``) runs each law for
100,000 examples; ``ci`` for 200; ``dev`` for 50.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from messages_schema import (
    LintConfig,
    MessagesSchemaError,
    StreamError,
    StructureError,
    UnstructureError,
    apply_fixes,
    dumps,
    fix_until_stable,
    lint,
    loads,
    models,
    normalize_batch_request,
    normalize_request,
    structure,
)
from messages_schema.cli._work import SAFE, UNSAFE, Task, execute
from messages_schema.cli.normalize import normalize_bytes
from messages_schema.normalize import STEPS
from messages_schema.strategies import (
    conversations,
    invalid_requests,
    requests,
    responses,
    stream_events,
)
from messages_schema.stream import SSEDecoder, StreamAccumulator, iter_sse
from property_tests._json_values import json_values
from tests.support import paths


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


def _garbled(document: Any) -> st.SearchStrategy[Any]:
    """*document* with one node replaced by an arbitrary JSON value."""
    paths = list(_paths(document))
    if not paths:
        return st.just(document)

    def replace(path: tuple[Any, ...], value: Any) -> Any:
        out = json.loads(json.dumps(document))
        parent = out
        for seg in path[:-1]:
            parent = parent[seg]
        parent[path[-1]] = value
        return out

    return st.builds(replace, st.sampled_from(paths), json_values(6))


#: Request-shaped documents: arbitrary JSON, garbled valid requests and conversations,
#: and the mutations that each break one rule (garbled once more, now and then).
DOCUMENTS = st.one_of(
    json_values(),
    requests().flatmap(_garbled),
    conversations(split_turns=True).flatmap(_garbled),
    invalid_requests().map(lambda case: case[0]),
    invalid_requests().map(lambda case: case[0]).flatmap(_garbled),
)


def _no_crash(findings: list[Any]) -> None:
    assert [] == [f.message for f in findings if f.code == "SCH099"]


# -- normalizers and fixes ------------------------------------------------------------


@given(DOCUMENTS, st.booleans())
def test_normalizers_never_raise(document: Any, unsafe: bool) -> None:
    """`normalize_request`, `normalize_batch_request` and every step take any JSON value."""
    once = normalize_request(document, unsafe=unsafe)
    item = normalize_batch_request({"custom_id": "q", "params": document}, unsafe=unsafe)
    for step in STEPS.values():
        step(document)

    assert once == normalize_request(once, unsafe=unsafe)  # idempotent, garbage too
    assert item["params"] == once


@given(DOCUMENTS, st.booleans(), st.sampled_from(["request", "count_tokens", "batch_request"]))
def test_fixing_never_raises(document: Any, unsafe: bool, kind: str) -> None:
    """`fix_until_stable` and each finding's own fix take any JSON value; no rule crashes."""
    if kind == "batch_request":
        document = {"custom_id": "q", "params": document}
    fixed, _, remaining = fix_until_stable(document, unsafe=unsafe, kind=kind)
    _no_crash(remaining)
    json.dumps(fixed)  # still JSON (Python's encoder: integers past 64 bits too)
    # Each fix alone copies the document: the first few per code, or a 100,001-message
    # document (the LIM005 mutation) costs 100,000 copies of itself.
    seen: Counter[str] = Counter()
    for finding in lint(document, kind=kind):
        if finding.fix is not None and seen[finding.code] < 3:
            seen[finding.code] += 1
            json.dumps(apply_fixes(document, [finding], unsafe=True))


# -- the command line's per-record work --------------------------------------------------


_LINES = st.lists(
    st.one_of(DOCUMENTS.map(lambda d: json.dumps(d).encode()), st.binary(max_size=40)),
    max_size=4,
).map(lambda lines: b"\n".join(lines) + b"\n")


@given(_LINES, st.sampled_from([SAFE, UNSAFE]))
def test_check_fix_never_raises(data: bytes, fix: str) -> None:
    """``check --fix`` on JSONL of any lines: findings and edits, no crash, no SCH099."""
    task = Task(file_index=0, file="-", fmt="jsonl", config=LintConfig(), data=data, fix=fix)
    result = execute(task)

    assert result.error is None
    _no_crash(result.findings)
    for _, text in result.edits:
        orjson.loads(text)


@given(_LINES, st.booleans())
def test_normalize_command_never_raises(data: bytes, unsafe: bool) -> None:
    """``normalize`` on any JSONL (or one document): unreadable lines kept and reported."""
    for fmt in ("jsonl", "json"):
        outcome = normalize_bytes(data, fmt, unsafe=unsafe)
        assert [] == [p for p in outcome.bad if "internal error" in p]


# -- the converter ----------------------------------------------------------------------


_MESSAGES = st.one_of(json_values(), responses().flatmap(_garbled), responses())


@given(_MESSAGES)
def test_converter_raises_only_structure_errors(value: Any) -> None:
    """`structure` and `loads` refuse bad input with StructureError only; what they
    accept (lenient responses keep unknown keys and values) writes back, unless it holds
    an integer JSON writers cannot write (past 64 bits): `dumps` says so."""
    for cls in (models.Message, models.MessageCreateParams):
        try:
            model = structure(value, cls)
        except StructureError:
            continue
        try:
            text = dumps(model)
        except UnstructureError as exc:
            reason = exc.reason
        else:
            assert model == loads(text, cls)
            continue
        assert "64-bit" in reason
    with contextlib.suppress(StructureError):
        loads(json.dumps(value), models.Message)


@given(json_values(), json_values(), json_values())
def test_dumps_refuses_what_does_not_fit(model_id: Any, max_tokens: Any, messages: Any) -> None:
    """A model built with values of any type is written faithfully or refused."""
    params = models.MessageCreateParams(model=model_id, max_tokens=max_tokens, messages=messages)
    try:
        text = dumps(params)
    except UnstructureError as exc:
        refused: UnstructureError | None = exc
    else:
        refused = None
    if refused is not None:
        assert refused.path[0] in ("model", "max_tokens", "messages")
        return
    assert orjson.loads(text) == {"model": model_id, "max_tokens": max_tokens,
                                  "messages": messages}


# -- streams ----------------------------------------------------------------------------


def _sse(events: list[Any]) -> bytes:
    frames = []
    for event in events:
        name = event.get("type") if isinstance(event, dict) else None
        frames.append(f"event: {name if isinstance(name, str) else 'x'}\n"
                      f"data: {json.dumps(event)}\n\n")
    return "".join(frames).encode()


_EVENTS = st.one_of(
    responses().flatmap(lambda m: stream_events(message=m)),
    responses().flatmap(lambda m: stream_events(message=m)).flatmap(_garbled),
    st.lists(json_values(6), max_size=6),
)


@given(_EVENTS, st.data())
def test_stream_functions_never_raise(events: list[Any], data: st.DataObject) -> None:
    """The accumulator raises StreamError (or StructureError from `model`) only."""
    acc = StreamAccumulator()
    try:
        for event in events:
            acc.feed(event)
        acc.snapshot()
        acc.model()
    except (StreamError, StructureError):
        pass
    raw = _sse(events)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=4)))
    chunks = [raw[i:j] for i, j in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    acc = StreamAccumulator()
    try:
        for chunk in chunks:
            acc.feed_bytes(chunk)
        acc.close()
        acc.message  # noqa: B018 - the property raises StreamError without message_start
    except MessagesSchemaError:
        pass
    _no_crash(lint(raw, kind="stream"))


@given(st.lists(st.one_of(st.binary(max_size=48), st.text(max_size=48)), max_size=6))
def test_sse_parsing_never_raises(chunks: list[bytes | str]) -> None:
    """`iter_sse` and `SSEDecoder` take any bytes or text, split anywhere."""
    list(iter_sse(chunks))
    decoder = SSEDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
    decoder.close(flush_incomplete=True)


# -- all of them at once, on mutated real payloads: the long fuzz run ---------------------

_FIXTURES = paths.RULE_FIXTURES


def _seeds() -> tuple[list[Any], list[Any]]:
    """The rule fixtures' payloads (valid and broken, small ones): requests and streams."""
    requests_, streams = [], []
    for path in sorted(_FIXTURES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            payload = case["payload"]
            if len(json.dumps(payload)) > 20_000:
                continue
            if case.get("kind") == "stream" and isinstance(payload, list):
                streams.append(payload)
            elif isinstance(payload, dict):
                requests_.append(payload)
    return requests_, streams


_REQUEST_SEEDS, _STREAM_SEEDS = _seeds()
#: Built once: a recursive strategy costs more to build than to draw from.
_REPLACEMENTS = json_values(6)
_SEED_PATHS = [list(_paths(seed)) for seed in _REQUEST_SEEDS]
_STREAM_PATHS = [list(_paths(seed)) for seed in _STREAM_SEEDS]


@st.composite
def _mutants(draw: st.DrawFn, seeds: list[Any], paths: list[list[Any]]) -> Any:
    """A seed with up to three nodes replaced by arbitrary JSON (cheap to draw)."""
    index = draw(st.integers(0, len(seeds) - 1))
    out = json.loads(json.dumps(seeds[index]))
    for _ in range(draw(st.integers(0, 3))):
        if not paths[index]:
            break
        path = paths[index][draw(st.integers(0, len(paths[index]) - 1))]
        parent = out
        try:
            for seg in path[:-1]:
                parent = parent[seg]
            parent[path[-1]] = draw(_REPLACEMENTS)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    return out


def _normalizers(body: Any, unsafe: bool) -> None:
    normalize_request(body, unsafe=unsafe)
    normalize_batch_request({"custom_id": "q", "params": body}, unsafe=unsafe)
    for step in STEPS.values():
        step(body)


def _fixers(body: Any, unsafe: bool) -> None:
    for kind in ("request", "batch_request"):
        document = {"custom_id": "q", "params": body} if kind == "batch_request" else body
        _, _, remaining = fix_until_stable(document, unsafe=unsafe, kind=kind)
        _no_crash(remaining)


def _each_fix(body: Any, unsafe: bool) -> None:
    for finding in lint(body):
        if finding.fix is not None:
            apply_fixes(body, [finding], unsafe=True)


def _check_fix(body: Any, unsafe: bool) -> None:
    line = json.dumps(body).encode() + b"\n"
    result = execute(Task(file_index=0, file="-", fmt="jsonl", config=LintConfig(),
                          data=line + line, fix=UNSAFE if unsafe else SAFE))
    assert result.error is None
    _no_crash(result.findings)


def _normalize_command(body: Any, unsafe: bool) -> None:
    line = json.dumps(body).encode() + b"\n"
    bad = normalize_bytes(line, "jsonl", unsafe=unsafe).bad
    assert [] == [p for p in bad if "internal error" in p]


def _converter(body: Any, unsafe: bool) -> None:
    for cls in (models.MessageCreateParams, models.Message):
        with contextlib.suppress(StructureError):
            model = structure(body, cls)
            with contextlib.suppress(UnstructureError):  # only past-64-bit integers
                dumps(model)


#: The entry points of "bad data never raises" that take a request-shaped payload.
ENTRY_POINTS = {
    "normalizers": _normalizers,
    "fixers": _fixers,
    "each fix": _each_fix,
    "check --fix": _check_fix,
    "normalize command": _normalize_command,
    "converter": _converter,
}


@given(
    st.one_of(json_values(), _mutants(_REQUEST_SEEDS, _SEED_PATHS)),
    _mutants(_STREAM_SEEDS, _STREAM_PATHS),
    st.booleans(),
    st.sampled_from(sorted(ENTRY_POINTS)),
)
def test_every_entry_point_on_mutated_payloads(
    body: Any, events: Any, unsafe: bool, entry: str
) -> None:
    """
    Mutated real payloads through the entry points of "bad data never raises".

    The fuzz run's law: the rule fixtures' payloads (valid and broken) with up to three
    nodes replaced by arbitrary JSON, or arbitrary JSON, through one request entry point
    each (the normalizers, the fixers, each finding's fix, ``check --fix``'s and
    ``normalize``'s per-record work, the converter), and a mutated stream through the
    accumulator and the stream rules. Nothing raises but the package's own errors; no
    rule crashes. One entry point per example keeps the 100,000-example run affordable.
    """
    ENTRY_POINTS[entry](body, unsafe)
    acc = StreamAccumulator()
    try:
        for event in events:
            acc.feed(event)
        acc.model()
    except (StreamError, StructureError):
        pass
    _no_crash(lint(events, kind="stream"))


_PROPERTIES = {f"p{i}": {"type": "string"} for i in range(30)}
#: Requests on which a rule raised (SCH099), found by the 100,000-example run.
FOUND_BY_FUZZING = {
    "OUT004: a strict tool's required list holding a list": {
        "model": "claude-sonnet-4-6", "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Hi"}],
        "tools": [{"name": "t", "strict": True, "input_schema": {
            "type": "object", "additionalProperties": False, "properties": _PROPERTIES,
            "required": [[], *list(_PROPERTIES)[1:]]}}],
    },
    "MOD009: a tool_choice type that is a list": {
        "model": "claude-sonnet-5-5", "max_tokens": 16,
        "tools": [{"name": "lookup", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": [], "name": "lookup"},
        "messages": [{"role": "user", "content": "Hi"}],
    },
    "MOD003: a last assistant block whose type is a list": {
        "model": "claude-sonnet-5-5", "max_tokens": 16,
        "messages": [{"role": "user", "content": "Hi"},
                     {"role": "assistant", "content": [{"type": []}]}],
    },
}


@pytest.mark.parametrize("name", list(FOUND_BY_FUZZING))
def test_found_by_fuzzing_crashes_no_rule(name: str) -> None:
    """Each request a rule once raised on is reported (SCH004/SCH003), not crashed on."""
    findings = lint(FOUND_BY_FUZZING[name])

    _no_crash(findings)
    assert {"SCH003", "SCH004"} & {f.code for f in findings}
