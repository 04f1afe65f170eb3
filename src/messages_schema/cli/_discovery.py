"""Which files ``check`` reads: paths and folders expanded, formats from names or first bytes."""

from __future__ import annotations

import argparse
import fnmatch
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import attrs

from messages_schema.cli import _files
from messages_schema.cli._io import UsageError

__all__ = [
    "DEFAULT_EXCLUDE",
    "DEFAULT_INCLUDE",
    "SNIFF_BYTES",
    "Source",
    "nothing_found",
    "sniffed",
    "sources",
]

#: Globs a folder walk picks up unless ``--include`` says otherwise.
DEFAULT_INCLUDE = ("*.json", "*.jsonl", "*.ndjson", "*.sse")
#: Folders (and files) a folder walk skips; ``--exclude`` adds to them.
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", ".nox",
)
#: Bytes of JSONL per task: big enough to amortise a task, small enough to balance.
#: Bytes read to guess the format of a file whose name does not tell.
SNIFF_BYTES = 64 * 1024


@attrs.frozen
class Source:
    """
    One input: a file on disk, a named pipe, or stdin (``path`` None).

    ``fmt`` is ``json``, ``jsonl``, ``sse`` or ``parquet``, or ``""`` until it is sniffed
    from the first bytes. A compressed file (``codec``) or a pipe is read front to back.
    """

    name: str
    path: Path | None
    fmt: str
    codec: str | None = None
    pipe: bool = False

    @property
    def streamed(self) -> bool:
        """Read front to back in one pass: no byte ranges, no size known up front."""
        return self.path is None or self.codec is not None or self.pipe


def _matches(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, g) or fnmatch.fnmatchcase(rel, g) for g in globs)


def _included(rel: str, name: str, include: Sequence[str]) -> bool:
    """Whether an include glob matches the file, or the file without a ``.gz``-like suffix."""
    if _matches(rel, name, include):
        return True
    bare = _files.strip_codec(name)
    return bare != name and _matches(_files.strip_codec(rel), bare, include)


def _walk(root: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        dirs[:] = sorted(
            d for d in dirs
            if not _matches((base / d).relative_to(root).as_posix(), d, exclude)
        )
        for name in sorted(files):
            path = base / name
            rel = path.relative_to(root).as_posix()
            if _included(rel, name, include) and not _matches(rel, name, exclude):
                yield path


def _format_of_name(name: str) -> str:
    """The format a file name says, compression suffix aside; ``""`` when it says none."""
    return _files.EXTENSIONS.get(Path(_files.strip_codec(name)).suffix.lower(), "")


def _sniff_file(path: Path) -> str:
    """The format of a plain file whose name does not tell: Parquet by its magic bytes."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError:
        return "json"  # the task reports why it cannot be read
    if _files.is_parquet(head):
        return "parquet"
    return _files.sniff(head)


def sources(args: argparse.Namespace, warn: Callable[[str], None]) -> list[Source]:
    """
    Every input named on the command line, folders expanded, each file once.

    Special files (devices, sockets, and named pipes met in a folder walk) and paths
    in a folder that lead nowhere are skipped with a warning. A named pipe given by
    name is read like stdin. A named path that leads nowhere is a usage error.
    Formats come from the names only; `sniffed` fills in the rest.
    """
    include = tuple(args.include) or DEFAULT_INCLUDE
    exclude = (*DEFAULT_EXCLUDE, *args.exclude)
    out: list[Source] = []
    seen: set[Path] = set()
    stdin_seen = False

    def keep(path: Path, *, named: bool) -> bool:
        what = _files.what_is(path)
        if what in _files.NOWHERE or what.startswith("unreadable"):
            problem = _files.unreachable(path, what)
            if named:
                raise UsageError(problem)
            warn(f"{problem}; skipped")
            return False
        if what != _files.FILE and not (what == _files.PIPE and named):
            warn(f"{path}: skipped: a {what}, not a regular file")
            return False
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            codec = _files.codec_of(path) if what == _files.FILE else None
            out.append(Source(str(path), path, _format_of_name(path.name), codec=codec,
                              pipe=what == _files.PIPE))
        return True

    for raw in args.paths:
        if raw == "-":
            if stdin_seen:
                continue
            stdin_seen = True
            name = args.stdin_filename or "-"
            fmt = _format_of_name(name) if args.stdin_filename else ""
            out.append(Source(name, None, fmt))
            continue
        path = Path(raw)
        if _files.what_is(path) == _files.FOLDER:
            found = [p for p in _walk(path, include, exclude) if keep(p, named=False)]
            if not found and len(args.paths) > 1:
                warn(f"{raw}: no files to check in this folder")
        else:
            keep(path, named=True)
    if any(s.codec == "zstd" for s in out):
        try:
            _files.zstd_module()
        except ImportError as exc:
            raise UsageError(str(exc)) from exc
    return out


def sniffed(inputs: list[Source]) -> list[Source]:
    """*inputs* with the format of each plain file whose name does not tell it filled in."""
    return [
        attrs.evolve(s, fmt=_sniff_file(s.path))
        if not s.fmt and not s.streamed and s.path is not None else s
        for s in inputs
    ]


def nothing_found(args: argparse.Namespace) -> UsageError:
    include = ", ".join(tuple(args.include) or DEFAULT_INCLUDE)
    msg = (
        f"no files to check in {' '.join(args.paths)} (looked for {include}, each also "
        "compressed as .gz, .bz2, .xz or .zst; see --include)"
    )
    return UsageError(msg)
