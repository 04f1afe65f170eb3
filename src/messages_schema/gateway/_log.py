"""The gateway's access log: one JSON line per checked request, never a payload or a key."""

from __future__ import annotations

import logging
from typing import Any, Final

import attrs

from messages_schema.gateway._errors import json_line

#: The scope key under which the middleware hands its `Record` to the proxy behind it,
#: so one line tells what the gateway decided and what then happened upstream.
RECORD_KEY: Final = "messages_schema.gateway.record"

#: How a request ended, as the ``outcome`` field says.
OUTCOMES: Final = (
    "complete",  # the whole answer (the gateway's or the upstream's) was sent
    "client_disconnected",  # the client left first; the upstream call was cancelled
    "upstream_error",  # no answer from the upstream (connection refused, reset, bad HTTP)
    "upstream_timeout",  # the upstream sent nothing for --upstream-timeout seconds
    "upstream_broken",  # the upstream's answer broke off midway (a cut stream)
)


@attrs.define
class Record:
    """What the access log line says about one request."""

    method: str
    path: str
    status: int | None = None
    ms: float = 0.0
    decision: str = "forward"
    findings: int = 0
    codes: list[str] = attrs.Factory(list)
    request_id: str | None = None
    outcome: str = "complete"
    #: The API version the body was checked under (``None``: not checked).
    api_version: str | None = None
    #: Extra fields, only when they say something (rewritten path, encoding, reason).
    extra: dict[str, Any] = attrs.Factory(dict)
    #: Whether the final body message has been sent (a later disconnect is harmless).
    responded: bool = False

    def fields(self, mode: str) -> dict[str, Any]:
        """The log line's fields."""
        fields: dict[str, Any] = {
            "event": "request",
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "ms": self.ms,
            "mode": mode,
            "decision": self.decision,
            "outcome": self.outcome,
            "findings": self.findings,
            "codes": self.codes,
        }
        if self.api_version is not None:
            fields["api_version"] = self.api_version
        if self.request_id is not None:
            fields["request_id"] = self.request_id
        fields.update(self.extra)
        return fields


def emit(logger: logging.Logger, level: int, fields: dict[str, Any]) -> None:
    """Log *fields* as one JSON line (also attached as ``record.gateway``)."""
    if logger.isEnabledFor(level):
        # `Logger.log` would walk the stack for the caller's file and line on every
        # request; the line is self-describing, so the record is built directly.
        record = logger.makeRecord(logger.name, level, __file__, 0, json_line(fields), (),
                                   None, extra={"gateway": fields})
        logger.handle(record)
