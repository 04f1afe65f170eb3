"""
The ``MED`` family: images and documents (base64 data, formats, sizes, pages, counts).

Every image is analysed at most once per lint: its base64 text is decoded once, the
format is read from the magic bytes, and Pillow reads only the header for the
dimensions (``Image.open`` without ``load``). PDFs are counted with pypdf. Both are the
optional extra ``media``; without them the checks that need them are skipped and
`MED009` says so once per document. The analysis is kept in `Context.memo`.
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

import binascii
import functools
import importlib
import io
import re
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Final
from urllib.parse import urlsplit

import attrs

from messages_schema._types import Path
from messages_schema.findings import Edit, Fix, Severity
from messages_schema.rules._context import Context
from messages_schema.rules._locate import api_location
from messages_schema.rules._registry import Node, Violation, rule

#: Largest base64 ``data`` string of an image the API accepts, in characters (5 MB).
MAX_IMAGE_BASE64_BYTES: Final = 5 * 1024 * 1024
#: Largest image side in pixels.
MAX_IMAGE_SIDE: Final = 8000
#: Largest image side in pixels once a request holds more than `MANY_IMAGES` images.
MAX_IMAGE_SIDE_MANY: Final = 2000
#: Above this many images a request is a "many-image request".
MANY_IMAGES: Final = 20
#: Most PDF pages per document.
MAX_PDF_PAGES: Final = 100
#: Most PDF pages claimed for 1M-context models (jikig-ai/soleur#3350; not an observed error).
MAX_PDF_PAGES_1M: Final = 600
#: Most images plus documents per request.
MAX_MEDIA_ITEMS: Final = 100

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


def _pypdf() -> Any:
    """``pypdf``, or None without the ``media`` extra."""
    return _import("pypdf")


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
    raw = decode_base64(data) if pypdf is not None and _is_pdf(data) else None
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


@rule(
    "MED001",
    "invalid-base64-image",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    fixable=True,
    gate=("@media",),
)
def invalid_base64_image(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags an image whose base64 `data` does not decode: characters outside the base64
    alphabet, an impossible length, or a `data:image/png;base64,` URL prefix (a common
    mistake when the data comes from a browser or an HTML page).

    Whitespace and missing `=` padding are tolerated, because it is not known whether the
    API rejects them.

    ## Why is this bad?
    The API cannot read the image and answers HTTP 400.

    ## Example
    ```json
    {"type": "image", "source": {"type": "base64", "media_type": "image/png",
     "data": "data:image/png;base64,iVBORw0KGgo..."}}
    ```

    Use instead: only the text after the comma in `data`.

    ## Fix safety
    The data-URL case has an unsafe fix that drops the prefix; the image is unchanged but
    the declared `media_type` is not compared with the prefix's.

    ## API error
    `messages.2.content.0.tool_result.content.0.image.source.base64: invalid base64 data`
    (anthropics/anthropic-sdk-typescript#603, 2024-11-11). The path ends at `.base64`.

    ## Applies to
    Requests, token counts, batch items: image blocks in messages and in `tool_result`
    content.
    """
    for ref in media_refs(ctx):
        info = image_info(ctx, ref)
        if info is None or not info.invalid:
            continue
        where = _data_path(ref)
        api = api_location(ctx, where, drop=1)
        if info.data_url is not None:
            data = ref.base64 or ""
            fix = Fix.unsafe(
                "Drop the data-URL prefix",
                Edit(op="replace", path=where, value=data[len(info.data_url) :]),
            )
            yield Violation(
                message=(
                    f"invalid base64 data: `data` starts with the data-URL prefix "
                    f"`{info.data_url}`; send only the base64 text after the comma"
                ),
                path=where,
                fix=fix,
                api_error="invalid base64 data",
                api_path=api,
            )
        else:
            yield Violation(message="invalid base64 data", path=where, api_path=api)


@rule(
    "MED002", "image-media-type-mismatch", on=Node.DOCUMENT, severity=Severity.ERROR, fixable=True,
    gate=("@media",),
)
def image_media_type_mismatch(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a base64 image whose bytes are another format than its `media_type` says: PNG
    bytes declared `image/jpeg`, and so on. The format is read from the magic bytes.

    ## Why is this bad?
    The API checks the bytes against the declared type and answers HTTP 400.

    ## Example
    ```json
    {"type": "image", "source": {"type": "base64", "media_type": "image/png",
     "data": "/9j/4AAQSkZJRg..."}}
    ```

    ## Fix safety
    Unsafe: the fix sets `media_type` to the detected type.

    ## API error
    Wording changed around early 2026. Today:
    `messages.92.content.0.tool_result.content.1.image.source.base64: The image was
    specified using the image/png media type, but the image appears to be a image/jpeg
    image` (BerriAI/litellm#24900, 2026-04-01; home-assistant/core#167208). Before:
    `messages.6.content.5.image.source.base64.data: Image does not match the provided
    media type image/png` (anthropics/claude-code#15746, 2025-12-30;
    anthropic-sdk-typescript#682, 2025-02-12). This rule follows today's wording and path.

    ## Applies to
    Requests, token counts, batch items.
    """
    for ref in media_refs(ctx):
        info = image_info(ctx, ref)
        source = ref.source
        if info is None or info.detected is None or source is None:
            continue
        declared = source.get("media_type")
        if not isinstance(declared, str) or declared == info.detected:
            continue
        yield Violation(
            message=(
                f"The image was specified using the {declared} media type, but the image "
                f"appears to be a {info.detected} image"
            ),
            path=(*ref.path, "source", "media_type"),
            fix=Fix.unsafe(
                f"Declare `{info.detected}`",
                Edit(op="replace", path=(*ref.path, "source", "media_type"), value=info.detected),
            ),
            api_path=api_location(ctx, _data_path(ref), drop=1),
        )


@rule("MED003", "image-too-large", on=Node.DOCUMENT, severity=Severity.ERROR, gate=("@media",))
def image_too_large(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a base64 image whose `data` string is longer than 5 MB (5,242,880 characters).
    The API measures the base64 text, not the decoded bytes: a 4.7 MB file is 6.3 MB of
    base64 and is rejected.

    ## Why is this bad?
    The API answers HTTP 400.

    ## Example
    A screenshot of 4 MB or more sent as base64.

    ## API error
    `messages.0.content.2.image.source.base64: image exceeds 5 MB maximum: 15908784 bytes >
    5242880 bytes` (anthropics/claude-code#10612, 2025-10-30; #19631; in a tool_result:
    #8227). lobehub/lobehub#14711 (2026-05-12) shows the limit applies to the base64
    length. One unverified claim of a 10 MB limit (can1357/oh-my-pi#10633) has no error
    text behind it and is not followed.

    ## Applies to
    Requests, token counts, batch items.
    """
    for ref in media_refs(ctx):
        data = ref.base64
        if ref.type != "image" or data is None or len(data) <= MAX_IMAGE_BASE64_BYTES:
            continue
        where = _data_path(ref)
        yield Violation(
            message=(
                f"image exceeds 5 MB maximum: {len(data)} bytes > {MAX_IMAGE_BASE64_BYTES} bytes"
            ),
            path=where,
            api_path=api_location(ctx, where, drop=1),
        )


@rule(
    "MED004",
    "image-dimensions-too-large",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("@media",),
)
def image_dimensions_too_large(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a base64 image wider or taller than 8000 pixels, or than 2000 pixels when the
    request holds more than 20 images (images inside `tool_result` blocks count).

    Needs Pillow (the `media` extra); without it the check is skipped (see `MED009`).

    ## Why is this bad?
    The API rejects the image rather than downscaling it, with HTTP 400.

    ## Example
    The 21st screenshot of 2560x1600 in an agent's history.

    ## API error
    `messages.7.content.2.image.source.base64.data: At least one of the image dimensions
    exceed max allowed size: 8000 pixels` (anthropics/claude-code#4778, 2025-08-04; #11576)
    and `messages.109.content.2.image.source.base64.data: At least one of the image
    dimensions exceed max allowed size for many-image requests: 2000 pixels`
    (anthropics/claude-code#9375, 2025-10-11; #21900, 2026-01-30; charmbracelet/crush#3810
    quoting the docs: more than 20 images).

    ## Applies to
    Requests, token counts, batch items.
    """
    many = image_count(ctx) > MANY_IMAGES
    limit = MAX_IMAGE_SIDE_MANY if many else MAX_IMAGE_SIDE
    text = (
        f"At least one of the image dimensions exceed max allowed size for many-image "
        f"requests: {limit} pixels"
        if many
        else f"At least one of the image dimensions exceed max allowed size: {limit} pixels"
    )
    for ref in media_refs(ctx):
        info = image_info(ctx, ref)
        if info is None:
            continue
        if info.huge:
            size = "far larger than any limit"
        elif (
            info.width is not None
            and info.height is not None
            and max(info.width, info.height) > limit
        ):
            size = f"{info.width}x{info.height}"
        else:
            continue
        yield Violation(
            message=f"{text} (the image is {size})",
            path=_data_path(ref),
            api_error=text,
        )


@rule("MED005", "unprocessable-image", on=Node.DOCUMENT, severity=Severity.ERROR, gate=("@media",))
def unprocessable_image(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a base64 image that decodes but is no image the API reads: no PNG, JPEG, GIF
    or WebP signature (an SVG, a PDF, an empty string), or a header Pillow cannot parse.

    ## Why is this bad?
    The API answers HTTP 400, without saying which image.

    ## Example
    ```json
    {"type": "image", "source": {"type": "base64", "media_type": "image/png",
     "data": "PHN2ZyB4bWxucz0i..."}}
    ```

    ## API error
    `Could not process image` — no path (anthropics/claude-code#8646, 2025-10-01; #49403,
    2026-04-16; #56511, 2026-05-06).

    ## Applies to
    Requests, token counts, batch items.
    """
    for ref in media_refs(ctx):
        info = image_info(ctx, ref)
        if info is None or not info.undecodable:
            continue
        yield Violation(message="Could not process image", path=_data_path(ref), api_path="")


@rule("MED006", "too-many-pdf-pages", on=Node.DOCUMENT, severity=Severity.ERROR, gate=("@media",))
def too_many_pdf_pages(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a base64 PDF document with more than 100 pages. For models the capability table
    gives a context window of 1M tokens the limit used is 600 pages: that figure is a claim
    (jikig-ai/soleur#3350), not an observed error, so only larger PDFs are flagged there.

    Needs pypdf (the `media` extra); without it the check is skipped (see `MED009`).

    ## Why is this bad?
    The API answers HTTP 400.

    ## Example
    A 240-page manual sent as one `document` block. Split it, or send the relevant pages.

    ## API error
    `messages.38.content.0.pdf.source.base64.data: A maximum of 100 PDF pages may be
    provided.` (anthropics/claude-code#6231, 2025-08-21; warpdotdev/warp#8114, 2025-11-20).
    Note the API's internal tag `pdf` in the path.

    ## Applies to
    Requests, token counts, batch items.
    """
    caps = ctx.capabilities
    big_context = bool(caps is not None and (caps.max_input_tokens or 0) >= 1_000_000)
    limit = MAX_PDF_PAGES_1M if big_context else MAX_PDF_PAGES
    for ref in media_refs(ctx):
        pages = pdf_pages(ctx, ref)
        if pages is None or pages <= limit:
            continue
        text = f"A maximum of {limit} PDF pages may be provided."
        yield Violation(
            message=f"{text} (the document has {pages} pages)",
            path=_data_path(ref),
            api_error=text,
        )


@rule(
    "MED007",
    "too-many-images-and-documents",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("@media",),
)
def too_many_images_and_documents(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request with more than 100 image and document blocks in total, counting those
    inside `tool_result` blocks.

    ## Why is this bad?
    The API answers HTTP 400. Long agent sessions with screenshots reach it.

    ## Example
    104 screenshots and one PDF in one conversation.

    ## API error
    `too many images and documents: 104 + 1 > 100` — no path (anthropics/claude-code#23392,
    2026-02-05). What the two numbers count is not documented; this rule reads them as
    images + documents.

    ## Applies to
    Requests, token counts, batch items.
    """
    refs = [r for r in media_refs(ctx) if not r.nested]
    images = sum(1 for r in refs if r.type == "image")
    documents = len(refs) - images
    if images + documents > MAX_MEDIA_ITEMS:
        yield Violation(
            message=f"too many images and documents: {images} + {documents} > {MAX_MEDIA_ITEMS}",
            path=("messages",),
            api_path="",
        )


@rule("MED008", "invalid-media-url", on=Node.DOCUMENT, severity=Severity.WARNING, gate=("@media",))
def invalid_media_url(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags an image or document `url` source whose `url` is not an absolute `http` or
    `https` URL (a relative path, a `file://` URL, a bare file name, a data URL).

    ## Why is this bad?
    The API has to fetch the URL itself; it can only reach public web addresses. A data
    URL belongs in a `base64` source.

    ## Example
    ```json
    {"type": "image", "source": {"type": "url", "url": "/tmp/screenshot.png"}}
    ```

    ## API error
    Not known: no public report quotes the API's answer, so this is a warning.

    ## Applies to
    Requests, token counts, batch items.
    """
    for ref in media_refs(ctx):
        source = ref.source
        if source is None or source.get("type") != "url":
            continue
        url = source.get("url")
        if not isinstance(url, str):
            continue
        try:
            parts = urlsplit(url)
            good = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            good = False
        if not good:
            hint = " (use a `base64` source for data URLs)" if url.startswith("data:") else ""
            yield Violation(
                message=f"`url` must be an absolute http(s) URL, not {url[:80]!r}{hint}",
                path=(*ref.path, "source", "url"),
            )


#: How far into a PDF the ``%PDF-`` header may sit (readers skip leading junk; the
#: PDF 1.7 spec's implementation notes allow 1024 bytes).
_PDF_HEADER_WINDOW: Final = 1024


def _is_pdf(text: str) -> bool:
    """Whether base64 *text* decodes and its bytes open with a ``%PDF-`` header."""
    if _base64_body(text) is None:
        return False
    # Only the head is decoded: 1,368 base64 characters give the first 1,026 bytes.
    head = decode_base64(text.lstrip()[:1368])
    return head is not None and b"%PDF-" in head[: _PDF_HEADER_WINDOW + 5]


@rule(
    "MED010",
    "invalid-pdf",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    gate=("@media",),
)
def invalid_pdf(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a base64 `document` declared `application/pdf` whose data is not a PDF: not
    base64, empty, or bytes without a `%PDF-` header in their first kilobyte (a text
    file, an HTML error page, an image).

    ## Why is this bad?
    The API answers HTTP 400 before reading the question. Clients that build documents
    from whatever file the user picked send these.

    ## Example
    ```json
    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf",
     "data": "SGVsbG8gd29ybGQ="}}
    ```
    (`Hello world`, not a PDF).

    ## Fix safety
    No fix.

    ## API error
    `messages.2.content.0.pdf.source.base64.data: The PDF specified was not valid.`
    (anthropics/claude-code#5174, 2025-08-05). Note the API's internal tag `pdf`.

    ## Applies to
    Requests, token counts, batch items.
    """
    text = "The PDF specified was not valid."
    for ref in media_refs(ctx):
        if ref.type != "document" or (ref.source or {}).get("media_type") != "application/pdf":
            continue
        data = ref.base64
        if data is not None and not _is_pdf(data):
            yield Violation(message=text, path=_data_path(ref), api_error=text)


@rule("MED009", "media-checks-skipped", on=Node.DOCUMENT, severity=Severity.INFO, gate=("@media",))
def media_checks_skipped(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Notes, once per document, that image dimension checks (`MED004`, part of `MED005`) or
    PDF page counts (`MED006`) were skipped: Pillow or pypdf is not installed, or pypdf
    could not read a base64 PDF that has a PDF header (which the API may well reject too;
    that is not known). Data that is no PDF at all is `MED010`.

    ## Why is this bad?
    It is not a problem in the payload: it says the verdict on its media is incomplete.
    Install the extra: `pip install 'messages-schema[media]'`.

    ## Applies to
    Requests, token counts, batch items that hold base64 images or PDFs.
    """
    missing: list[str] = []
    refs = media_refs(ctx)
    if _pillow() is None and any(r.type == "image" and r.base64 is not None for r in refs):
        missing.append("image dimensions (Pillow)")
    if _pypdf() is None and any(
        r.type == "document"
        and r.base64 is not None
        and (r.source or {}).get("media_type") == "application/pdf"
        for r in refs
    ):
        missing.append("PDF page counts (pypdf)")
    unreadable = [
        r
        for r in refs
        if r.type == "document"
        and _pypdf() is not None
        and r.base64 is not None
        and (r.source or {}).get("media_type") == "application/pdf"
        and _is_pdf(r.base64)
        and pdf_pages(ctx, r) is None
    ]
    if unreadable and not missing:
        missing.append("PDF page counts (pypdf could not read the document)")
    if missing:
        yield Violation(
            message=(
                f"skipped checks of {' and '.join(missing)}"
                + (
                    ""
                    if unreadable and len(missing) == 1 and not _missing_extra()
                    else ": install them with `pip install 'messages-schema[media]'`"
                )
            ),
        )
