"""
Model capabilities as data: the shipped table, user tables, and `capabilities_for`.

The table (``messages_schema/data/capabilities.toml``) has the shape of the API's
``GET /v1/models`` ``ModelInfo`` plus a few extras the API does not publish (prefill
support, sampling constraints, ``role: system`` messages). A user table given as
``LintConfig.capabilities`` extends or overrides it, model by model and key by key.

Every value is optional: a rule whose value is missing skips its check (``None`` means
"unknown", never "no").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from messages_schema.exceptions import ConfigError

__all__ = [
    "Capabilities",
    "EffortCapability",
    "ModelCapabilities",
    "ThinkingCapability",
    "ThinkingTypes",
    "capabilities_for",
    "load_capabilities",
    "platform_free_id",
]

#: Effort levels of ``output_config.effort``, in order (API inventory §5.4).
EFFORT_LEVELS: Final = ("low", "medium", "high", "xhigh", "max")
#: Thinking config types (API inventory §5.2).
THINKING_TYPES: Final = ("adaptive", "between_tools", "disabled", "enabled")
_SUPPORT_FLAGS: Final = (
    "batch",
    "citations",
    "code_execution",
    "image_input",
    "pdf_input",
    "structured_outputs",
)
_TOP_KEYS: Final = frozenset(
    {
        "display_name",
        "aliases",
        "lifecycle",
        "deprecated_at",
        "retires_at",
        "max_tokens",
        "max_input_tokens",
        "capabilities",
        "prefill",
        "temperature_top_p_exclusive",
        "sampling_parameters",
        "system_messages",
        "deprecated_thinking_types",
        "thinking_default",
        "max_tokens_with_beta",
        "forced_tool_choice",
        "thinking_off_max_effort",
        "fallbacks",
        "advisors",
        "unsupported_tool_types",
        "id",
        "type",
        "created_at",
        "line",
    }
)
_LIFECYCLES: Final = frozenset({"active", "legacy", "deprecated", "retired"})
#: Values of ``fallbacks``: a list of fallback models is accepted, only ``"default"``, or
#: neither (the parameter is a 400).
FALLBACK_FORMS: Final = ("list", "default", "none")


@attrs.frozen(kw_only=True)
class ThinkingTypes:
    """Which ``thinking.type`` values the model accepts (``None``: unknown)."""

    adaptive: bool | None = None
    between_tools: bool | None = None
    disabled: bool | None = None
    enabled: bool | None = None

    def allows(self, kind: str) -> bool | None:
        """Whether *kind* is accepted: True, False, or None when unknown."""
        value = getattr(self, kind, None) if kind in THINKING_TYPES else None
        return value if isinstance(value, bool) else None


@attrs.frozen(kw_only=True)
class ThinkingCapability:
    """``capabilities.thinking``: overall support and the accepted types."""

    supported: bool | None = None
    types: ThinkingTypes = ThinkingTypes()


@attrs.frozen(kw_only=True)
class EffortCapability:
    """``capabilities.effort``: overall support and each level."""

    supported: bool | None = None
    low: bool | None = None
    medium: bool | None = None
    high: bool | None = None
    xhigh: bool | None = None
    max: bool | None = None

    def allows(self, level: str) -> bool | None:
        """Whether effort *level* is accepted: True, False, or None when unknown."""
        if self.supported is False:
            return False
        value = getattr(self, level, None) if level in EFFORT_LEVELS else None
        return value if isinstance(value, bool) else None


@attrs.frozen(kw_only=True)
class Capabilities:
    """``ModelInfo.capabilities``, each leaf ``True``/``False``/``None`` (unknown)."""

    batch: bool | None = None
    citations: bool | None = None
    code_execution: bool | None = None
    image_input: bool | None = None
    pdf_input: bool | None = None
    structured_outputs: bool | None = None
    thinking: ThinkingCapability = ThinkingCapability()
    effort: EffortCapability = EffortCapability()


@attrs.frozen(kw_only=True)
class ModelCapabilities:
    """
    What one model accepts, as far as the table knows.

    Attributes mirror ``ModelInfo`` (``id``, ``display_name``, ``lifecycle``,
    ``deprecated_at``, ``retires_at``, ``max_tokens``, ``max_input_tokens``,
    ``capabilities``) plus the extras described in the table's header. ``None``
    always means "unknown": rules skip the check.

    .. versionadded:: 0.1.0
    """

    id: str
    display_name: str | None = None
    aliases: tuple[str, ...] = ()
    lifecycle: str | None = None
    deprecated_at: dt.date | None = None
    retires_at: dt.date | None = None
    max_tokens: int | None = None
    max_input_tokens: int | None = None
    capabilities: Capabilities = Capabilities()
    prefill: bool | None = None
    temperature_top_p_exclusive: bool | None = None
    sampling_parameters: bool | None = None
    system_messages: bool | None = None
    deprecated_thinking_types: tuple[str, ...] = ()
    #: The thinking mode of a request that sends no ``thinking``: ``adaptive`` on models
    #: that think by default (Claude Sonnet 5, Opus 5, Fable, Mythos), ``disabled`` on
    #: the others; None when unknown.
    thinking_default: str | None = None
    max_tokens_with_beta: tuple[tuple[str, int], ...] = ()
    #: False: ``tool_choice`` of type ``any`` or ``tool`` is a 400 on this model.
    forced_tool_choice: bool | None = None
    #: The highest ``output_config.effort`` at which thinking can be turned off
    #: (``disabled`` / ``between_tools``); a higher level with thinking off is a 400.
    thinking_off_max_effort: str | None = None
    #: Which ``fallbacks`` forms the model takes as primary: ``list``, ``default`` or ``none``.
    fallbacks: str | None = None
    #: Models the advisor tool may name when this model is the executor (None: unknown).
    advisors: tuple[str, ...] | None = None
    #: Tool ``type`` values this model rejects (``computer_20251124`` on Opus 5.5, ...).
    unsupported_tool_types: tuple[str, ...] = ()

    def is_retired(self, on: dt.date) -> bool:
        """
        Whether the model is past its retirement date on the day *on*.

        The day is an input (`LintConfig.as_of`), never the wall clock: a verdict must
        not change with the day it is computed.
        """
        if self.retires_at is not None:
            return self.retires_at <= on
        # Known retired, date unknown: retired on any day a user would lint for.
        return self.lifecycle == "retired"

    def output_ceiling(self, betas: tuple[str, ...] | frozenset[str]) -> int | None:
        """The largest ``max_tokens`` accepted with *betas*, or None when unknown."""
        best = self.max_tokens
        for beta, ceiling in self.max_tokens_with_beta:
            if beta in betas:
                best = ceiling if best is None else max(best, ceiling)
        return best


# -- parsing ------------------------------------------------------------------------------


def _fail(source: str, model: str, message: str) -> ConfigError:
    return ConfigError(f"{source}: model {model!r}: {message}")


def _flag(value: Any, source: str, model: str, where: str) -> bool | None:
    """A capability leaf: a bool, or the ModelInfo spelling ``{supported = bool}``."""
    if isinstance(value, dict):
        value = value.get("supported")
    if value is None or isinstance(value, bool):
        return value
    raise _fail(source, model, f"{where} must be true or false")


def _date(value: Any, source: str, model: str, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise _fail(source, model, f"{where} must be a date such as 2026-06-15")


def _int(value: Any, source: str, model: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise _fail(source, model, f"{where} must be a non-negative integer")


def _str(value: Any, source: str, model: str, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _fail(source, model, f"{where} must be a string")


def _strings(value: Any, source: str, model: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _fail(source, model, f"{where} must be a list of strings")


def _check_keys(
    table: Mapping[str, Any], allowed: Any, source: str, model: str, where: str
) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise _fail(source, model, f"unknown key(s) in {where}: {', '.join(unknown)}")


def _capabilities(raw: Any, source: str, model: str) -> Capabilities:
    if raw is None:
        return Capabilities()
    if not isinstance(raw, dict):
        raise _fail(source, model, "capabilities must be a table")
    known = {*_SUPPORT_FLAGS, "thinking", "effort", "context_management", "server_tools"}
    _check_keys(raw, known, source, model, "capabilities")
    flags = {
        name: _flag(raw.get(name), source, model, f"capabilities.{name}") for name in _SUPPORT_FLAGS
    }
    thinking_raw = raw.get("thinking") or {}
    if not isinstance(thinking_raw, dict):
        raise _fail(source, model, "capabilities.thinking must be a table")
    _check_keys(thinking_raw, {"supported", "types"}, source, model, "capabilities.thinking")
    types_raw = thinking_raw.get("types") or {}
    if not isinstance(types_raw, dict):
        raise _fail(source, model, "capabilities.thinking.types must be a table")
    _check_keys(types_raw, THINKING_TYPES, source, model, "capabilities.thinking.types")
    thinking = ThinkingCapability(
        supported=_flag(thinking_raw.get("supported"), source, model, "thinking.supported"),
        types=ThinkingTypes(
            **{
                t: _flag(types_raw.get(t), source, model, f"thinking.types.{t}")
                for t in THINKING_TYPES
            }
        ),
    )
    effort_raw = raw.get("effort") or {}
    if not isinstance(effort_raw, dict):
        raise _fail(source, model, "capabilities.effort must be a table")
    _check_keys(effort_raw, {"supported", *EFFORT_LEVELS}, source, model, "capabilities.effort")
    effort = EffortCapability(
        **{
            k: _flag(effort_raw.get(k), source, model, f"effort.{k}")
            for k in ("supported", *EFFORT_LEVELS)
        }
    )
    return Capabilities(**flags, thinking=thinking, effort=effort)


def _model(model: str, raw: Mapping[str, Any], source: str) -> ModelCapabilities:
    _check_keys(raw, _TOP_KEYS, source, model, "the model table")
    lifecycle = _str(raw.get("lifecycle"), source, model, "lifecycle")
    if lifecycle is not None and lifecycle not in _LIFECYCLES:
        raise _fail(source, model, f"lifecycle must be one of {', '.join(sorted(_LIFECYCLES))}")
    betas = raw.get("max_tokens_with_beta") or {}
    if not isinstance(betas, dict):
        raise _fail(source, model, "max_tokens_with_beta must be a table of beta = tokens")
    with_beta = tuple(
        sorted(
            (str(k), v)
            for k, v in betas.items()
            if _int(v, source, model, f"max_tokens_with_beta.{k}") is not None
        )
    )
    deprecated_types = _strings(
        raw.get("deprecated_thinking_types"), source, model, "deprecated_thinking_types"
    )
    if set(deprecated_types) - set(THINKING_TYPES):
        raise _fail(source, model, "deprecated_thinking_types names an unknown thinking type")
    off_effort = _str(
        raw.get("thinking_off_max_effort"), source, model, "thinking_off_max_effort"
    )
    if off_effort is not None and off_effort not in EFFORT_LEVELS:
        raise _fail(source, model, f"thinking_off_max_effort must be one of {EFFORT_LEVELS}")
    fallbacks = _str(raw.get("fallbacks"), source, model, "fallbacks")
    if fallbacks is not None and fallbacks not in FALLBACK_FORMS:
        raise _fail(source, model, f"fallbacks must be one of {', '.join(FALLBACK_FORMS)}")
    advisors = (
        _strings(raw["advisors"], source, model, "advisors") if "advisors" in raw else None
    )
    thinking_default = _str(raw.get("thinking_default"), source, model, "thinking_default")
    if thinking_default is not None and thinking_default not in THINKING_TYPES:
        raise _fail(
            source, model, f"thinking_default must be one of {', '.join(THINKING_TYPES)}"
        )
    return ModelCapabilities(
        id=model,
        display_name=_str(raw.get("display_name"), source, model, "display_name"),
        aliases=_strings(raw.get("aliases"), source, model, "aliases"),
        lifecycle=lifecycle,
        deprecated_at=_date(raw.get("deprecated_at"), source, model, "deprecated_at"),
        retires_at=_date(raw.get("retires_at"), source, model, "retires_at"),
        max_tokens=_int(raw.get("max_tokens"), source, model, "max_tokens"),
        max_input_tokens=_int(raw.get("max_input_tokens"), source, model, "max_input_tokens"),
        capabilities=_capabilities(raw.get("capabilities"), source, model),
        prefill=_flag(raw.get("prefill"), source, model, "prefill"),
        temperature_top_p_exclusive=_flag(
            raw.get("temperature_top_p_exclusive"), source, model, "temperature_top_p_exclusive"
        ),
        sampling_parameters=_flag(
            raw.get("sampling_parameters"), source, model, "sampling_parameters"
        ),
        system_messages=_flag(raw.get("system_messages"), source, model, "system_messages"),
        deprecated_thinking_types=deprecated_types,
        thinking_default=thinking_default,
        max_tokens_with_beta=with_beta,
        forced_tool_choice=_flag(
            raw.get("forced_tool_choice"), source, model, "forced_tool_choice"
        ),
        thinking_off_max_effort=off_effort,
        fallbacks=fallbacks,
        advisors=advisors,
        unsupported_tool_types=_strings(
            raw.get("unsupported_tool_types"), source, model, "unsupported_tool_types"
        ),
    )


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge *extra* into a copy of *base* (tables merge, everything else replaces)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), value)
        else:
            out[key] = value
    return out


def _read(text: str, source: str) -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{source}: {exc}"
        raise ConfigError(msg) from exc
    models = data.get("models", {})
    if not isinstance(models, dict) or not all(isinstance(v, dict) for v in models.values()):
        msg = f'{source}: [models."<id>"] tables expected'
        raise ConfigError(msg)
    unknown = sorted(set(data) - {"models", "schema_version"})
    if unknown:
        msg = f"{source}: unknown top-level key(s) {', '.join(unknown)}"
        raise ConfigError(msg)
    return models


def _shipped_text() -> str:
    return (
        resources.files("messages_schema")
        .joinpath("data/capabilities.toml")
        .read_text(encoding="utf-8")
    )


@functools.lru_cache(maxsize=16)
def load_capabilities(path: str | None = None) -> Mapping[str, ModelCapabilities]:
    """
    Return the capability table by model id and alias, with the user table at *path* applied.

    A user entry for a shipped id (or one of its aliases) overrides that model key by
    key; a new id adds a model. Results are cached per *path*.

    Raises:
        ConfigError: A table does not parse or has a value of the wrong type.

    .. versionadded:: 0.1.0
    """
    raw = _read(_shipped_text(), "capabilities.toml (shipped)")
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            msg = f"capabilities file {path}: {exc.strerror or exc}"
            raise ConfigError(msg) from exc
        except UnicodeDecodeError as exc:
            msg = f"capabilities file {path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            raise ConfigError(msg) from exc
        alias_of = {
            alias: model for model, entry in raw.items() for alias in entry.get("aliases", ())
        }
        for model, entry in _read(text, str(path)).items():
            canonical = model if model in raw else alias_of.get(model, model)
            raw[canonical] = _merge(raw.get(canonical, {}), entry)
    index: dict[str, ModelCapabilities] = {}
    source = path or "capabilities.toml"
    for model, entry in raw.items():
        caps = _model(model, entry, source)
        index[model] = caps
        for alias in caps.aliases:
            index.setdefault(alias, caps)
    return MappingProxyType(index)


def capabilities_for(model: str, override_path: str | None = None) -> ModelCapabilities | None:
    """
    Return what the table knows about *model*, or None when the id is unknown.

    *override_path* is ``LintConfig.capabilities``: a TOML file that extends or
    overrides the shipped table.

    Raises:
        ConfigError: The user table cannot be read or is not valid.

    .. versionadded:: 0.1.0
    """
    table = load_capabilities(override_path)
    found = table.get(model)
    if found is None:
        plain = platform_free_id(model)
        if plain != model:
            found = table.get(plain)
    return found


_BEDROCK_VERSION = re.compile(r"-v\d+(?::\d+)?$")


@functools.lru_cache(maxsize=1024)
def platform_free_id(model: str) -> str:
    """
    The first-party id inside a cloud platform's model id, or *model* itself.

    Amazon Bedrock names models ``anthropic.claude-opus-4-7`` or, through a
    cross-region profile, ``us.anthropic.claude-haiku-4-5-20251001-v1:0``; Google Vertex AI
    ``claude-opus-4-7@20260416``. Proxies pass these ids through, and the model behind them
    accepts and refuses what the first-party id does, so the capability table applies.

    .. versionadded:: 0.2.0
    """
    plain = model.rsplit("/", 1)[-1]
    if "anthropic." in plain:
        plain = plain.split("anthropic.", 1)[1]
        plain = _BEDROCK_VERSION.sub("", plain)
    if "@" in plain:
        plain = plain.split("@", 1)[0]
    return plain
