"""
The ``SCH`` family: structure, derived from the shipped JSON Schemas.

These rules have no function: the linter's structural pass (`_structural`) finds
them. They are registered here so that they can be selected, ignored and documented
like every other rule.
"""

from __future__ import annotations

import inspect

from messages_schema._types import KINDS
from messages_schema.findings import Severity
from messages_schema.rules._registry import Node, Rule, Status, register


def _schema_rule(code: str, name: str, doc: str, severity: Severity = Severity.ERROR,
                 kinds: tuple[str, ...] = KINDS, since: str = "0.1.0") -> None:
    register(
        Rule(
            code=code,
            name=name,
            severity=severity,
            node=Node.SCHEMA,
            kinds=frozenset(kinds),
            since=since,
            status=Status.STABLE,
            doc=inspect.cleandoc(doc),
        )
    )


_schema_rule("SCH000", "invalid-json", """
    ## What it does
    Flags input that is not one JSON document: empty, not UTF-8, truncated, `NaN` or
    `Infinity`, a byte order mark, nesting deeper than 1024 levels, or text after the value.

    ## Why is this bad?
    The API cannot decode the body and rejects it before looking at any field.

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": NaN}
    ```

    ## Fix safety
    No fix: the text has to be regenerated.

    ## Applies to
    Every kind.
    """)

_schema_rule("SCH001", "missing-field", """
    ## What it does
    Flags a required key that is absent, such as `max_tokens` on a request or `text` on a
    `text` block.

    ## Why is this bad?
    The API answers HTTP 400 `invalid_request_error`.

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "Hi"}]}
    ```

    Use instead: add `"max_tokens": 1024`.

    ## API error
    `max_tokens: Field required`

    ## Applies to
    Every kind.
    """)

_schema_rule("SCH002", "unexpected-key", """
    ## What it does
    Flags a key that the request shape does not declare, such as `text` on a `tool_use`
    block or a misspelt `max_token`. Response shapes are open and never get this finding.

    ## Why is this bad?
    Request objects are closed: the API answers HTTP 400 for every unknown key.

    ## Example
    ```json
    {"type": "tool_use", "id": "toolu_01", "name": "f", "input": {}, "text": "hi"}
    ```

    ## API error
    `messages.65.content.1.tool_use.text: Extra inputs are not permitted`
    (anthropics/claude-code#4378).

    ## Applies to
    Requests, token counts, batch items.
    """)

_schema_rule("SCH003", "wrong-type", """
    ## What it does
    Flags a value of the wrong JSON type: a string where an integer is expected, an object
    where a list is expected.

    ## Why is this bad?
    The API validates types strictly and answers HTTP 400.

    ## Example
    ```json
    {"max_tokens": "1024"}
    ```

    ## API error
    `max_tokens: Input should be a valid integer`

    ## Applies to
    Every kind.
    """)

_schema_rule("SCH004", "invalid-literal", """
    ## What it does
    Flags a value outside a fixed set, such as an image `media_type` of `image/bmp` or a
    `cache_control.ttl` of `2h`.

    ## Why is this bad?
    The API answers HTTP 400 naming the accepted values.

    ## Example
    ```json
    {"type": "base64", "media_type": "image/bmp", "data": "..."}
    ```

    ## API error
    `messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg',
    'image/png', 'image/gif' or 'image/webp'`

    ## Applies to
    Every kind.
    """)

_schema_rule("SCH005", "unknown-type-tag", """
    ## What it does
    Flags an object whose `type` names no known variant of its union (a content block of
    type `txt`, a tool of type `web_search_2025`), or that has no `type` where one is
    needed.

    ## Why is this bad?
    The API picks the shape by `type`; an unknown tag is answered with HTTP 400.

    ## Example
    ```json
    {"type": "txt", "text": "Hello"}
    ```

    ## API error
    `messages.0.content.0: Input tag 'txt' found using 'type' does not match any of the
    expected tags: 'text', 'image', ...`

    ## Applies to
    Requests, token counts, batch items.
    """, kinds=("request", "count_tokens", "batch_request"))

_schema_rule("SCH006", "value-out-of-range", """
    ## What it does
    Flags a number outside its allowed range: `temperature` above 1,
    `thinking.budget_tokens` below 1024, a negative `max_tokens`.

    ## Why is this bad?
    The API range-checks these and answers HTTP 400.

    ## Example
    ```json
    {"thinking": {"type": "enabled", "budget_tokens": 512}}
    ```

    ## API error
    `thinking.enabled.budget_tokens: Input should be greater than or equal to 1024`

    ## Applies to
    Every kind.
    """)

_schema_rule("SCH007", "length-out-of-range", """
    ## What it does
    Flags a string or list that is shorter or longer than its shape allows.

    ## Why is this bad?
    The API answers HTTP 400.

    ## Applies to
    Every kind.
    """)

_schema_rule("SCH008", "pattern-mismatch", """
    ## What it does
    Flags a string that does not match the pattern its shape requires.

    ## Why is this bad?
    The API answers HTTP 400 quoting the pattern.

    ## Applies to
    Every kind.
    """)

_schema_rule("SCH009", "schema-violation", """
    ## What it does
    Flags any other mismatch with the shipped schema (a catch-all, so that no structural
    problem goes unreported).

    ## Applies to
    Every kind.
    """)

_schema_rule("SCH010", "beta-field-without-header", """
    ## What it does
    Flags a beta-only field, block type, tool type or literal (`context_management`,
    `mcp_servers`, `mcp_tool_use`, `computer_20250124`, `thinking.display: "updates"`,
    ...), or a key left out that only a beta lets one omit (a system message's
    `content`), in a request that is not sent with the `anthropic-beta` value that unlocks
    it (`LintConfig.betas`, `--beta`, or the gateway's request header). Which value
    unlocks what is data (`messages_schema/data/betas.toml`), checked against the SDK's
    beta types by `tools/sdk_audit.py`; with the value sent, the beta part is validated
    like any other.

    ## Why is this bad?
    Without the header the API does not know the field: it answers HTTP 400 exactly as for
    a misspelt key (or an unknown tag or literal).

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": 1024,
     "messages": [{"role": "user", "content": "Hi"}],
     "context_management": {"edits": []}}
    ```

    Use instead: send `anthropic-beta: context-management-2025-06-27`.

    ## API error
    `context_management: Extra inputs are not permitted`

    ## Applies to
    Requests, token counts, batch items.
    """, kinds=("request", "count_tokens", "batch_request"))

_schema_rule("SCH011", "unknown-response-variant", """
    ## What it does
    Notes a block, delta, event, citation, caller or result whose `type` this version of
    the schemas does not know, in a response, stream or batch result. The models keep
    such an object as it is, and write it back unchanged.

    ## Why is this bad?
    It is not an error: the API adds variants over time and readers must keep them. It is
    worth a look when it is a typo in a hand-written fixture, and it means a newer version
    of this package may know the shape.

    ## Applies to
    Responses, streams, batch results, error envelopes.
    """, severity=Severity.WARNING,
   kinds=("response", "stream", "stream_event", "batch_result", "error"))

_schema_rule("SCH012", "unknown-response-value", """
    ## What it does
    Notes a string outside the known set in a response, stream or batch result: a
    `stop_reason`, `usage.service_tier` or server tool `name` this version of the schemas
    does not list.

    ## Why is this bad?
    It is not an error: the API adds values over time (`refusal`, `pause_turn` and
    `model_context_window_exceeded` were all added to `stop_reason` after launch), and a
    reader that rejects a response for one breaks on the day it ships. The models keep
    the string as it is. It is worth a look when it is a typo in a hand-written fixture.

    ## Example
    ```json
    {"stop_reason": "brand_new_reason"}
    ```

    ## Applies to
    Responses, streams, batch results, error envelopes.
    """, severity=Severity.WARNING,
   kinds=("response", "stream", "stream_event", "batch_result", "error"))

_schema_rule("SCH013", "unknown-beta", """
    ## What it does
    Names the `anthropic-beta` values of a request that this version does not know (they
    are not in `messages_schema.KNOWN_BETAS`, the SDK 2.17.0 list), when the request also
    has unknown keys, block or tool types, or literal values. Those findings
    (`SCH002`, `SCH004`, `SCH005`, `SCH010`) are then warnings instead of errors.

    ## Why is this bad?
    It is not an error: a beta newer than these schemas may well have introduced the keys
    and types this version does not know, and the API accepts them under that header.
    Recorded traffic shows it (requests with `output_format` under
    `structured-outputs-2025-11-13`, `context_management` under `compact-2026-01-12`,
    answered HTTP 200 before the schemas knew them). Without an unknown beta, unknown keys
    stay errors: the API rejects them, and a typo is the common case.

    To keep them errors anyway (a gateway that only forwards what it can check), set
    `LintConfig(strict_unknown=True)`, `strict-unknown = true` in
    `[tool.messages-schema]`, or `check --strict-unknown`.

    ## Example
    With `anthropic-beta: brand-new-feature-2027-01-01`:
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": 1024,
     "messages": [{"role": "user", "content": "Hi"}], "brand_new_option": true}
    ```
    gives `SCH002` (warning) at `brand_new_option` and this note.

    ## Applies to
    Requests, token counts, batch items.
    """, severity=Severity.INFO, kinds=("request", "count_tokens", "batch_request"), since="0.2.0")

_schema_rule("SCH014", "error-envelope", """
    ## What it does
    Recognises an API error envelope (`{"type": "error", "error": {...}}`) checked as a
    response, names the error, and checks the document as an envelope (`kind="error"`).

    ## Why is this bad?
    It is not a problem of the document: a failed call answers with this envelope instead
    of a message, and logs of responses hold both. It tells a response log's errors apart
    from its messages, where a message check would report a malformed message.

    ## Example
    ```json
    {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"},
     "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"}
    ```

    ## Applies to
    Responses.
    """, severity=Severity.INFO, kinds=("response",), since="0.2.0")

_schema_rule("SCH099", "rule-crashed", """
    ## What it does
    Reports that a rule raised an exception on this document, so its verdict is missing.

    ## Why is this bad?
    It is a bug in messages-schema, never in the payload: please report it with the
    document. The other rules' findings are still complete.

    ## Applies to
    Every kind.
    """, severity=Severity.WARNING)
