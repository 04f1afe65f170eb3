"""
Hypothesis strategies for Messages API payloads (optional extra ``hypothesis``).

Valid by construction, never by filtering: `requests` and `conversations` draw the
``tool_use`` ids of an assistant turn first and answer each of them with a
``tool_result`` at the start of the next user turn; with thinking on, every assistant
turn opens with a ``thinking`` block; ``budget_tokens`` is at least 1024 and below
``max_tokens``, which stays within the model's ceiling from the capability table;
sampling parameters, prefill and thinking types respect what the table says of the
model; at most four cache breakpoints, ``1h`` ones before ``5m`` ones.

`invalid_requests` breaks a valid request in exactly one way per rule code and says
which code (and, if asked, which JSON pointer) the linter must report.

`schema_documents` walks the shipped JSON Schemas instead: structurally valid documents
of any kind, for round-trip tests, with no promise about the semantic rules.

Every strategy checks its arguments when called and raises
`hypothesis.errors.InvalidArgument` naming the bad one. Installing the package
registers `st.from_type` strategies for the main models (``hypothesis`` entry point,
`messages_schema.models._hypothesis`, which imports this module only when a strategy
is drawn). No other module of the package imports this one.

.. versionadded:: 0.1.0
"""

try:
    import hypothesis  # noqa: F401  (the extra; its absence is named below)
except ImportError as exc:  # pragma: no cover - exercised in a subprocess without it
    msg = (
        "messages_schema.strategies needs hypothesis.\n"
        "Install it with: pip install 'messages-schema[hypothesis]'"
    )
    raise ImportError(msg) from exc

from messages_schema.strategies._from_type import model_strategy as model_strategy
from messages_schema.strategies._mutations import (
    CONFIGURED_REQUEST_CODES,
    INVALID_REQUEST_CODES,
    invalid_requests,
)
from messages_schema.strategies._schema_driven import schema_documents
from messages_schema.strategies._valid import (
    content_blocks,
    conversations,
    requests,
    responses,
    stream_events,
    tools,
)

__all__ = [
    "CONFIGURED_REQUEST_CODES",
    "INVALID_REQUEST_CODES",
    "content_blocks",
    "conversations",
    "invalid_requests",
    "requests",
    "responses",
    "schema_documents",
    "stream_events",
    "tools",
]
