"""
Recorded real traffic (``tests/fixtures/corpus``): what the API accepted is never a false alarm.

Each file is one literal exchange another project recorded against the real API (its
``source`` and ``date`` say where and when; the corpus README describes the fields). For
every accepted exchange: no error finding; every recorded stream parses from its raw SSE
where the recorder kept it, accumulates, and its message lints clean and round-trips;
every recorded response round-trips through `loads` / `dumps` to an equal JSON value.
Requests whose recording dropped the headers (``request_headers_recorded: false``) may
have carried any beta, so they are checked with every beta this version knows.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

import messages_schema as ms
from messages_schema import KNOWN_BETAS, LintConfig, lint
from messages_schema.stream import StreamAccumulator, iter_sse
from tests.support import paths

CORPUS = paths.CORPUS
CASES = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in
         sorted(CORPUS.glob("c*.json"))}


def _ids(kind: str, *, expect: str = "accept") -> list[str]:
    return [
        name for name, case in CASES.items()
        if case["kind"] == kind and case["expect"] == expect and not case.get("retired")
    ]


def _config(case: dict[str, Any]) -> LintConfig:
    if case.get("request_headers_recorded") is False:
        return LintConfig(betas=sorted(KNOWN_BETAS))
    header = (case.get("request_headers") or {}).get("anthropic-beta") or ""
    return LintConfig(betas=[b.strip() for b in header.split(",") if b.strip()])


def _errors(document: Any, kind: str, config: LintConfig | None = None) -> list[str]:
    return [f"{f.code}@{f.api_path}: {f.message}" for f in lint(document, kind=kind, config=config)
            if f.is_error]


def _round_trip(message: dict[str, Any]) -> Any:
    return orjson.loads(ms.dumps(ms.loads(orjson.dumps(message), ms.models.Message)))


def test_the_corpus_is_here() -> None:
    """The vendored corpus is complete: 122 accepted exchanges of three kinds."""
    assert len(_ids("request")) == 68
    assert len(_ids("response")) == 28
    assert len(_ids("stream")) == 26
    assert all(case.get("source") and case.get("date") for case in CASES.values())


@pytest.mark.parametrize("name", _ids("request"))
def test_accepted_request_has_no_error(name: str) -> None:
    """A request the API answered with 200 gets no error finding."""
    case = CASES[name]
    assert _errors(case["payload"], "request", _config(case)) == []


@pytest.mark.parametrize(
    "name", [n for n in _ids("request", expect="reject") if CASES[n].get("path_hint")]
)
def test_reported_reject_is_caught_where_the_api_says(name: str) -> None:
    """A recorded 400 whose location the API named gets an error finding there."""
    case = CASES[name]
    hint = case["path_hint"]
    found = [f.api_path for f in lint(case["payload"], config=_config(case)) if f.is_error]
    assert any(p == hint or p.startswith(hint + ".") for p in found), found


@pytest.mark.parametrize("name", _ids("response"))
def test_recorded_response_is_clean_and_round_trips(name: str) -> None:
    """A recorded answer lints without error and is written back as it was read."""
    message = CASES[name]["payload"]
    assert _errors(message, "response") == []
    assert _round_trip(message) == message


@pytest.mark.parametrize("name", _ids("stream"))
def test_recorded_stream_accumulates_to_a_clean_message(name: str) -> None:
    """A recorded stream lints clean, rebuilds, and its message lints clean and round-trips."""
    events = CASES[name]["payload"]
    assert _errors(events, "stream") == []
    acc = StreamAccumulator()
    for event in events:
        acc.feed(event)
    assert acc.done
    message = acc.message
    assert _errors(message, "response") == []
    assert _round_trip(message) == message
    # The shape of the non-streaming answer: every key it always carries, and every
    # message-level key the stream reported at its end.
    assert {"id", "type", "role", "model", "content", "stop_reason", "usage"} <= set(message)
    for event in events:
        if event.get("type") == "message_delta":
            for key, value in event.items():
                if key not in ("type", "delta", "usage") and value is not None:
                    assert message[key] == value


@pytest.mark.parametrize("name", _ids("stream"))
def test_recorded_events_round_trip(name: str) -> None:
    """Every recorded event is read by the models and written back as it was."""
    for event in CASES[name]["payload"]:
        model = ms.loads(orjson.dumps(event), ms.models.MessageStreamEvent)
        assert orjson.loads(ms.dumps(model)) == event


@pytest.mark.parametrize("name", [n for n in _ids("stream") if "sse" in CASES[n]])
def test_raw_sse_parses_to_the_recorded_events(name: str) -> None:
    """The raw ``text/event-stream`` body gives the recorded events, and lints clean too."""
    case = CASES[name]
    raw = case["sse"]
    parsed = [event.json() for event in iter_sse(raw) if event.data.strip()]
    assert parsed == case["payload"]
    assert _errors(raw, "stream") == []
    acc = StreamAccumulator()
    acc.feed_bytes(raw.encode())
    acc.close()
    from_events = StreamAccumulator()
    for event in case["payload"]:
        from_events.feed(event)
    assert acc.message == from_events.message


@pytest.mark.parametrize("name", [n for n in _ids("stream") if "sse" in CASES[n]])
def test_raw_sse_cut_before_its_last_blank_line_loses_nothing(name: str) -> None:
    """A transcript whose last frame lost its blank line still gives every event."""
    raw = CASES[name]["sse"].rstrip("\r\n")
    events = [event.json() for event in iter_sse(raw) if event.data.strip()]
    assert events == CASES[name]["payload"]
    codes = {f.code: f.severity.value for f in lint(raw, kind="stream")}
    assert codes.get("SSE013") == "info"
    assert _errors(raw, "stream") == []
