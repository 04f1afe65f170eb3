"""
The ``messages-schema`` command line.

`main` parses ``sys.argv``; `run` takes the streams, so tests call it in-process and
read the exit code: 0 no error finding, 1 error findings, 2 usage or I/O error.

Each subcommand lives in its own module of this package (``check``, ``info``,
``normalize``, ``serve``) exposing ``add(subparsers)``, which registers the parser and
sets ``handler`` to a function ``(args, io) -> int``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from typing import IO

from messages_schema.cli._io import IO_, UsageError
from messages_schema.exceptions import MessagesSchemaError

__all__ = ["IO_", "UsageError", "main", "run"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="messages-schema",
        description="Check Anthropic Messages API payloads before they are sent.",
    )
    parser.add_argument("--version", action="version", version=f"messages-schema {_version()}",
                        help="print the installed version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # The subcommand modules, in the order ``--help`` lists them; imported here, not at
    # the top, so that `messages_schema.cli.IO_` costs no subcommand's imports.
    from messages_schema.cli import check, info, normalize, serve

    for module in (check, info, normalize, serve):
        module.add(sub)
    return parser


def _version() -> str:
    """The installed distribution's version (``0+unknown`` when run from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("messages-schema")
    except PackageNotFoundError:
        return "0+unknown"


def run(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command line with *argv*; return the exit code."""
    io = IO_(stdin or sys.stdin.buffer, stdout or sys.stdout, stderr or sys.stderr)
    parser = _parser()
    try:
        # argparse writes usage errors and --help to the process streams: send them to ours.
        with contextlib.redirect_stderr(io.stderr), contextlib.redirect_stdout(io.stdout):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(io.stdout)
        return 2
    try:
        return int(handler(args, io))
    except (UsageError, MessagesSchemaError) as exc:
        io.stderr.write(f"messages-schema: {exc}\n")
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``messages-schema`` console script."""
    try:
        return run(argv)
    except BrokenPipeError:  # the reader went away (``| head``): not our error
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
