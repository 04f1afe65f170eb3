"""
What the ``MED`` rules read of an image or a document.

Base64 decoding, the format from the magic bytes, the dimensions from the header
(Pillow, without ``load``), the page count (pypdf). Each result is kept in
`Context.memo`, so an image is analysed at most once per lint, whichever rules ask.
Pillow and pypdf are the optional extra ``media``.
"""

from __future__ import annotations

import binascii
import functools
import importlib
import io
import logging
import re
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Final

import attrs

from messages_schema._types import Path
from messages_schema.rules._context import Context

_MAGIC: Final = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_ALPHABET: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_WHITESPACE: Final = b" \t\r\n\f\v"
#: Base64 characters decoded to read an image header (12 KiB of bytes: PNG, GIF and WebP
#: sizes sit in the first 30 bytes, JPEG's after its APP segments); when the header does
#: not fit (large EXIF or ICC data), the whole image is decoded.
_HEADER_CHARS: Final = 1 << 14
_DATA_URL = re.compile(r"data:([\w.+-]+/[\w.+-]+)?(;[^,]*)?,")


@functools.cache
def _import(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _pillow() -> Any:
    """``PIL.Image``, or None without the ``media`` extra."""
    return _import("PIL.Image")


@functools.cache
def _pypdf() -> Any:
    """``pypdf``, or None without the ``media`` extra."""
    module = _import("pypdf")
    if module is not None:
        # pypdf logs each repair of a damaged PDF as a warning. With no handler anywhere
        # logging's last resort prints them to stderr, in the middle of `check`'s report;
        # a NullHandler keeps them off it, and an application that configured logging
        # still receives them through propagation.
        logging.getLogger("pypdf").addHandler(logging.NullHandler())
    return module


def sniff(data: bytes) -> str | None:
    """Return the image media type the magic bytes of *data* announce, or None."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _base64_body(text: str) -> bytes | None:
    """
    Return *text* as ASCII bytes without whitespace if it is base64 a server can read.

    Whitespace and missing ``=`` padding are tolerated (whether the API tolerates them is
    not known); any other character, misplaced padding or an impossible length is not.
    Cost: one ``encode`` and one ``translate`` pass, both in C.
    """
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        return None
    other = raw.translate(None, _ALPHABET + b"=")
    if other:
        if other.translate(None, _WHITESPACE):
            return None
        raw = raw.translate(None, _WHITESPACE)
    stripped = raw.rstrip(b"=")
    if len(raw) - len(stripped) > 2 or b"=" in stripped or len(stripped) % 4 == 1:
        return None
    return stripped


def _decode(body: bytes) -> bytes:
    """Decode base64 *body* (no padding needed; a trailing partial quantum is dropped)."""
    usable = len(body) - len(body) % 4
    tail = body[usable:]
    out = binascii.a2b_base64(body[:usable]) if usable else b""
    if len(tail) >= 2:
        out += binascii.a2b_base64(tail + b"=" * (4 - len(tail)))
    return out


def decode_base64(text: str) -> bytes | None:
    """Decode *text* leniently (see `_base64_body`); None when it is not base64."""
    body = _base64_body(text)
    return None if body is None else _decode(body)


@attrs.frozen(kw_only=True)
class MediaRef:
    """One image or document block, wherever it sits (message content, tool_result)."""

    #: Path of the block, relative to the request body.
    path: Path
    #: ``image`` or ``document``.
    type: str
    block: dict[str, Any]
    #: Whether the block is an item of a ``document``'s ``content`` source.
    nested: bool = False

    @property
    def source(self) -> dict[str, Any] | None:
        """The block's ``source`` object, if it is one."""
        source = self.block.get("source")
        return source if isinstance(source, dict) else None

    @property
    def base64(self) -> str | None:
        """The base64 ``data`` string of a ``base64`` source, else None."""
        source = self.source
        if source is None or source.get("type") != "base64":
            return None
        data = source.get("data")
        return data if isinstance(data, str) else None


@attrs.frozen(kw_only=True)
class ImageInfo:
    """What one base64 image turned out to be."""

    #: The base64 text did not decode (the data-URL prefix is reported separately).
    invalid: bool = False
    data_url: str | None = None
    #: Media type announced by the magic bytes (None: no known image format).
    detected: str | None = None
    width: int | None = None
    height: int | None = None
    #: Pillow refused the header as a decompression bomb: far over any side limit.
    huge: bool = False
    #: Neither the magic bytes nor Pillow recognise an image.
    undecodable: bool = False
    #: Pillow is missing, so the dimensions are unknown.
    skipped: bool = False


def _walk_blocks(
    content: Any, path: Path, nested: bool = False, *, offset: int = 0
) -> Iterator[MediaRef]:
    if not isinstance(content, list):
        return
    for j, block in enumerate(content, start=offset):
        if not isinstance(block, dict):
            continue
        where = (*path, j)
        kind = block.get("type")
        if kind in ("image", "document"):
            yield MediaRef(path=where, type=kind, block=block, nested=nested)
            source = block.get("source")
            if kind == "document" and isinstance(source, dict) and source.get("type") == "content":
                yield from _walk_blocks(source.get("content"), (*where, "source", "content"), True)
        elif kind == "tool_result":
            yield from _walk_blocks(block.get("content"), (*where, "content"), nested)


def media_refs(ctx: Context) -> tuple[MediaRef, ...]:
    """Every image and document block of the request, in document order (memoised)."""
    key = "media.refs"
    if key not in ctx.memo:
        refs: list[MediaRef] = []
        # Only the blocks the shared conversation pass saw as possible hosts are walked.
        messages = ctx.messages
        for i, j in ctx.conversation.media_hosts:
            block = messages[i]["content"][j]
            refs.extend(_walk_blocks([block], ("messages", i, "content"), offset=j))
        ctx.memo[key] = tuple(refs)
    result: tuple[MediaRef, ...] = ctx.memo[key]
    return result


def image_count(ctx: Context) -> int:
    """How many image blocks the request holds, tool_result images included."""
    return sum(1 for r in media_refs(ctx) if r.type == "image" and not r.nested)


def _open_header(raw: bytes) -> tuple[int | None, int | None, bool, bool]:
    """Return (width, height, huge, failed) from the image header, never raising."""
    image_module = _pillow()
    if image_module is None:
        return None, None, False, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with image_module.open(io.BytesIO(raw)) as im:
                width, height = im.size
        return int(width), int(height), False, False
    except image_module.DecompressionBombError:
        return None, None, True, False
    except Exception:
        return None, None, False, True


def image_info(ctx: Context, ref: MediaRef) -> ImageInfo | None:
    """Analyse the base64 image of *ref* once per lint; None for non-base64 sources."""
    data = ref.base64
    if data is None or ref.type != "image":
        return None
    key = ("media.image", id(ref.source))
    cached = ctx.memo.get(key)
    if cached is not None:
        info: ImageInfo = cached
        return info
    match = _DATA_URL.match(data)
    body = None if match else _base64_body(data)
    if match:
        info = ImageInfo(invalid=True, data_url=match.group(0))
    elif body is None:
        info = ImageInfo(invalid=True)
    else:
        head = _decode(body[:_HEADER_CHARS])
        detected = sniff(head)
        if detected is None:
            info = ImageInfo(undecodable=True)
        else:
            width, height, huge, failed = _open_header(head)
            if failed and len(body) > _HEADER_CHARS:
                # The header did not fit in the prefix (large EXIF or ICC data): decode all.
                width, height, huge, failed = _open_header(_decode(body))
            info = ImageInfo(
                detected=detected,
                width=width,
                height=height,
                huge=huge,
                undecodable=failed,
                skipped=_pillow() is None,
            )
    ctx.memo[key] = info
    return info


def pdf_pages(ctx: Context, ref: MediaRef) -> int | None:
    """Count the pages of a base64 PDF document once per lint; None when unknown."""
    source = ref.source
    data = ref.base64
    if data is None or ref.type != "document" or source is None:
        return None
    if source.get("media_type") != "application/pdf":
        return None
    key = ("media.pdf", id(source))
    if key in ctx.memo:
        cached: int | None = ctx.memo[key]
        return cached
    pages: int | None = None
    pypdf = _pypdf()
    # Data that is no PDF at all is `MED010`'s; pypdf is not asked to read it.
    raw = decode_base64(data) if pypdf is not None and is_pdf(data) else None
    if pypdf is not None and raw:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pages = len(pypdf.PdfReader(io.BytesIO(raw), strict=False).pages)
        except Exception:
            pages = None
    ctx.memo[key] = pages
    return pages


def _missing_extra() -> bool:
    return _pillow() is None or _pypdf() is None


def _data_path(ref: MediaRef) -> Path:
    return (*ref.path, "source", "data")


#: How far into a PDF the ``%PDF-`` header may sit (readers skip leading junk; the
#: PDF 1.7 spec's implementation notes allow 1024 bytes).
_PDF_HEADER_WINDOW: Final = 1024


def is_pdf(text: str) -> bool:
    """Whether base64 *text* decodes and its bytes open with a ``%PDF-`` header."""
    if _base64_body(text) is None:
        return False
    # Only the head is decoded: 1,368 base64 characters give the first 1,026 bytes.
    head = decode_base64(text.lstrip()[:1368])
    return head is not None and b"%PDF-" in head[: _PDF_HEADER_WINDOW + 5]
