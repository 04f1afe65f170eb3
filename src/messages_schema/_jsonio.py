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
    where = f" at line {exc.lineno} column {exc.colno}" if getattr(exc, "lineno", 0) else ""
    if "recursion" in text.lower() or "depth limit" in text.lower():
        return "Invalid JSON: nested more than 1024 levels deep"
    return f"Invalid JSON: {text}{where}"
