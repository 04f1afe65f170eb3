"""
Schemas, models, normalizers and a linter for Anthropic Messages API payloads.

Tells you, before a request is sent, whether the API would accept it, and if not,
where and why, in the API's own path and wording::

    >>> from messages_schema import lint
    >>> body = {"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "Hi"}]}
    >>> [(f.code, f.api_path, f.message) for f in lint(body)]
    [('SCH001', 'max_tokens', 'Field required')]
"""

import typing

from messages_schema.config import LintConfig
from messages_schema.exceptions import (
    ConfigError,
    MessagesSchemaError,
    SchemaNotFoundError,
    StreamError,
    StructureError,
    UnknownRuleError,
    UnstructureError,
)
from messages_schema.findings import Applicability, Edit, Finding, Fix, Location, Severity
from messages_schema.linter import Linter, is_valid, lint
from messages_schema.schemas._betas import KNOWN_BETAS

if typing.TYPE_CHECKING:
    from messages_schema.converter import dumps, loads, structure, unstructure
    from messages_schema.fixes import apply_fixes, fix_until_stable
    from messages_schema.normalize import normalize_batch_request, normalize_request

# Plain sorted order (`test_exports`), not ruff's constants-first order.
__all__ = [  # noqa: RUF022
    "Applicability",
    "ConfigError",
    "Edit",
    "Finding",
    "Fix",
    "KNOWN_BETAS",
    "LintConfig",
    "Linter",
    "Location",
    "MessagesSchemaError",
    "SchemaNotFoundError",
    "Severity",
    "StreamError",
    "StructureError",
    "UnknownRuleError",
    "UnstructureError",
    "apply_fixes",
    "dumps",
    "fix_until_stable",
    "is_valid",
    "lint",
    "loads",
    "normalize_batch_request",
    "normalize_request",
    "structure",
    "unstructure",
]

_LAZY_SUBMODULES = frozenset({"models", "rules", "schemas", "stream", "normalize", "converter"})
#: Public names whose modules load on first use: the converter builds the cattrs hooks
#: of ~260 model classes, which `lint` and the check CLI never need (start-up time).
_LAZY_NAMES = {
    "dumps": "converter",
    "loads": "converter",
    "structure": "converter",
    "unstructure": "converter",
    "apply_fixes": "fixes",
    "fix_until_stable": "fixes",
    "normalize_batch_request": "normalize",
    "normalize_request": "normalize",
}


def __getattr__(name: str) -> object:
    if name in _LAZY_NAMES:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
        globals()[name] = value
        return value
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name == "__version__":
        from importlib.metadata import version

        return version("messages-schema")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
