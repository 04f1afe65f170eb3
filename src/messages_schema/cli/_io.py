"""What every subcommand shares: the streams it reads and writes, and its usage error."""

from __future__ import annotations

from typing import IO

import attrs

__all__ = ["IO_", "UsageError"]


class UsageError(Exception):
    """A bad argument or an unreadable file: exit code 2."""


@attrs.frozen
class IO_:  # noqa: N801 - a bundle of the three streams, named for what it holds
    """The streams a command reads and writes."""

    stdin: IO[bytes]
    stdout: IO[str]
    stderr: IO[str]
