"""Imports every rule family module so that their rules register, in code order."""

from messages_schema.rules import (
    _batch,  # noqa: F401
    _cache,  # noqa: F401
    _limits,  # noqa: F401
    _media,  # noqa: F401
    _models,  # noqa: F401
    _outputs,  # noqa: F401
    _schema,  # noqa: F401
    _sse,  # noqa: F401
    _thinking,  # noqa: F401
    _tools,  # noqa: F401
    _turns,  # noqa: F401
    _versions,  # noqa: F401
)
