"""
The ``OUT`` family: structured outputs, the JSON Schema subset the API compiles.

Two places take a schema the API compiles into a grammar: ``output_config.format``
(``{"type": "json_schema", "schema": ...}``; ``output_format`` under the beta
``structured-outputs-2025-11-13``) and the ``input_schema`` of a custom tool with
``"strict": true``. Both accept a subset of JSON Schema (structured-outputs docs, "JSON
Schema limitations"): objects must say ``"additionalProperties": false``; numeric
constraints (``minimum``, ``maximum``, ``multipleOf``, ...), string length constraints and
array constraints beyond ``minItems`` of 0 or 1 are not supported; a request holds at most
20 strict tools, 24 optional properties and 16 properties with union types across all
its strict schemas. The API reports a problem at the schema's root
(``output_config.format.schema: ...``, ``tools.25.custom: ...``), and so do these rules;
their pointers name the exact spot.

Accepted traffic agrees: the 49 strict schemas in the recorded real requests this
project replays (2025-2026) all follow the subset.
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, Final

import attrs

from messages_schema._types import Path
from messages_schema.findings import Severity
from messages_schema.rules._context import Context
from messages_schema.rules._registry import Node, Violation, rule

_KINDS: Final = ("request", "batch_request", "count_tokens")

#: Keywords the compiler refuses, by the JSON type they constrain.
UNSUPPORTED: Final[dict[str, frozenset[str]]] = {
    "integer": frozenset(
        {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    ),
    "number": frozenset(
        {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    ),
    "string": frozenset({"minLength", "maxLength"}),
    "array": frozenset({"maxItems", "uniqueItems", "contains", "minContains", "maxContains"}),
}
MAX_STRICT_TOOLS: Final = 20
MAX_OPTIONAL_PROPERTIES: Final = 24
MAX_UNION_PROPERTIES: Final = 16
#: How deep and how wide a schema is walked (hostile input stays bounded).
_MAX_DEPTH: Final = 64
_MAX_NODES: Final = 20_000


@attrs.frozen
class StrictSchema:
    """One schema the API compiles: where it sits and how the API names that place."""

    schema: dict[str, Any]
    #: Path of the schema from the request body.
    path: Path
    #: The API's prefix for errors about it (``output_config.format.schema``).
    api_path: str


def strict_schemas(body: dict[str, Any]) -> list[StrictSchema]:
    """Every schema of *body* that the API compiles, in request order."""
    found: list[StrictSchema] = []
    for key, api in (("output_config", "output_config.format.schema"),):
        config = body.get(key)
        fmt = config.get("format") if isinstance(config, dict) else None
        if isinstance(fmt, dict) and isinstance(fmt.get("schema"), dict):
            found.append(StrictSchema(fmt["schema"], (key, "format", "schema"), api))
    fmt = body.get("output_format")
    if isinstance(fmt, dict) and isinstance(fmt.get("schema"), dict):
        found.append(
            StrictSchema(fmt["schema"], ("output_format", "schema"), "output_format.schema")
        )
    tools = body.get("tools")
    if isinstance(tools, list):
        for i, tool in enumerate(tools):
            if (
                isinstance(tool, dict)
                and tool.get("strict") is True
                and tool.get("type") in (None, "custom")
                and isinstance(tool.get("input_schema"), dict)
            ):
                where = ("tools", i, "input_schema")
                found.append(StrictSchema(tool["input_schema"], where, f"tools.{i}.custom"))
    return found


def _children(node: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    for key in ("properties", "$defs", "definitions"):
        value = node.get(key)
        if isinstance(value, dict):
            for name, sub in value.items():
                yield (key, name), sub
    for key in ("items", "additionalProperties"):
        value = node.get(key)
        if isinstance(value, dict):
            yield (key,), value
    for key in ("anyOf", "allOf", "oneOf", "prefixItems"):
        value = node.get(key)
        if isinstance(value, list):
            for i, sub in enumerate(value):
                yield (key, i), sub


def walk(schema: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each subschema (object) of *schema* with its path, breadth-first and bounded."""
    queue: deque[tuple[Path, dict[str, Any], int]] = deque([((), schema, 0)])
    seen = 0
    while queue and seen < _MAX_NODES:
        path, node, depth = queue.popleft()
        seen += 1
        yield path, node
        if depth < _MAX_DEPTH:
            queue.extend(
                ((*path, *step), sub, depth + 1)
                for step, sub in _children(node)
                if isinstance(sub, dict)
            )


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return []


@rule("OUT001", "unsupported-schema-keyword", on=Node.DOCUMENT, severity=Severity.ERROR,
      kinds=_KINDS, since="0.2.0",
    gate=("output_config", "output_format", "tools"),
)  # fmt: skip
def unsupported_schema_keyword(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    In a schema the API compiles (`output_config.format.schema`, the beta
    `output_format.schema`, the `input_schema` of a `strict` tool), flags keywords the
    compiler does not support for the node's `type`: `minimum`, `maximum`,
    `exclusiveMinimum`, `exclusiveMaximum` and `multipleOf` on numbers, `minLength` and
    `maxLength` on strings, `maxItems`, `uniqueItems` and `contains` on arrays, and a
    `minItems` other than 0 or 1. Nodes without a `type` are not judged.

    ## Why is this bad?
    The API answers HTTP 400 before generating anything. Describe the constraint in the
    property's `description` instead and check it yourself.

    ## Example
    ```json
    {"output_config": {"format": {"type": "json_schema", "schema": {
      "type": "object", "additionalProperties": false,
      "properties": {"age": {"type": "integer", "minimum": 0}}}}}}
    ```

    ## Fix safety
    No fix: dropping a constraint changes what the caller expects.

    ## API error
    `output_format.schema: For 'integer' type, property 'minimum' is not supported`
    (agentjido/req_llm#302, 2025-12-28, claude-haiku-4-5);
    `output_format.schema: For 'array' type, property 'maxItems' is not supported`
    (agentjido/req_llm#706, 2026-05-19); `tools.25.custom: For 'integer' type, properties
    maximum, minimum are not supported` (earendil-works/pi#9953, 2026-09-23,
    claude-opus-5-5); `output_config.format.schema: For 'array' type, 'minItems' values
    other than 0 or 1 are not supported` (ghostlobster/memorize-everything#93,
    2026-05-01).

    ## Applies to
    Requests, token counts and batch items.
    """
    for strict in strict_schemas(body):
        for path, node in walk(strict.schema):
            for kind in _types(node):
                banned = sorted(k for k in UNSUPPORTED.get(kind, ()) if k in node)
                if banned:
                    text = (
                        f"For '{kind}' type, property '{banned[0]}' is not supported"
                        if len(banned) == 1
                        else f"For '{kind}' type, properties {', '.join(banned)} "
                        "are not supported"
                    )
                    yield Violation(
                        message=text,
                        path=(*strict.path, *path, banned[0]),
                        api_error=text,
                        api_path=strict.api_path,
                    )
                min_items = node.get("minItems")
                if kind == "array" and min_items not in (None, 0, 1):
                    text = (
                        "For 'array' type, 'minItems' values other than 0 or 1 are not supported"
                    )
                    yield Violation(
                        message=text,
                        path=(*strict.path, *path, "minItems"),
                        api_error=text,
                        api_path=strict.api_path,
                    )


@rule("OUT002", "additional-properties-not-false", on=Node.DOCUMENT, severity=Severity.ERROR,
      kinds=_KINDS, since="0.2.0",
    gate=("output_config", "output_format", "tools"),
)  # fmt: skip
def additional_properties_not_false(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    In a schema the API compiles (see `OUT001`), flags an object node (`"type":
    "object"`) that does not set `"additionalProperties": false`, nested objects
    included.

    ## Why is this bad?
    The compiler needs closed objects; the API answers HTTP 400. Generators of JSON
    Schema from code (pydantic, zod) leave `additionalProperties` out by default.

    ## Example
    ```json
    {"output_config": {"format": {"type": "json_schema", "schema": {
      "type": "object", "properties": {"name": {"type": "string"}}}}}}
    ```

    ## Fix safety
    No fix: closing the object is what the caller must decide.

    ## API error
    `output_format.schema: For 'object' type, 'additionalProperties' must be explicitly
    set to false` (ax-llm/ax#458, 2025-11-28, claude-sonnet-4-5-20250929); the same rule
    for `output_config.format` "on every object-typed (sub)schema"
    (veryfront-code#3918, 2026-08-21).

    ## Applies to
    Requests, token counts and batch items.
    """
    text = "For 'object' type, 'additionalProperties' must be explicitly set to false"
    for strict in strict_schemas(body):
        for path, node in walk(strict.schema):
            if "object" in _types(node) and node.get("additionalProperties") is not False:
                yield Violation(
                    message=text,
                    path=(*strict.path, *path),
                    api_error=text,
                    api_path=strict.api_path,
                )


def _strict_tools(body: dict[str, Any]) -> list[int]:
    tools = body.get("tools")
    if not isinstance(tools, list):
        return []
    return [i for i, t in enumerate(tools) if isinstance(t, dict) and t.get("strict") is True]


@rule("OUT003", "too-many-strict-tools", on=Node.DOCUMENT, severity=Severity.ERROR,
      kinds=_KINDS, since="0.2.0",
    gate=("tools",),
)  # fmt: skip
def too_many_strict_tools(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request with more than 20 tools that set `"strict": true`.

    ## Why is this bad?
    "A request can have at most 20 strict tools" (Sonnet 5.5 migration guide; the
    structured-outputs limits table). The API answers HTTP 400.

    ## Example
    A `tools` list with 21 custom tools, each `"strict": true`.

    ## Fix safety
    No fix: choose which tools need strict schemas.

    ## API error
    The exact text is not known.

    ## Applies to
    Requests, token counts and batch items.
    """
    strict = _strict_tools(body)
    if len(strict) > MAX_STRICT_TOOLS:
        yield Violation(
            message=(
                f"{len(strict)} tools set `strict: true`; a request can have at most "
                f"{MAX_STRICT_TOOLS}"
            ),
            path=("tools", strict[MAX_STRICT_TOOLS]),
        )


def _property_counts(body: dict[str, Any]) -> tuple[int, int, Path | None, Path | None]:
    """Optional and union-typed properties of the strict schemas; where each limit broke."""
    optional = unions = 0
    optional_at: Path | None = None
    union_at: Path | None = None
    for strict in strict_schemas(body):
        for path, node in walk(strict.schema):
            props = node.get("properties")
            if not isinstance(props, dict):
                continue
            required = node.get("required")
            # Names only: a `required` holding other values is the schema rules' to report.
            required = (
                {r for r in required if isinstance(r, str)} if isinstance(required, list)
                else set()
            )
            for name, sub in props.items():
                where = (*strict.path, *path, "properties", name)
                if name not in required:
                    optional += 1
                    if optional == MAX_OPTIONAL_PROPERTIES + 1:
                        optional_at = where
                if isinstance(sub, dict) and (
                    isinstance(sub.get("anyOf"), list) or len(_types(sub)) > 1
                ):
                    unions += 1
                    if unions == MAX_UNION_PROPERTIES + 1:
                        union_at = where
    return optional, unions, optional_at, union_at


@rule("OUT004", "too-many-optional-properties", on=Node.DOCUMENT, severity=Severity.ERROR,
      kinds=_KINDS, since="0.2.0",
    gate=("output_config", "output_format", "tools"),
)  # fmt: skip
def too_many_optional_properties(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Counts the optional properties (not listed in their object's `required`) of every
    schema the API compiles in the request (`output_config.format` and every `strict`
    tool, nested objects included) and flags the request when there are more than 24.

    ## Why is this bad?
    The structured-outputs limits table: "Optional parameters | 24", a limit across all
    strict schemas of a request. The API answers HTTP 400.

    ## Example
    A strict tool whose `input_schema` has 25 properties and no `required` list.

    ## Fix safety
    No fix.

    ## API error
    The exact text is not known; alphaXiv/agents#51 reports "26 optional properties
    against a limit of 24" across strict tools.

    ## Applies to
    Requests, token counts and batch items.
    """
    optional, _, at, _ = _property_counts(body)
    if at is not None:
        yield Violation(
            message=(
                f"{optional} optional properties across the strict schemas of this request; "
                f"the API compiles at most {MAX_OPTIONAL_PROPERTIES}"
            ),
            path=at,
        )


@rule("OUT005", "too-many-union-properties", on=Node.DOCUMENT, severity=Severity.ERROR,
      kinds=_KINDS, since="0.2.0",
    gate=("output_config", "output_format", "tools"),
)  # fmt: skip
def too_many_union_properties(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Counts the properties with a union type (`anyOf`, or a `type` list such as
    `["string", "null"]`) across every schema the API compiles in the request and flags
    the request when there are more than 16.

    ## Why is this bad?
    The structured-outputs limits table: "Parameters with union types | 16", across all
    strict schemas of a request; every optional parameter generated as `X | None` counts
    (mozilla/bugbug#6129, 2026-06-04). The API answers HTTP 400.

    ## Example
    A strict tool whose `input_schema` has 17 properties typed `["string", "null"]`.

    ## Fix safety
    No fix.

    ## API error
    The exact text is not known.

    ## Applies to
    Requests, token counts and batch items.
    """
    _, unions, _, at = _property_counts(body)
    if at is not None:
        yield Violation(
            message=(
                f"{unions} properties with union types across the strict schemas of this "
                f"request; the API compiles at most {MAX_UNION_PROPERTIES}"
            ),
            path=at,
        )


@rule("OUT006", "deprecated-output-format", on=Node.DOCUMENT, severity=Severity.WARNING,
      kinds=_KINDS, since="0.2.0",
    gate=("output_format",),
)  # fmt: skip
def deprecated_output_format(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Notes the top-level `output_format` parameter, the beta spelling of
    `output_config.format`.

    ## Why is this bad?
    "The `output_format` parameter is deprecated and will be removed in the future. To use
    it anyway, add the `structured-outputs-2025-11-13` beta header. Without it, the API
    returns a 400 error. Use `output_config.format` instead." (Sonnet 5.5 migration
    guide). Without that beta the key is `SCH010`; with it, this warning.

    ## Example
    ```json
    {"output_format": {"type": "json_schema", "schema": {"type": "object",
     "additionalProperties": false, "properties": {}}}}
    ```

    ## Fix safety
    No fix here; `output_config.format` takes the same object.

    ## Applies to
    Requests, token counts and batch items.
    """
    if "output_format" in body:
        yield Violation(
            message=(
                "`output_format` is deprecated: send the same object as `output_config.format`"
            ),
            path=("output_format",),
        )


def _has_format(body: dict[str, Any]) -> bool:
    config = body.get("output_config")
    if isinstance(config, dict) and isinstance(config.get("format"), dict):
        return True
    return isinstance(body.get("output_format"), dict)


@rule("OUT007", "structured-output-with-prefill", on=Node.DOCUMENT, severity=Severity.ERROR,
      kinds=("request", "batch_request"), since="0.2.0",
    gate=("output_config", "output_format"),
)  # fmt: skip
def structured_output_with_prefill(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request that asks for structured output (`output_config.format` or
    `output_format`) and ends with an `assistant` message (a prefill).

    ## Why is this bad?
    The structured-outputs docs list "Message Prefilling: Incompatible with JSON outputs";
    the API answers HTTP 400. (On models that refuse prefill altogether, `MOD003` says
    so as well.)

    ## Example
    ```json
    {"output_config": {"format": {"type": "json_schema", "schema": {...}}},
     "messages": [{"role": "user", "content": "Name a colour."},
                  {"role": "assistant", "content": "{"}]}
    ```

    ## Fix safety
    No fix: drop the prefill or the format.

    ## API error
    The exact text is not known.

    ## Applies to
    Requests and batch items.
    """
    messages = ctx.messages
    if not messages or not _has_format(body):
        return
    last = messages[-1]
    if isinstance(last, dict) and last.get("role") == "assistant":
        yield Violation(
            message="structured outputs cannot be combined with an assistant prefill",
            path=("messages", len(messages) - 1),
        )


@rule("OUT008", "structured-output-with-citations", on=Node.DOCUMENT,
      severity=Severity.ERROR, kinds=_KINDS, since="0.2.0",
    gate=("output_config", "output_format"),
)  # fmt: skip
def structured_output_with_citations(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request that asks for structured output and enables citations on a
    `document` block (`"citations": {"enabled": true}`).

    ## Why is this bad?
    The structured-outputs docs list Citations as incompatible with JSON outputs; the
    API answers HTTP 400.

    ## Example
    ```json
    {"output_config": {"format": {"type": "json_schema", "schema": {...}}},
     "messages": [{"role": "user", "content": [
       {"type": "document", "source": {...}, "citations": {"enabled": true}},
       {"type": "text", "text": "Summarise."}]}]}
    ```

    ## Fix safety
    No fix: drop the citations or the format.

    ## API error
    The exact text is not known.

    ## Applies to
    Requests, token counts and batch items.
    """
    if not _has_format(body):
        return
    for i, message in enumerate(ctx.messages):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            if not isinstance(block, dict) or block.get("type") != "document":
                continue
            citations = block.get("citations")
            if isinstance(citations, dict) and citations.get("enabled") is True:
                yield Violation(
                    message="structured outputs cannot be combined with citations",
                    path=("messages", i, "content", j, "citations"),
                )
