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

from messages_schema._capabilities import EFFORT_LEVELS
from messages_schema.findings import Edit, Fix, Severity
from messages_schema.rules._context import Context
from messages_schema.rules._registry import THINKING_MODES, Node, Violation, rule


def _str(value: object) -> str | None:
    """*value* when it is a string: a list or an object in its place matches nothing."""
    return value if isinstance(value, str) else None


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
    memo="parameters",
    reads=("model",),
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
    memo="parameters",
    reads=("model",),
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
    gate=("@prefill",),
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
        if isinstance(last, dict) and _str(last.get("type")) in _SERVER_TOOL_TYPES:
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
    gate=("thinking",),
    memo="parameters",
    reads=("model", "thinking"),
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

    Also flags thinking (`enabled` or `adaptive`) on a model without extended thinking at
    all (`capabilities.thinking.supported = false`: the models before Claude Sonnet 3.7).

    ## API error
    `adaptive thinking is not supported on this model` (askalf/dario#273, live probe
    2026-05-15, on claude-opus-4-5, claude-sonnet-4-5, claude-haiku-4-5).
    `"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive"
    and "output_config.effort" to control thinking behavior.` (thinking troubleshooting
    page; handochan/aelix-ai#258, 2026-09-08, on claude-opus-5, claude-opus-4-8,
    claude-sonnet-5; theopenco/llmgateway#2778, claude-opus-4-7), and the same with
    `"thinking.type.disabled"` (Opus 5.5 what's new; the Fable models once answered a longer
    variant). `'claude-3-5-sonnet-20241022' does not support thinking.`
    (anthropics/claude-code#2245, 2025-06-18).

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
    if caps.capabilities.thinking.supported is False and kind in ("enabled", "adaptive"):
        text = f"'{ctx.model}' does not support thinking."
        yield Violation(message=text, path=("thinking", "type"), api_error=text, api_path="")
        return
    if caps.capabilities.thinking.types.allows(kind) is False:
        if kind == "adaptive":
            text = "adaptive thinking is not supported on this model"
        else:
            text = (
                f'"thinking.type.{kind}" is not supported for this model. Use '
                '"thinking.type.adaptive" and "output_config.effort" to control thinking '
                "behavior."
            )
        yield Violation(
            message=f"{text} (`{ctx.model}`)",
            path=("thinking", "type"),
            api_error=text,
        )


@rule(
    "MOD005",
    "system-role-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    thinking_modes=THINKING_MODES,
    gate=("@system_messages",),
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
    2026-06-10), and the same text from Claude Code sending one to a model older than
    Opus 4.8 (anthropics/claude-code#61412, 2026-05-22). "Models released before Opus 4.8
    reject them" (gproxy-transform's docs on mid-conversation system messages): the
    capability table marks every model released before Opus 4.8 `system_messages = false`,
    and leaves a later model it has no evidence for unmarked (never flagged).

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
    severity=Severity.ERROR,
    thinking_modes=THINKING_MODES,
    gate=("output_config",),
    memo="parameters",
    reads=("model", "output_config"),
)
def unsupported_effort(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags an `output_config.effort` level the model does not offer (the capability
    table's `capabilities.effort`): any effort on Claude Haiku 4.5 or Sonnet 4.5, `xhigh`
    before Claude Opus 4.7, `max` before Claude Opus 4.6.

    ## Why is this bad?
    The API answers HTTP 400. (Before 0.2.0 this was a warning, for want of a reported
    answer; public reports now quote it.)

    ## Example
    ```json
    {"model": "claude-opus-4-6", "max_tokens": 4096, "output_config": {"effort": "xhigh"},
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## API error
    `This model does not support the effort parameter.` (griffinmartin/opencode-claude-auth
    #125, 2026-04-04, and Oaklight/llm-rosetta#289, 2026-06-18, claude-haiku-4-5-20251001);
    `This model does not support effort level 'max'. Supported levels: high, low, medium.`
    (askalf/dario#491, 2026-06-10, claude-opus-4-5-20251101). No path in either.

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
    support = caps.capabilities.effort
    if support.allows(effort) is False:
        if support.supported is False:
            text = "This model does not support the effort parameter."
        else:
            offered = sorted(level for level in EFFORT_LEVELS if support.allows(level))
            text = f"This model does not support effort level '{effort}'." + (
                f" Supported levels: {', '.join(offered)}." if offered else ""
            )
        yield Violation(
            message=f"{text} (`{ctx.model}`)",
            path=("output_config", "effort"),
            api_error=text,
            api_path="",
        )


@rule(
    "MOD007",
    "sampling-parameter-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    fixable=True,
    kinds=("request", "batch_request"),
    thinking_modes=THINKING_MODES,
    gate=("temperature", "top_p", "top_k"),
    memo="parameters",
    reads=("model", "temperature", "top_k", "top_p"),
)
def sampling_parameter_unsupported(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a sampling parameter set to anything but its default on a model that accepts
    only the defaults (the capability table's `sampling_parameters = false`: Claude Opus
    4.7 and later, Sonnet 5 and later, Haiku 5.5, Fable and Mythos 5): a `temperature`
    other than 1, a `top_p` other than its default of 0.99 (1 included), any `top_k`, or
    `temperature` and `top_p` together.

    ## Why is this bad?
    The API answers HTTP 400. The defaults themselves are accepted: `"temperature": 1`
    alone is a valid request on these models (mnfst/modelparams.dev#238, 2026-08-17,
    live probe on claude-opus-4-8), so only other values are flagged. Haiku 5.5 migration
    guide: "If a request includes `temperature`, it must be `1`. If it includes `top_p`,
    it must be `0.99`, its default. Any other `temperature` or `top_p` value returns a
    400 error, including a `top_p` of `1`. So does any `top_k` value, and so does a
    request that includes both `temperature` and `top_p`." The same live probe saw
    `"top_p": 1` rejected on claude-opus-4-8.

    ## Example
    ```json
    {"model": "claude-opus-4-7", "max_tokens": 1024, "temperature": 0,
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Fix safety
    Unsafe: removing the parameter changes sampling.

    ## API error
    `` `temperature` is deprecated for this model. `` (and the same for `top_p`,
    `top_k`), no path: UKGovernmentBEIS/inspect_ai#3721 (2026-04-20, claude-opus-4-7),
    The-PR-Agent/pr-agent#2456 (2026-06-18, claude-opus-4-8),
    router-for-me/CLIProxyAPI#4383 (2026-07-17, claude-fable-5, `top_p`),
    vellum-ai/vellum-assistant#35820 (2026-06-23, `top_k`), SREGym/SREGym#923
    (2026-07-01, claude-sonnet-5).

    ## Thinking modes
    Every mode: these models reject sampling parameters with or without thinking
    (migration guide).

    ## Applies to
    Requests and batch items.
    """
    caps = ctx.capabilities
    if caps is None or caps.sampling_parameters is not False:
        return
    temperature, top_p, top_k = (body.get(k) for k in _SAMPLING)
    off_default = {
        "temperature": temperature is not None and _number(temperature) and temperature != 1,
        "top_p": top_p is not None and _number(top_p) and top_p != _TOP_P_DEFAULT,
        "top_k": top_k is not None,
    }
    for key in _SAMPLING:
        if off_default[key]:
            yield _deprecated_sampling(key)
    if temperature is not None and top_p is not None and not any(off_default.values()):
        yield Violation(
            message=(
                "`temperature` and `top_p` cannot both be specified for this model, even at "
                "their defaults"
            ),
            path=("top_p",),
            fix=Fix.unsafe("Remove `top_p`", Edit(op="remove", path=("top_p",))),
            api_path="",
        )


_TOP_P_DEFAULT: Final = 0.99


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _deprecated_sampling(key: str) -> Violation:
    text = f"`{key}` is deprecated for this model."
    return Violation(
        message=text,
        path=(key,),
        api_error=text,
        api_path="",
        fix=Fix.unsafe(f"Remove `{key}`", Edit(op="remove", path=(key,))),
    )


@rule(
    "MOD008",
    "deprecated-thinking-type",
    on=Node.DOCUMENT,
    severity=Severity.WARNING,
    thinking_modes=THINKING_MODES,
    gate=("thinking",),
    memo="parameters",
    reads=("model", "thinking"),
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


_FORCED: Final = frozenset({"any", "tool"})


@rule(
    "MOD009",
    "forced-tool-choice-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    thinking_modes=THINKING_MODES,
    gate=("tool_choice",),
)
def forced_tool_choice_unsupported(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `tool_choice` of type `any` or `tool` for a model that refuses forced tool
    use (the capability table's `forced_tool_choice = false`: Claude Opus 5.5, Sonnet 5.5,
    Fable 5.1 and Mythos 5.1). `auto` and `none` are fine.

    ## Why is this bad?
    The API answers HTTP 400, on the token counting endpoint as well: "`tool_choice:
    {"type": "auto"}` (the default) and `{"type": "none"}` are supported, and the same
    validation applies to the token counting endpoint." (Opus 5.5 what's new; Sonnet 5.5
    and Fable 5.1 migration guides). Claude Haiku 5.5, Opus 5, Sonnet 5 and Fable 5 accept
    a forced choice.

    ## Example
    ```json
    {"model": "claude-opus-5-5", "max_tokens": 1024, "tool_choice": {"type": "any"},
     "tools": [{"name": "lookup", "input_schema": {"type": "object"}}],
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Fix safety
    No fix: the caller relies on the forced call.

    ## API error
    `tool_choice: type "tool" and "any" are not supported for this model.` (Opus 5.5
    what's new, platform.claude.com, 2026-09).

    ## Thinking modes
    Every mode: the guides reject a forced choice on these models whatever the thinking
    setting (the thinking-related rule for older models is `THK005`).

    ## Applies to
    Requests, token counts and batch items.
    """
    caps = ctx.capabilities
    choice = body.get("tool_choice")
    kind = _str(choice.get("type")) if isinstance(choice, dict) else None
    if caps is None or caps.forced_tool_choice is not False or kind not in _FORCED:
        return
    text = 'type "tool" and "any" are not supported for this model.'
    yield Violation(
        message=f"`tool_choice`: {text} (`{ctx.model}` accepts `auto` and `none`)",
        path=("tool_choice",),
        api_error=text,
    )


@rule(
    "MOD010",
    "thinking-off-effort-too-high",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    thinking_modes=frozenset({"disabled", "between_tools"}),
    gate=("thinking",),
)
def thinking_off_effort_too_high(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags thinking turned off (`thinking.type` `disabled`, or `between_tools` on Claude
    Sonnet 5.5) together with an `output_config.effort` above the highest level the model
    allows with thinking off (the capability table's `thinking_off_max_effort`: `high` on
    Claude Opus 5 and Sonnet 5.5).

    ## Why is this bad?
    The API answers HTTP 400: "Claude Opus 5 accepts "disabled" at effort `high` or below;
    combining it with effort `xhigh` or `max` returns a 400 error. This restriction applies
    to Claude Opus 5 and later models" (thinking troubleshooting page); `between_tools`
    "is accepted at `low`, `medium`, and `high` effort. At `xhigh` or `max`, it returns a
    400 error." (Sonnet 5.5 migration guide).

    ## Example
    ```json
    {"model": "claude-opus-5", "max_tokens": 1024, "thinking": {"type": "disabled"},
     "output_config": {"effort": "max"}, "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Fix safety
    No fix: lower the effort or turn thinking on.

    ## API error
    `output_config.effort 'xhigh' is not supported when thinking is disabled on this
    model. Use effort 'high' or below, or enable thinking.`
    (logancyang/obsidian-copilot#2843, 2026-08-14).

    ## Thinking modes
    `disabled` and `between_tools`: the limit is about thinking turned off.

    ## Applies to
    Requests, token counts and batch items.
    """
    caps = ctx.capabilities
    if caps is None or caps.thinking_off_max_effort is None:
        return
    if ctx.thinking_type not in ("disabled", "between_tools"):
        return
    config = body.get("output_config")
    effort = config.get("effort") if isinstance(config, dict) else None
    if not isinstance(effort, str) or effort not in EFFORT_LEVELS:
        return
    limit = caps.thinking_off_max_effort
    if EFFORT_LEVELS.index(effort) > EFFORT_LEVELS.index(limit):
        state = "disabled" if ctx.thinking_type == "disabled" else "between_tools"
        text = (
            f"'{effort}' is not supported when thinking is {state} on this model. "
            f"Use effort '{limit}' or below, or enable thinking."
        )
        yield Violation(
            message=f"`output_config.effort` {text}",
            path=("output_config", "effort"),
            api_error=text,
        )


def _tools_of_type(body: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any], str]]:
    tools = body.get("tools")
    if isinstance(tools, list):
        for i, tool in enumerate(tools):
            kind = tool.get("type") if isinstance(tool, dict) else None
            if isinstance(kind, str):
                yield i, tool, kind


@rule(
    "MOD011",
    "advisor-model-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    thinking_modes=THINKING_MODES,
    gate=("tools",),
)
def advisor_model_unsupported(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags an advisor tool (`advisor_20260301`) whose `model` the executor model does not
    accept as its advisor (the capability table's `advisors`, known for Claude Sonnet
    5.5 and Fable/Mythos 5.2). Executors whose list is unknown are not judged.

    ## Why is this bad?
    The API answers HTTP 400. Sonnet 5.5 "needs one of these advisors: Claude Opus 5,
    Claude Opus 5.5, Claude Sonnet 5.5, Claude Fable 5, Claude Fable 5.1, Claude Mythos 5,
    or Claude Mythos 5.1. Claude Opus 4.8, Claude Opus 4.7, Claude Opus 4.6, Claude Sonnet
    5, and Claude Sonnet 4.6 advisors return a 400 error." (Sonnet 5.5 migration guide);
    "a Claude Fable 5.2 executor needs a Claude Fable 5.2 or Claude Mythos 5.2 advisor"
    (Fable 5.2 what's new).

    ## Example
    ```json
    {"model": "claude-sonnet-5-5", "max_tokens": 1024, "tools": [
      {"type": "advisor_20260301", "name": "advisor", "model": "claude-opus-4-8"}],
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Fix safety
    No fix: pick an advisor the executor accepts.

    ## API error
    The exact text is not known.

    ## Thinking modes
    Every mode: the pairing is a property of the two models.

    ## Applies to
    Requests, token counts and batch items.
    """
    caps = ctx.capabilities
    if caps is None or caps.advisors is None:
        return
    for i, tool, kind in _tools_of_type(body):
        advisor = tool.get("model")
        if not kind.startswith("advisor_") or not isinstance(advisor, str):
            continue
        if advisor not in caps.advisors and _canonical(advisor) not in caps.advisors:
            yield Violation(
                message=(
                    f"`{ctx.model}` does not accept `{advisor}` as its advisor; it accepts "
                    + ", ".join(f"`{a}`" for a in caps.advisors)
                ),
                path=("tools", i, "model"),
            )


def _canonical(model: str) -> str:
    from messages_schema._capabilities import capabilities_for

    caps = capabilities_for(model)
    return caps.id if caps is not None else model


@rule(
    "MOD012",
    "fallbacks-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    thinking_modes=THINKING_MODES,
    gate=("fallbacks",),
)
def fallbacks_unsupported(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a list of fallback models (`fallbacks: [...]`) for a model that takes no list
    (the capability table's `fallbacks`: `none` on Claude Haiku 5.5, `default` only on
    Claude Sonnet 5.5). `fallbacks: "default"` is never flagged.

    ## Why is this bad?
    "Some models don't support fallbacks; on those models, a list of fallback models
    returns a 400 error", while `"default"` runs "on the requested model alone" (SDK 2.17
    `BetaFallbacksParam` docs). Sonnet 5.5 takes "`fallbacks: "default"`, beta, Claude API
    only"; Haiku 5.5 "has no server-side fallback" (migration guides).

    ## Example
    ```json
    {"model": "claude-haiku-5-5", "max_tokens": 1024,
     "fallbacks": [{"model": "claude-sonnet-5-5"}],
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Fix safety
    No fix.

    ## API error
    The exact text is not known.

    ## Thinking modes
    Every mode: fallback support is a property of the model.

    ## Applies to
    Requests and batch items.
    """
    caps = ctx.capabilities
    if caps is None or caps.fallbacks not in ("none", "default"):
        return
    if isinstance(body.get("fallbacks"), list):
        yield Violation(
            message=(
                f"`{ctx.model}` takes no list of fallback models"
                + (' (only `"default"`)' if caps.fallbacks == "default" else "")
            ),
            path=("fallbacks",),
        )


@rule(
    "MOD013",
    "tool-type-unsupported",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    thinking_modes=THINKING_MODES,
    gate=("tools",),
)
def tool_type_unsupported(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a tool whose `type` the model rejects (the capability table's
    `unsupported_tool_types`: `computer_20251124` on Claude Opus 5.5 and Sonnet 5.5,
    `computer_20250124` on Sonnet 5.5 and Haiku 5.5).

    ## Why is this bad?
    The API answers HTTP 400 naming the type and suggesting the supported versions.

    ## Example
    ```json
    {"model": "claude-opus-5-5", "max_tokens": 1024, "tools": [{"type": "computer_20251124",
      "name": "computer", "display_width_px": 1024, "display_height_px": 768}],
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Fix safety
    No fix: use the tool version the model supports.

    ## API error
    `'claude-opus-5-5' does not support tool types: computer_20251124.` followed by a
    suggestion (Opus 5.5 what's new, platform.claude.com, 2026-09). The Sonnet 5.5 and
    Haiku 5.5 guides say the rejection holds on the Claude API and Google Cloud.

    ## Thinking modes
    Every mode: tool support is a property of the model.

    ## Applies to
    Requests, token counts and batch items.
    """
    caps = ctx.capabilities
    if caps is None or not caps.unsupported_tool_types:
        return
    for i, _, kind in _tools_of_type(body):
        if kind in caps.unsupported_tool_types:
            text = f"'{ctx.model}' does not support tool types: {kind}."
            yield Violation(message=text, path=("tools", i, "type"), api_error=text, api_path="")
