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

from collections.abc import Iterator
from typing import Any, Final
from urllib.parse import urlsplit

from messages_schema.findings import Edit, Fix, Severity
from messages_schema.rules import _media_probe as _probe
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
    for ref in _probe.media_refs(ctx):
        info = _probe.image_info(ctx, ref)
        if info is None or not info.invalid:
            continue
        where = _probe._data_path(ref)
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
    for ref in _probe.media_refs(ctx):
        info = _probe.image_info(ctx, ref)
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
            api_path=api_location(ctx, _probe._data_path(ref), drop=1),
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
    for ref in _probe.media_refs(ctx):
        data = ref.base64
        if ref.type != "image" or data is None or len(data) <= MAX_IMAGE_BASE64_BYTES:
            continue
        where = _probe._data_path(ref)
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
    many = _probe.image_count(ctx) > MANY_IMAGES
    limit = MAX_IMAGE_SIDE_MANY if many else MAX_IMAGE_SIDE
    text = (
        f"At least one of the image dimensions exceed max allowed size for many-image "
        f"requests: {limit} pixels"
        if many
        else f"At least one of the image dimensions exceed max allowed size: {limit} pixels"
    )
    for ref in _probe.media_refs(ctx):
        info = _probe.image_info(ctx, ref)
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
            path=_probe._data_path(ref),
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
    for ref in _probe.media_refs(ctx):
        info = _probe.image_info(ctx, ref)
        if info is None or not info.undecodable:
            continue
        yield Violation(message="Could not process image", path=_probe._data_path(ref), api_path="")


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
    for ref in _probe.media_refs(ctx):
        pages = _probe.pdf_pages(ctx, ref)
        if pages is None or pages <= limit:
            continue
        text = f"A maximum of {limit} PDF pages may be provided."
        yield Violation(
            message=f"{text} (the document has {pages} pages)",
            path=_probe._data_path(ref),
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
    refs = [r for r in _probe.media_refs(ctx) if not r.nested]
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
    for ref in _probe.media_refs(ctx):
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
    for ref in _probe.media_refs(ctx):
        if ref.type != "document" or (ref.source or {}).get("media_type") != "application/pdf":
            continue
        data = ref.base64
        if data is not None and not _probe.is_pdf(data):
            yield Violation(message=text, path=_probe._data_path(ref), api_error=text)


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
    refs = _probe.media_refs(ctx)
    if _probe._pillow() is None and any(r.type == "image" and r.base64 is not None for r in refs):
        missing.append("image dimensions (Pillow)")
    if _probe._pypdf() is None and any(
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
        and _probe._pypdf() is not None
        and r.base64 is not None
        and (r.source or {}).get("media_type") == "application/pdf"
        and _probe.is_pdf(r.base64)
        and _probe.pdf_pages(ctx, r) is None
    ]
    if unreadable and not missing:
        missing.append("PDF page counts (pypdf could not read the document)")
    if missing:
        yield Violation(
            message=(
                f"skipped checks of {' and '.join(missing)}"
                + (
                    ""
                    if unreadable and len(missing) == 1 and not _probe._missing_extra()
                    else ": install them with `pip install 'messages-schema[media]'`"
                )
            ),
        )
