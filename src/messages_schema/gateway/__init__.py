"""
A validating gateway for the Messages API: an ASGI middleware and a streaming proxy.

`ValidatingMiddleware` is pure ASGI 3 and needs only the standard library and this
package, so it wraps Starlette, FastAPI or the bare proxy alike. It checks the bodies of
``POST /v1/messages``, ``POST /v1/messages/count_tokens`` and ``POST
/v1/messages/batches`` (however the path is spelled, and compressed or not) and answers
the ones the API would reject with the API's own error envelope (API inventory §10)::

    {"type": "error",
     "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"},
     "request_id": "req_gw_..."}

so clients' error handling applies unchanged. Accepted bodies are forwarded byte for
byte. `make_proxy_app` puts the middleware in front of a streaming reverse proxy
(the optional ``serve`` extra); ``messages-schema serve`` runs it.

Neither ever logs a payload or a credential header: the access log holds the method,
path, status, duration, mode, decision, outcome and finding codes only.

Modules: `messages_schema.gateway.middleware` (the middleware),
`messages_schema.gateway.proxy` (the proxy); private helpers hold path matching
(``_paths``), body decoding (``_encoding``), checking (``_checks``), sending upstream
with aiohttp or httpx (``_upstream``), answers (``_errors``) and the log line (``_log``).
"""

from __future__ import annotations

from messages_schema.gateway._errors import (
    API_BODY_LIMITS,
    FINDINGS_HEADER,
    INVALID_JSON_PREFIX,
    MISSING_VERSION_MESSAGE,
    TOO_LARGE_MESSAGE,
    Problem,
    error_envelope,
    new_request_id,
)
from messages_schema.gateway._paths import ROUTES
from messages_schema.gateway.middleware import MODES, ValidatingMiddleware
from messages_schema.gateway.proxy import HOP_BY_HOP, make_proxy_app

__all__ = [
    "API_BODY_LIMITS",
    "FINDINGS_HEADER",
    "HOP_BY_HOP",
    "INVALID_JSON_PREFIX",
    "MISSING_VERSION_MESSAGE",
    "MODES",
    "ROUTES",
    "TOO_LARGE_MESSAGE",
    "Problem",
    "ValidatingMiddleware",
    "error_envelope",
    "make_proxy_app",
    "new_request_id",
]
