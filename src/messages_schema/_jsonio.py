"""Decoding JSON text into values, turning every failure into a message, never a traceback."""

from __future__ import annotations

import orjson

from messages_schema._types import JSONValue

_BOM = b"\xef\xbb\xbf"


class InvalidJSON(ValueError):  # noqa: N818 - a value, not raised across the API
    """JSON text that does not decode; ``str(exc)`` says why."""


def decode(data: bytes | bytearray | memoryview | str) -> JSONValue:
    """
    Decode *data* as one JSON document.

    Raises:
        InvalidJSON: The text is empty, not UTF-8, not JSON (NaN and Infinity
            included), truncated, nested deeper than 1024 levels, or followed by
            more text.
    """
    if isinstance(data, memoryview | bytearray):
        data = bytes(data)
    try:
        value: JSONValue = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidJSON(_explain(data, exc)) from None
    except RecursionError:  # pragma: no cover - orjson bounds depth itself
        msg = "Invalid JSON: nested too deeply"
        raise InvalidJSON(msg) from None
    return value


def _explain(data: bytes | str, exc: orjson.JSONDecodeError) -> str:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not raw.strip():
        return "Invalid JSON: the input is empty"
    if raw.startswith(_BOM) or (isinstance(data, str) and data.startswith("\ufeff")):
        return "Invalid JSON: the input starts with a byte order mark (U+FEFF)"
    text = str(exc.msg) if hasattr(exc, "msg") else str(exc)
    if "utf-8" in text.lower():
        # orjson reports bad UTF-8 at the start of the input: find the real place.
        found = _bad_utf8(data)
        if found is not None:
            return found
    where = f" at line {exc.lineno} column {exc.colno}" if getattr(exc, "lineno", 0) else ""
    if "recursion" in text.lower() or "depth limit" in text.lower():
        return "Invalid JSON: nested more than 1024 levels deep"
    return f"Invalid JSON: {text}{where}"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of *index* in *text*."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _bad_utf8(data: bytes | str) -> str | None:
    """Where the first byte that is not UTF-8 (or the first lone surrogate) is, or None."""
    if isinstance(data, str):
        for index, char in enumerate(data):
            if "\ud800" <= char <= "\udfff":
                line, column = _position(data, index)
                return (
                    f"Invalid JSON: lone surrogate U+{ord(char):04X} (not valid UTF-8) at "
                    f"line {line} column {column} (character {index})"
                )
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8")) + 1  # in characters
        return (
            f"Invalid JSON: invalid UTF-8 (byte 0x{data[offset]:02x}) at line {line} "
            f"column {column} (byte offset {offset})"
        )
    return None
