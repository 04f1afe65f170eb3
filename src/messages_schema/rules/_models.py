"""
The ``MOD`` family: what the chosen model accepts, from the capability table.

Every rule here reads `Context.capabilities` (``capabilities_for(model,
config.capabilities)``) and skips a check whose table value is unknown. An id the table
does not know is only a warning (`MOD001`): the API accepts any string as ``model``.

Every rule declares the thinking modes it applies to (``thinking_modes=``, see
`messages_schema.rules._thinking`); all of them apply in every mode, since model
capabilities do not depend on it (`MOD004` and `MOD008` judge the `thinking.type`
actually sent).
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from messages_schema.findings import Severity
from messages_schema.rules._context import Context
from messages_schema.rules._registry import THINKING_MODES, Node, Violation, rule

#: Block types that end a paused server-tool turn (``stop_reason: pause_turn``); an
#: assistant message ending in one is a continuation, not a prefill.
_SERVER_TOOL_TYPES: Final = frozenset(
    {
        "server_tool_use",
        "web_search_tool_result",
        "web_fetch_tool_result",
        "code_execution_tool_result",
        "bash_code_execution_tool_result",
        "text_editor_code_execution_tool_result",
        "tool_search_tool_result",
    }
)
_SAMPLING: Final = ("temperature", "top_p", "top_k")


@rule(
    "MOD001",
    "unknown-model",
    on=Node.DOCUMENT,
    severity=Severity.WARNING,
    thinking_modes=THINKING_MODES,
)
def unknown_model(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Notes a `model` id that the capability table does not know (neither the shipped table
    nor the one named by `LintConfig.capabilities`), so the model-specific checks (`MOD`,
    `LIM001`, `LIM002`) were skipped.

    ## Why is this bad?
    It may be a typo (`claude-sonet-4-5`) that the API answers with 404 `not_found_error`,
    or simply a model newer than this package. The API accepts any string in the schema,
    so this is never an error. Add the model to a capability table to enable its checks.

    ## Example
    ```json
    {"model": "claude-sonnet-4.5", "max_tokens": 1024, "messages": []}
    ```

    ## Thinking modes
    Every mode: a model id is known or not whatever the thinking configuration.

    ## Applies to
    Requests, token counts, batch items.
    """
    model = ctx.model
    if isinstance(model, str) and ctx.capabilities is None:
        yield Violation(
            message=(
                f"model `{model}` is not in the capability table; model-specific checks "
                "were skipped"
            ),
            path=() if ctx.config.model else ("model",),
        )


@rule(
    "MOD002",
    "retired-model",
    on=Node.DOCUMENT,
    severity=Severity.WARNING,
    thinking_modes=THINKING_MODES,
)
def retired_model(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `model` whose retirement date (the capability table's `retires_at`) has
    passed on the day the check is made for: `LintConfig.today` (`today = 2026-12-01`,
    `--today`), else today in UTC. A conversation stored last year can be linted as of the
    day it was sent. A warning by default, because stored conversations keep old ids; an error with
    `LintConfig(retired_model_is_error=True)` (`retired-model-is-error = true`), which is
    what a gateway wants.

    ## Why is this bad?
    Requests to a retired model fail: the API answers HTTP 404 `not_found_error`.

    ## Example
    ```json
    {"model": "claude-3-opus-20240229", "max_tokens": 1024, "messages": []}
    ```

    ## API error
    HTTP 404 `not_found_error` naming the model (model deprecations page: "Requests to
    retired models will fail").

    ## Thinking modes
    Every mode: a retired model is retired whatever the thinking configuration.

    ## Applies to
    Requests, token counts, batch items.
    """
    caps = ctx.capabilities
    if caps is None or not caps.is_retired(ctx.today):
        return
    when = f" on {caps.retires_at.isoformat()}" if caps.retires_at else ""
    yield Violation(
        message=(f"model `{ctx.model}` was retired{when}; the API answers 404 not_found_error"),
        path=() if ctx.config.model else ("model",),
        severity=Severity.ERROR if ctx.config.retired_model_is_error else None,
    )


def _final_assistant(ctx: Context) -> tuple[int, Any] | None:
    messages = ctx.messages
    if not messages or not isinstance(messages[-1], dict):
        return None
    if messages[-1].get("role") != "assistant":
        return None
    return len(messages) - 1, messages[-1]


@rule(
    "MOD003",
    "prefill-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "batch_request"),
    thinking_modes=THINKING_MODES,
)
def prefill_unsupported(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request that ends with an `assistant` message (a prefill) for a model that
    does not support prefill (the capability table's `prefill = false`: Claude 4.6-era
    models and later).

    An assistant message whose last block is a server-tool block (`server_tool_use`,
    `web_search_tool_result`, ...) is a `pause_turn` continuation, not a prefill, and is
    not flagged.

    ## Why is this bad?
    The API answers HTTP 400.

    ## Example
    ```json
    {"model": "claude-opus-4-6", "max_tokens": 64, "messages": [
      {"role": "user", "content": "Capital of France?"},
      {"role": "assistant", "content": "The capital is"}]}
    ```

    Use instead: structured outputs (`output_config.format`) or an instruction in
    `system`.

    ## API error
    `This model does not support assistant message prefill. The conversation must end with
    a user message.` — no path (agenticloops-ai/agentic-ai-engineering#43, 2026-03-31;
    Tarquinen/opencode-dynamic-context-pruning#520, 2026-04-17, claude-sonnet-4-6;
    livekit/agents#7217). Migration guide: "Prefilling assistant messages returns a 400
    error on Claude 4.6 models".

    ## Thinking modes
    Every mode: the migration guide rejects prefill on these models with or without
    thinking.

    ## Applies to
    Requests and batch items (token counting is not generation).
    """
    caps = ctx.capabilities
    if caps is None or caps.prefill is not False:
        return
    final = _final_assistant(ctx)
    if final is None:
        return
    index, message = final
    content = message.get("content")
    if isinstance(content, list) and content:
        last = content[-1]
        if isinstance(last, dict) and last.get("type") in _SERVER_TOOL_TYPES:
            return
    yield Violation(
        message=(
            "This model does not support assistant message prefill. The conversation must "
            "end with a user message."
        ),
        path=("messages", index),
        api_path="",
    )


@rule(
    "MOD004",
    "unsupported-thinking-type",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    thinking_modes=THINKING_MODES,
)
def unsupported_thinking_type(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `thinking.type` the model does not accept (the capability table's
    `capabilities.thinking.types`): `adaptive` on models before Claude 4.6, `enabled` on
    Claude Opus 4.7 and later, `disabled` on Claude Fable 5 and Mythos 5.

    ## Why is this bad?
    `ModelInfo.capabilities.thinking.types.<type> = false` means the API answers HTTP 400.

    ## Example
    ```json
    {"model": "claude-haiku-4-5", "max_tokens": 2048, "thinking": {"type": "adaptive"},
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## API error
    `adaptive thinking is not supported on this model` (askalf/dario#273, live probe
    2026-05-15, on claude-opus-4-5, claude-sonnet-4-5, claude-haiku-4-5). For `enabled` on
    newer models only a test fixture quotes a text (`"thinking.type.enabled" is not supported
    for this model. Use "thinking.type.adaptive" and "output_config.effort" to control
    thinking behavior.`); the migration guide states the 400.

    ## Thinking modes
    Every mode, judging the `thinking.type` actually sent (`disabled` and
    `between_tools` included); a request without `thinking` runs in the model's default
    mode, which the model accepts by definition.

    ## Applies to
    Requests, token counts, batch items.
    """
    caps = ctx.capabilities
    kind = ctx.thinking_type
    if caps is None or kind is None:
        return
    if caps.capabilities.thinking.types.allows(kind) is False:
        text = (
            "adaptive thinking is not supported on this model"
            if kind == "adaptive"
            else f"thinking type `{kind}` is not supported on this model"
        )
        yield Violation(
            message=f"{text} (`{ctx.model}`)",
            path=("thinking", "type"),
            api_error=text if kind == "adaptive" else None,
        )


@rule(
    "MOD005",
    "system-role-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    thinking_modes=THINKING_MODES,
)
def system_role_unsupported(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a message with `role: "system"` for a model that does not accept mid-conversation
    system messages (the capability table's `system_messages = false`). A system message
    with empty content (the directive-only form) is not flagged.

    ## Why is this bad?
    Mid-conversation system messages exist only on some models (Claude Opus 4.8, Opus 5,
    Fable 5, Mythos 5, ...); elsewhere the API answers HTTP 400. Put the text in the
    top-level `system` instead.

    ## Example
    ```json
    {"model": "claude-haiku-4-5", "max_tokens": 256, "messages": [
      {"role": "user", "content": "Hi"},
      {"role": "system", "content": "Answer in French."}]}
    ```

    ## API error
    `messages: Unexpected role "system". The Messages API accepts a top-level `system`
    parameter, not "system" as an input message role.`
    (anthropics/claude-agent-sdk-typescript#350, 2026-06-15, claude-haiku-4-5; same text in
    ianarawjo/ChainForge#271, 2024-04-29). On claude-mythos-preview:
    `role 'system' is not supported on this model` (UKGovernmentBEIS/inspect_ai#4221,
    2026-06-10).

    ## Thinking modes
    Every mode: `role: system` support does not depend on thinking.

    ## Applies to
    Requests, token counts, batch items.
    """
    system = ctx.conversation.system  # indices of `role: system` messages, one pass
    if not system:
        return
    caps = ctx.capabilities
    if caps is None or caps.system_messages is not False:
        return
    text = (
        'messages: Unexpected role "system". The Messages API accepts a top-level `system` '
        'parameter, not "system" as an input message role.'
    )
    for i in system:
        if ctx.messages[i].get("content") in ([], ""):
            continue
        yield Violation(
            message=text,
            path=("messages", i, "role"),
            api_path="messages",
            api_error=text.removeprefix("messages: "),
        )


@rule(
    "MOD006",
    "unsupported-effort",
    on=Node.DOCUMENT,
    severity=Severity.WARNING,
    thinking_modes=THINKING_MODES,
)
def unsupported_effort(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags an `output_config.effort` level the model does not offer (the capability
    table's `capabilities.effort`): any effort on Claude Haiku 4.5 or Sonnet 4.5, `xhigh`
    before Claude Opus 4.7, `max` before Claude Opus 4.6.

    ## Why is this bad?
    The level is not available on that model. The API's answer has not been reported
    publicly, so this is a warning.

    ## Example
    ```json
    {"model": "claude-opus-4-6", "max_tokens": 4096, "output_config": {"effort": "xhigh"},
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Thinking modes
    Every mode: the effort levels a model offers do not depend on thinking (Claude
    Opus 5's refusal of `disabled` at `xhigh`/`max` is a `thinking` check, not this one).

    ## Applies to
    Requests, token counts, batch items.
    """
    caps = ctx.capabilities
    config = body.get("output_config")
    effort = config.get("effort") if isinstance(config, dict) else None
    if caps is None or not isinstance(effort, str):
        return
    if caps.capabilities.effort.allows(effort) is False:
        yield Violation(
            message=f"effort `{effort}` is not supported on `{ctx.model}`",
            path=("output_config", "effort"),
        )


@rule(
    "MOD007",
    "sampling-parameter-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "batch_request"),
    thinking_modes=THINKING_MODES,
)
def sampling_parameter_unsupported(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags `temperature`, `top_p` or `top_k` sent to a model that no longer accepts
    sampling parameters (the capability table's `sampling_parameters = false`: Claude
    Opus 4.7 and later Opus models, Fable 5, Mythos 5).

    ## Why is this bad?
    The API answers HTTP 400 (migration guide: "The temperature, top_p, and top_k
    parameters are no longer accepted on Claude Opus 4.7. Requests that include them
    return a 400 error.").

    ## Example
    ```json
    {"model": "claude-opus-4-7", "max_tokens": 1024, "temperature": 0,
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## API error
    Not confirmed by a public report; a test fixture quotes `` `temperature` is not
    supported for this model. ``.

    ## Thinking modes
    Every mode: these models reject sampling parameters with or without thinking
    (migration guide).

    ## Applies to
    Requests and batch items.
    """
    caps = ctx.capabilities
    if caps is None or caps.sampling_parameters is not False:
        return
    for key in _SAMPLING:
        if body.get(key) is not None:
            yield Violation(
                message=f"`{key}` is not supported for this model (`{ctx.model}`)",
                path=(key,),
            )


@rule(
    "MOD008",
    "deprecated-thinking-type",
    on=Node.DOCUMENT,
    severity=Severity.WARNING,
    thinking_modes=THINKING_MODES,
)
def deprecated_thinking_type(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Notes a `thinking.type` that still works on the model but is deprecated (the
    capability table's `deprecated_thinking_types`): `enabled` with `budget_tokens` on
    Claude Opus 4.6, Sonnet 4.6 and Mythos Preview, where `adaptive` is recommended.

    ## Why is this bad?
    It is accepted today, so this is only a warning; the next model generation rejects it
    (`MOD004`). The SDK prints the same warning for `claude-opus-4-6` and
    `claude-mythos-preview`.

    ## Example
    ```json
    {"model": "claude-opus-4-6", "max_tokens": 16000,
     "thinking": {"type": "enabled", "budget_tokens": 8000}, "messages": []}
    ```

    ## Thinking modes
    Every mode, judging the `thinking.type` actually sent; the table lists only
    `enabled` as deprecated today.

    ## Applies to
    Requests, token counts, batch items.
    """
    caps = ctx.capabilities
    kind = ctx.thinking_type
    if caps is None or kind is None or kind not in caps.deprecated_thinking_types:
        return
    yield Violation(
        message=(
            f"thinking type `{kind}` is deprecated on `{ctx.model}`; use "
            '`{"type": "adaptive"}` with `output_config.effort`'
        ),
        path=("thinking", "type"),
    )
