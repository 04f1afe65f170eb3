"""
Beta-only request fields, read from ``data/betas.toml``, and the schema views they imply.

The shipped request schema describes every field the API knows, beta-only ones included;
``betas.toml`` says which of them exist only under an ``anthropic-beta`` value. Without
the header the API treats them as unknown: a beta-only key is answered with
``Extra inputs are not permitted`` at its path, a beta-only block or tool type with a
union tag error, a beta-only literal with a literal error. `view` strips from a schema
what the configured betas do not unlock, so the structural pass rejects exactly that,
and marks each stripped item (``x-anthropic-beta``) so the linter can name the beta.

Names and values come from the SDK's ``anthropic.types.beta`` (checked by
``tools/sdk_audit.py``); where the SDK does not say which value unlocks a field, every
value of that feature's family is accepted, so a valid beta request is never flagged.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any, Final, Literal, TypeAlias

import attrs
import orjson

__all__ = [
    "ANNOTATION",
    "KNOWN_BETAS",
    "Unlock",
    "betas_for",
    "known_betas",
    "relevant",
    "unknown_betas",
    "unlocks",
    "view",
]

#: The keyword marking, in a view, what was stripped and which betas unlock it.
ANNOTATION: Final = "x-anthropic-beta"
#: The schema file the beta data describes.
STEM: Final = "request"

What: TypeAlias = Literal["key", "tag", "value", "optional"]
_SECTIONS: Final[tuple[What, ...]] = ("key", "tag", "value", "optional")


@attrs.frozen
class Unlock:
    """
    One beta-only item of the request schema and the ``anthropic-beta`` values unlocking it.

    *what* is ``key`` (a property of the object ``$def`` *at*), ``tag`` (a member of the
    tagged union ``$def`` *at*), ``value`` (a literal of property *key* of *at*) or
    ``optional`` (property *name* of *at* may be left out only under the beta).
    """

    what: What
    at: str
    name: str
    betas: tuple[str, ...]
    key: str | None = None
    note: str = ""

    def describe(self) -> str:
        """A short name for messages: ``SystemMessageParam.clear_at`` and the like."""
        if self.what == "tag":
            return f"{self.at}{{type={self.name}}}"
        if self.what == "value":
            return f"{self.at}.{self.key}={self.name!r}"
        return f"{self.at}.{self.name}"


def _parse(data: dict[str, Any]) -> tuple[Unlock, ...]:
    families: dict[str, list[str]] = data.get("family", {})
    out: list[Unlock] = []
    for what in _SECTIONS:
        for entry in data.get(what, ()):
            named = families[entry["family"]] if "family" in entry else entry["betas"]
            betas = tuple(named)
            ats = entry["at"] if isinstance(entry["at"], list) else [entry["at"]]
            for at in ats:
                out.append(
                    Unlock(what, at, entry["name"], betas, entry.get("key"), entry.get("note", ""))
                )
    return tuple(out)


@functools.cache
def unlocks() -> tuple[Unlock, ...]:
    """Every beta-only item of the shipped data, in file order."""
    text = resources.files("messages_schema").joinpath("data/betas.toml").read_text("utf-8")
    return _parse(tomllib.loads(text))


def parse(text: str) -> tuple[Unlock, ...]:
    """The items of a ``betas.toml`` text (for tools checking a candidate file)."""
    return _parse(tomllib.loads(text))


@functools.cache
def known_betas() -> frozenset[str]:
    """Every ``anthropic-beta`` value that unlocks something in the shipped data."""
    return frozenset(b for u in unlocks() for b in u.betas)


def relevant(configured: Iterable[str]) -> frozenset[str]:
    """The configured values that unlock anything (the key of a schema view)."""
    known = known_betas()
    return frozenset(b for b in configured if b in known)


def betas_for(path: tuple[str | int, ...], tag: str | None) -> tuple[str, ...] | None:
    """
    Return the beta values that unlock a key named like *path*'s last part, or tag *tag*.

    A lookup by name only, for messages and tools; the linter reads the exact item
    from the view's annotations instead. None when nothing of that name is beta-only.
    """
    for item in unlocks():
        if tag is None and item.what == "key" and path and item.name == str(path[-1]):
            return item.betas
        if tag is not None and item.what == "tag" and item.name == tag:
            return item.betas
    return None


def _node(doc: dict[str, Any], at: str) -> dict[str, Any] | None:
    node: Any = doc.get("$defs", {})
    for part in at.split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def _mark(node: dict[str, Any], section: str, name: str, betas: tuple[str, ...]) -> None:
    marks = node.setdefault(ANNOTATION, {}).setdefault(section, {})
    marks[name] = list(dict.fromkeys([*marks.get(name, ()), *betas]))


def _enums(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``enum`` nodes of a property schema, through ``anyOf`` branches."""
    if "enum" in node:
        yield node
    for branch in node.get("anyOf", ()):
        if isinstance(branch, dict):
            yield from _enums(branch)


def _strip_key(node: dict[str, Any], item: Unlock) -> None:
    node.get("properties", {}).pop(item.name, None)
    if item.name in node.get("required", ()):
        node["required"] = [k for k in node["required"] if k != item.name]
    _mark(node, "keys", item.name, item.betas)


def _strip_tag(node: dict[str, Any], item: Unlock) -> None:
    disc = node.get("discriminator", {})
    prop = disc.get("propertyName", "type")
    disc.get("mapping", {}).pop(item.name, None)
    tag_node = node.get("properties", {}).get(prop, {})
    if "enum" in tag_node:
        tag_node["enum"] = [t for t in tag_node["enum"] if t != item.name]
        _mark(tag_node, "values", item.name, item.betas)
    node["allOf"] = [
        branch
        for branch in node.get("allOf", ())
        if branch.get("if", {}).get("properties", {}).get(prop, {}).get("const") != item.name
    ]


def _strip_value(node: dict[str, Any], item: Unlock) -> None:
    prop = node.get("properties", {}).get(item.key or "", {})
    for enum in _enums(prop):
        if item.name in enum["enum"]:
            enum["enum"] = [v for v in enum["enum"] if v != item.name]
            _mark(enum, "values", item.name, item.betas)


def _require(node: dict[str, Any], item: Unlock) -> None:
    required = node.setdefault("required", [])
    if item.name not in required:
        required.append(item.name)
    _mark(node, "optional", item.name, item.betas)


_STRIP: Final = {"key": _strip_key, "tag": _strip_tag, "value": _strip_value, "optional": _require}


def view(
    doc: dict[str, Any],
    unlocked: Iterable[str] = (),
    *,
    items: Iterable[Unlock] | None = None,
) -> dict[str, Any]:
    """
    Return a copy of the request schema *doc* without what *unlocked* does not unlock.

    Each stripped key, tag or literal (and each key made required again) is recorded on
    the node that rejects it, under `ANNOTATION`, with the betas that would unlock it.
    *items* defaults to the shipped data.
    """
    allowed = frozenset(unlocked)
    out: dict[str, Any] = orjson.loads(orjson.dumps(doc))  # a deep copy, fast
    for item in unlocks() if items is None else items:
        node = _node(out, item.at)
        # An item naming nothing strips nothing; tools/sdk_audit.py reports it.
        if node is not None and not allowed.intersection(item.betas):
            _STRIP[item.what](node, item)
    return out


#: Every ``anthropic-beta`` value this version knows: the ``AnthropicBetaParam`` literals of
#: the official Python SDK 2.17.0 (``anthropic/types/anthropic_beta_param.py``), plus older
#: values whose additions are GA today and Claude Code's client betas. A request sent with
#: any other value uses a beta newer than these schemas: findings about unknown keys,
#: types and values in it are warnings (`messages_schema.LintConfig.strict_unknown`).
KNOWN_BETAS: Final[frozenset[str]] = frozenset(
    {
        "computer-use-2024-10-22",
        "computer-use-2025-01-24",
        "output-128k-2025-02-19",
        "mcp-client-2025-04-04",
        "mcp-client-2025-11-20",
        "dev-full-thinking-2025-05-14",
        "interleaved-thinking-2025-05-14",
        "code-execution-2025-05-22",
        "context-1m-2025-08-07",
        "context-management-2025-06-27",
        "model-context-window-exceeded-2025-08-26",
        "fast-mode-2026-02-01",
        "output-300k-2026-03-24",
        "user-profiles-2026-03-24",
        "user-profiles-2026-08-18",
        "user-profiles-2026-09-04",
        "advisor-tool-2026-03-01",
        "managed-agents-2026-04-01",
        "dreaming-2026-04-21",
        "thinking-token-count-2026-05-13",
        "server-side-fallback-2026-06-01",
        "server-side-fallback-2026-07-01",
        "fallback-credit-2026-06-01",
        "fallback-credit-2026-07-01",
        "agent-memory-2026-07-22",
        "mid-conversation-tool-changes-2026-07-01",
        "compact-2026-01-12",
        "computer-use-2025-11-24",
        "mcp-tunnels-2026-06-22",
        "structured-outputs-2025-11-13",
        "task-budgets-2026-03-13",
        "thinking-display-updates-2026-08-18",
        "mid-conversation-output-config-2026-07-01",
        "thinking-binding-controls-2026-08-01",
        "mid-conversation-system-clear-at-2026-08-21",
        "compact-2026-09-04",
        "inline-tools-2026-09-15",
        "mcp-client-2026-09-15",
        "ce-plugins-2026-09-01",
        "spend-limit-reads-2026-09-26",
        "telemetry-destinations-2026-08-11",
        "webhooks-2026-10-07",
        "admin-user-sign-out-2026-10-08",
        "message-threads-2026-08-12",
        "analytics-usage-cost-2026-08-24",
        "experimental-claude-tag-2026-10-21",
        "message-batches-2024-09-24",
        "prompt-caching-2024-07-31",
        "pdfs-2024-09-25",
        "token-counting-2024-11-01",
        "token-efficient-tools-2025-02-19",
        "files-api-2025-04-14",
        "extended-cache-ttl-2025-04-11",
        "skills-2025-10-02",
        "cache-diagnosis-2026-04-07",
        "ce-user-management-2026-07-13",
        "ce-claude-code-managed-settings-2026-10-06",
        "efs-2026-10-01",
        "google-managed-data-controls-2026-09-01",
        "user-profiles-billing-2026-10-01",
    }
    # Betas that are no longer in the SDK's list but whose request additions these
    # schemas model (they are part of the GA request shape today), and Claude Code's
    # client betas, which add nothing to the body (under them a thinking block's
    # `cache_control` is still "Extra inputs are not permitted": router-for-me/
    # CLIProxyAPI#512, 2025-12-13). All are seen in recorded traffic.
    | {
        "tools-2024-04-04",
        "tools-2024-05-16",
        "fine-grained-tool-streaming-2025-05-14",
        "search-results-2025-06-09",
        "code-execution-2025-08-25",
        "web-fetch-2025-09-10",
        "tool-search-tool-2025-10-19",
        "advanced-tool-use-2025-11-20",
        "effort-2025-11-24",
        "claude-code-20250219",
        "oauth-2025-04-20",
    }
)


def unknown_betas(values: Iterable[str]) -> tuple[str, ...]:
    """The values of *values* that are not in `KNOWN_BETAS`, in order, each once."""
    return tuple(dict.fromkeys(v for v in values if v not in KNOWN_BETAS))
