"""Spellings of a path into a JSON document: RFC 6901 pointers and JSONPath-like strings."""

from __future__ import annotations

from messages_schema._types import Path


def to_pointer(path: Path) -> str:
    """
    Return the RFC 6901 JSON Pointer for *path*.

    ``~`` and ``/`` inside keys are escaped as ``~0`` and ``~1``.

    >>> to_pointer(("messages", 1, "content", 0))
    '/messages/1/content/0'
    """
    return "".join("/" + str(seg).replace("~", "~0").replace("/", "~1") for seg in path)


def from_pointer(pointer: str) -> Path:
    """
    Parse an RFC 6901 pointer back into path segments.

    Segments made only of ASCII digits (without a leading zero) become ``int``.
    """
    if not pointer:
        return ()
    if not pointer.startswith("/"):
        msg = f"JSON Pointer must be empty or start with '/': {pointer!r}"
        raise ValueError(msg)
    out: list[str | int] = []
    for raw in pointer[1:].split("/"):
        seg = raw.replace("~1", "/").replace("~0", "~")
        if seg.isdigit() and seg.isascii() and (seg == "0" or not seg.startswith("0")):
            out.append(int(seg))
        else:
            out.append(seg)
    return tuple(out)


def to_dotted(path: Path) -> str:
    """
    Return *path* joined with dots, the way the API spells locations.

    >>> to_dotted(("messages", 1, "content", 0))
    'messages.1.content.0'
    """
    return ".".join(str(seg) for seg in path)


def to_json_path(path: Path) -> str:
    """
    Return a ``$``-rooted JSONPath-like spelling of *path*.

    >>> to_json_path(("messages", 1, "content"))
    '$.messages[1].content'
    """
    parts = ["$"]
    for seg in path:
        if isinstance(seg, int):
            parts.append(f"[{seg}]")
        elif seg.isidentifier():
            parts.append(f".{seg}")
        else:
            escaped = seg.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)
