"""Small pieces every strategy draws from: words, ids, images, argument checks, models."""

from __future__ import annotations

import base64
import functools
import struct
import zlib
from collections.abc import Collection, Sequence
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from messages_schema._capabilities import ModelCapabilities, load_capabilities

JSON = dict[str, Any]

# -- small pieces --------------------------------------------------------------------------

#: Letters and digits of several scripts: never whitespace, never a control character.
_WORD_ALPHABET: Final = "abcdefghijklmnopqrstuvwxyz0123456789ABCXYZéßñøΩжд日本✓"
_WORDS = st.text(alphabet=_WORD_ALPHABET, min_size=1, max_size=8)
#: Short texts: words joined by single spaces; never empty, never padded with whitespace.
_TEXTS = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)
_ID_CHARS: Final = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_IDS = st.text(_ID_CHARS, min_size=6, max_size=12)
#: Any Unicode scalar value but surrogates (JSON text cannot carry lone surrogates).
_ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
_JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), _ANY_TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_ANY_TEXT, inner, max_size=3)
    ),
    max_leaves=8,
)
#: A signature the API would not verify offline; its shape is all the linter sees.
_SIGNATURE: Final = "EqQBCgIYAhIM" + "x" * 16
_TOOL_NAMES: Final = ("get_weather", "read_file", "search", "run_tests", "get_time", "lookup")
_PROPERTY_TYPES: Final = ("string", "integer", "boolean")
_BLOCK_TYPES: Final = ("text", "image", "document")
_RESPONSE_BLOCK_TYPES: Final = ("text", "tool_use", "thinking")
#: Beta blocks `responses` draws only when asked (their beta's answers alone carry them).
_BETA_RESPONSE_BLOCK_TYPES: Final = ("mcp_tool_use", "compaction")
_STOP_REASONS: Final = ("end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn")
#: Ceiling used when the capability table does not know a model's ``max_tokens``.
_DEFAULT_CEILING: Final = 4096
#: Most cache breakpoints one request may carry (API inventory §7).
_MAX_BREAKPOINTS: Final = 4
#: A 1x1 GIF, the smallest image every reader opens.
_GIF_1X1: Final = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="


def _text_block(text: str) -> JSON:
    return {"type": "text", "text": text}


def _png(width: int, height: int, gray: int = 0) -> bytes:
    """A greyscale PNG of *width* x *height*, written without Pillow."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    row = b"\x00" + bytes([gray]) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _pdf(pages: int) -> bytes:
    """A blank PDF of *pages* pages, written without a PDF library."""
    kids = " ".join(f"{i + 3} 0 R" for i in range(pages))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>",
        *["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>"] * pages,
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    return out + f"startxref\n{xref}\n%%EOF\n".encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# -- argument checks -----------------------------------------------------------------------


def _check_int(name: str, value: object, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        msg = f"{name}={value!r} must be an integer"
        raise InvalidArgument(msg)
    if value < minimum:
        msg = f"{name}={value!r} must be at least {minimum}"
        raise InvalidArgument(msg)


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{name}={value!r} must be True or False"
        raise InvalidArgument(msg)


def _check_optional_bool(name: str, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        msg = f"{name}={value!r} must be True, False or None"
        raise InvalidArgument(msg)


def _check_subset(name: str, value: object, allowed: Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Collection):
        msg = f"{name}={value!r} must be a collection of strings, such as {tuple(allowed)!r}"
        raise InvalidArgument(msg)
    items = tuple(value)
    unknown = [v for v in items if v not in allowed]
    if unknown:
        msg = f"{name} holds unknown value(s) {unknown!r}; choose from {tuple(allowed)!r}"
        raise InvalidArgument(msg)
    if not items:
        msg = f"{name}={value!r} must not be empty"
        raise InvalidArgument(msg)
    return tuple(dict.fromkeys(items))


# -- models and their capabilities ---------------------------------------------------------


@functools.cache
def _default_models() -> tuple[str, ...]:
    """
    Current models of the capability table: no retirement date, not deprecated.

    Models with a retirement date are left out even before it passes, so the same
    seed draws the same requests next month (a retired model is a MOD002 warning).
    """
    seen: dict[str, ModelCapabilities] = {}
    for caps in load_capabilities().values():
        if caps.retires_at is None and caps.lifecycle in (None, "active", "legacy"):
            seen.setdefault(caps.id, caps)
    names = [min((c.id, *c.aliases), key=len) for c in seen.values()]
    # A model with every rule-relevant value known first: examples shrink towards it.
    first = "claude-haiku-4-5"
    return (first, *sorted(n for n in names if n != first))


def _capabilities(model: str) -> ModelCapabilities | None:
    return load_capabilities().get(model)


def _check_models(value: object) -> tuple[str, ...]:
    if value is None:
        return _default_models()
    if isinstance(value, str) or not isinstance(value, Collection) or not value:
        msg = f"models={value!r} must be a non-empty collection of model ids"
        raise InvalidArgument(msg)
    out = tuple(value)
    bad = [m for m in out if not isinstance(m, str) or not m]
    if bad:
        msg = f"models holds {bad!r}, which are not model ids"
        raise InvalidArgument(msg)
    return tuple(dict.fromkeys(out))


_THINKING_CHOICES: Final = (None, True, False, "enabled", "adaptive")


def _thinking_types(caps: ModelCapabilities | None) -> tuple[str, ...]:
    """The thinking types a request to this model may use without any finding."""
    if caps is None:
        return ("enabled",)
    types = caps.capabilities.thinking.types
    out = []
    if types.enabled is not False and "enabled" not in caps.deprecated_thinking_types:
        out.append("enabled")
    if types.adaptive is True and "adaptive" not in caps.deprecated_thinking_types:
        out.append("adaptive")
    return tuple(out)


def _ceiling(caps: ModelCapabilities | None) -> int:
    value = caps.output_ceiling(()) if caps is not None else None
    return value if value is not None else _DEFAULT_CEILING


def _fits(model: str, thinking: bool | str | None, prefill: bool | None) -> bool:
    caps = _capabilities(model)
    types = _thinking_types(caps)
    if thinking is True and not types:
        return False
    if isinstance(thinking, str) and thinking not in types:
        return False
    if thinking in (True, "enabled") and "enabled" in types and _ceiling(caps) <= 1024:
        return False
    if (
        thinking is False
        and caps is not None
        and caps.thinking_default == "adaptive"
        and caps.capabilities.thinking.types.disabled is not True
    ):
        return False  # thinks by default, and turning it off is not known to work
    return not (prefill is True and caps is not None and caps.prefill is False)


def _usable_models(
    candidates: tuple[str, ...], thinking: bool | str | None, prefill: bool | None
) -> tuple[str, ...]:
    usable = tuple(m for m in candidates if _fits(m, thinking, prefill))
    if not usable:
        msg = (
            f"no model in models={candidates!r} supports thinking={thinking!r} "
            f"with prefill={prefill!r} according to the capability table"
        )
        raise InvalidArgument(msg)
    return usable
