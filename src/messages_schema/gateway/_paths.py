"""
Which requests are Messages calls: the path as the upstream routes it.

A client can spell ``/v1/messages`` many ways that an HTTP stack still routes to the
same handler: ``//v1/messages``, ``/v1/messages/``, ``/v1//messages``,
``/v1/./messages``, ``/v1/x/../messages``, ``/v1/%6Dessages``, ``/V1/Messages``.
`match` reduces a path to one canonical form (percent-decoded until stable, repeated
and trailing slashes dropped, dot segments resolved, letters folded to lower case) and
looks that up; the gateway then checks the body and forwards exactly the canonical path,
so what the upstream receives is what was checked. The query (``?beta=true``, which the
SDK's beta client adds) never changes the route.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import unquote

import attrs

#: What the body of each validated ``POST`` route is.
ROUTES: Final[dict[str, str]] = {
    "/v1/messages": "request",
    "/v1/messages/count_tokens": "count_tokens",
    "/v1/messages/batches": "batches",
}

#: Percent-decoding rounds: enough for double and triple encoding, and bounded.
_MAX_UNQUOTE: Final = 4


@attrs.frozen
class Route:
    """A validated route a request was matched to."""

    #: What the body is: ``request``, ``count_tokens`` or ``batches``.
    kind: str
    #: The canonical path (one of `ROUTES`), below any mount point.
    path: str
    #: Whether the request spelled it differently (the gateway forwards `path` then).
    rewritten: bool


def canonical(path: str) -> str:
    """Return *path* percent-decoded, without empty or dot segments, in lower case."""
    for _ in range(_MAX_UNQUOTE):
        decoded = unquote(path, errors="surrogateescape")
        if decoded == path:
            break
        path = decoded
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    return "/" + "/".join(segments).lower()


def match(scope: Any) -> Route | None:
    """
    Return the validated route of an HTTP request scope, or ``None``.

    Only ``POST`` (in any letter case) is validated. Under a mount (``root_path``)
    the path below the mount point is matched.
    """
    if scope.get("type") != "http":
        return None
    method = scope.get("method")
    if method != "POST" and (not isinstance(method, str) or method.upper() != "POST"):
        return None
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path") or "")
    if root and path.startswith(root):  # Starlette >= 0.33 keeps the mount in ``path``
        path = path[len(root) :] or "/"
    kind = ROUTES.get(path)
    if kind is not None and method == "POST":
        raw = scope.get("raw_path")
        if raw is None or raw.split(b"?", 1)[0] == (root + path).encode():
            return Route(kind, path, rewritten=False)
        return Route(kind, path, rewritten=True)
    # The quick lookup failed: the slow, thorough one. Also look at raw_path, which
    # keeps encodings (``%2F``) that the server's decoded ``path`` has lost.
    candidates = [path]
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):
        text = raw.split(b"?", 1)[0].decode("latin-1")
        if root and text.startswith(root):
            text = text[len(root) :]
        candidates.append(text)
    for candidate in candidates:
        key = canonical(candidate)
        kind = ROUTES.get(key)
        if kind is not None:
            return Route(kind, key, rewritten=True)
    return None


def rewrite(scope: Any, route: Route) -> Any:
    """Return *scope* with its method ``POST`` and its path the canonical one."""
    root = str(scope.get("root_path") or "")
    full = root + route.path
    return {**scope, "method": "POST", "path": full, "raw_path": full.encode()}
