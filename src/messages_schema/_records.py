"""
Reading documents out of files, in bounded memory.

Formats come from the extension or the content, kinds from each record's shape, JSONL
records from lines.

A JSONL file is never read whole: `plan_chunks` cuts it at line ends into byte ranges
(scanning fixed-size blocks), and `iter_lines` reads one range line by line with a
bounded ``readline``, so a line longer than the record limit is skipped in blocks and
reported rather than held in memory.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import IO, Any

import attrs

from messages_schema import _jsonio
from messages_schema._types import JSONValue
from messages_schema.exceptions import ConfigError

#: File extensions ``check`` reads, and how.
EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".sse": "sse"}

#: The record-level suppression marker: ``{"_messages_schema": {"ignore": ["TURN001"]}}``.
MARKER = "_messages_schema"

#: Largest document (a ``.json`` or ``.sse`` file, or one JSONL line) that is checked.
DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024
MAX_ENV = "MESSAGES_SCHEMA_MAX_RECORD_BYTES"

_BLOCK = 1 << 20


def max_record_bytes() -> int:
    """
    The record size limit: ``$MESSAGES_SCHEMA_MAX_RECORD_BYTES`` or 256 MiB.

    Raises:
        ConfigError: The variable is set to something other than a positive integer
            (a typo must not silently fall back to the default).
    """
    raw = os.environ.get(MAX_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_RECORD_BYTES
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        msg = f"{MAX_ENV}={raw!r}: expected a positive number of bytes, such as 268435456"
        raise ConfigError(msg)
    return value


def too_large_message(size: int | None, limit: int) -> str:
    """The finding message for a document over the size limit."""
    what = "over" if size is None else f"{size:,} bytes,"
    return (
        f"Document too large to check ({what} the limit of {limit:,} bytes); "
        f"set {MAX_ENV} to raise the limit"
    )


def detect_kind(value: JSONValue) -> str:
    """
    Guess the kind of one decoded record from its shape.

    ``{custom_id, params}`` is a batch request item, ``{custom_id, result}`` a batch
    result line, ``{"type": "error", "error": ...}`` an error envelope,
    ``{"type": "message", ...}`` a response, a list a stream of events; anything else
    is checked as a request.
    """
    if isinstance(value, list):
        return "stream"
    if not isinstance(value, dict):
        return "request"
    if "custom_id" in value:
        if "result" in value and "params" not in value:
            return "batch_result"
        return "batch_request"
    kind_tag = value.get("type")
    if kind_tag == "error" and "error" in value:
        return "error"
    if kind_tag == "message" or (
        "role" in value and "content" in value and "messages" not in value
    ):
        return "response"
    return "request"


def is_pair(value: JSONValue) -> bool:
    """Whether a record holds a request and its response side by side."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("request"), dict)
        and isinstance(value.get("response"), dict)
        and "messages" not in value
    )


def record_id(value: Any) -> str | None:
    """The record's ``custom_id`` or ``id`` (a pair's response ``id``), if it has one."""
    if isinstance(value, dict):
        for key in ("custom_id", "id"):
            found = value.get(key)
            if isinstance(found, str):
                return found
        response = value.get("response")
        if isinstance(response, dict) and isinstance(response.get("id"), str):
            return str(response["id"])
    return None


def line_key(raw: bytes) -> str:
    """A short content hash naming a record that has no id (baselines)."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:16]


def split_marker(value: Any) -> tuple[Any, tuple[str, ...]]:
    """
    Remove the suppression marker from a record; return the record and its ignores.

    The marker is ``"_messages_schema": {"ignore": ["CODE", "PREFIX", ...]}`` at the top
    level of a record (a request, a batch item or a request/response pair). A
    malformed marker is removed too, and ignores nothing.
    """
    if not isinstance(value, dict) or MARKER not in value:
        return value, ()
    marker = value[MARKER]
    rest = {k: v for k, v in value.items() if k != MARKER}
    codes: tuple[str, ...] = ()
    if isinstance(marker, dict):
        ignore = marker.get("ignore")
        if isinstance(ignore, str):
            ignore = [ignore]
        if isinstance(ignore, list):
            codes = tuple(c.strip().upper() for c in ignore if isinstance(c, str) and c.strip())
    return rest, codes


def suppressed(code: str, ignores: tuple[str, ...]) -> bool:
    """Whether a marker's *ignores* (codes, prefixes or ``ALL``) cover *code*."""
    return any(s == "ALL" or code.startswith(s) for s in ignores)


@attrs.frozen
class Record:
    """One document read from a file: its text, where it came from, and its parsed value."""

    #: 1-based line of a JSONL record; 1 for a whole-file document.
    line: int
    raw: bytes
    value: Any = None
    error: str | None = None


def read_records(data: bytes, fmt: str) -> Iterator[Record]:
    """
    Yield the records of a file's bytes: one for ``json``, one per non-blank line for ``jsonl``.

    A record that does not decode carries the reason in ``error`` and keeps its bytes.
    """
    if fmt == "jsonl":
        for number, line in enumerate(data.split(b"\n"), start=1):
            stripped = line.strip()
            if not stripped:
                continue
            yield decode_record(number, stripped)
    else:
        yield decode_record(1, data)


def decode_record(line: int, raw: bytes) -> Record:
    """Decode one record's bytes; a failure is kept as ``error``, never raised."""
    try:
        return Record(line, raw, _jsonio.decode(raw))
    except _jsonio.InvalidJSON as exc:
        return Record(line, raw, None, str(exc))


def format_of(path: FsPath, default: str = "json") -> str:
    """Return ``json``, ``jsonl`` or ``sse`` for *path* by its extension."""
    return EXTENSIONS.get(path.suffix.lower(), default)


def sniff(head: bytes) -> str:
    """
    Guess a format from the first bytes of a file whose name does not tell.

    SSE when it starts with an ``event:``/``data:`` field; JSONL when the first line is a
    whole JSON document and more text follows; otherwise one JSON document.
    """
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"event:", b"data:", b"id:", b":")):
        return "sse"
    first, sep, rest = text.partition(b"\n")
    if sep and rest.strip():
        try:
            _jsonio.decode(first)
        except _jsonio.InvalidJSON:
            return "json"
        return "jsonl"
    return "json"


@attrs.frozen
class Chunk:
    """A byte range of a JSONL file that starts at a line start and ends after a line end."""

    start: int
    end: int
    first_line: int


def plan_chunks(stream: IO[bytes], target: int) -> Iterator[Chunk]:
    """
    Cut a seekable JSONL stream into chunks of about *target* bytes at line ends.

    Reads the stream in 1 MiB blocks (only counting line ends), so memory stays
    bounded whatever the length of the lines. Always yields at least one chunk.
    """
    start = 0
    pos = 0
    line = 1
    lines_in_chunk = 0
    yielded = False
    while True:
        block = stream.read(_BLOCK)
        if not block:
            break
        offset = 0
        while True:
            want = start + target - pos
            if want > len(block) - offset:
                lines_in_chunk += block.count(b"\n", offset)
                pos += len(block) - offset
                break
            cut = block.find(b"\n", offset + max(want - 1, 0))
            if cut < 0:
                lines_in_chunk += block.count(b"\n", offset)
                pos += len(block) - offset
                break
            lines_in_chunk += block.count(b"\n", offset, cut + 1)
            end = pos + (cut + 1 - offset)
            yield Chunk(start, end, line)
            yielded = True
            line += lines_in_chunk
            lines_in_chunk = 0
            start = pos = end
            offset = cut + 1
    if pos > start or not yielded:
        yield Chunk(start, pos, line)


@attrs.frozen
class Line:
    """One line of a JSONL chunk: its number and stripped bytes (None: over the limit)."""

    number: int
    raw: bytes | None
    size: int


def iter_lines(stream: IO[bytes], *, first_line: int, length: int, limit: int) -> Iterator[Line]:
    """
    Yield the non-blank lines of the next *length* bytes of *stream*.

    A line longer than *limit* is consumed in blocks and yielded with ``raw=None``.
    """
    remaining = length
    number = first_line
    while remaining > 0:
        line = stream.readline(min(limit + 1, remaining))
        if not line:
            return
        remaining -= len(line)
        size = len(line)
        if len(line) > limit:
            while not line.endswith(b"\n") and remaining > 0:
                line = stream.readline(min(_BLOCK, remaining))
                if not line:
                    break
                remaining -= len(line)
                size += len(line)
            yield Line(number, None, size)
        else:
            stripped = line.strip()
            if stripped:
                yield Line(number, stripped, size)
        number += 1


def read_bounded(stream: IO[bytes], limit: int) -> bytes | None:
    """Read *stream* to its end; None when it holds more than *limit* bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        return None
    return data
