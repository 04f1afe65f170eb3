"""The API's own spelling of a location, for rules whose API error is reported elsewhere."""

from __future__ import annotations

from messages_schema._types import Path
from messages_schema.rules._context import Context
from messages_schema.schemas._apipath import api_path


def api_location(ctx: Context, path: Path, *, drop: int = 0, append: str = "") -> str:
    """
    Return the dotted API path of *path* (relative to the request body) for *ctx*.

    Union tags are inserted as the linter does; *drop* removes that many trailing
    segments afterwards (``...image.source.base64.data`` -> ``...image.source.base64``)
    and *append* adds a suffix. Batch items get the ``params.`` prefix the linter uses.
    """
    if ctx.kind == "batch_request":
        base = api_path("batch_request", {"params": ctx.document}, ("params", *path))
    else:
        base = api_path(ctx.kind, ctx.document, path)
    if drop:
        base = ".".join(base.split(".")[:-drop])
    return base + append
