"""
Files as users have them: what a path is, compressed JSONL, Parquet by its magic bytes.

`what_is` names a path the way a user would (a file, a folder, a named pipe, a symlink
loop), so ``check`` can skip special files with a warning and name paths that cannot
be read for what they are. `open_read` and `open_write` stream ``.gz``, ``.bz2``,
``.xz`` and ``.zst`` files through the matching decompressor and compressor, so a
compressed file is read front to back in the same bounded memory as a plain one.

Formats come from the extension or the content (`format_of`, `sniff`). A JSONL file is
never read whole: `plan_chunks` cuts it at line ends into byte ranges (scanning
fixed-size blocks), and `iter_lines` reads one range line by line with a bounded
``readline``, so a line longer than the record limit is skipped in blocks and reported
rather than held in memory.
"""

from __future__ import annotations

import bz2
import errno
import functools
import gzip
import importlib
import io
import lzma
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, cast

import attrs

from messages_schema import _jsonio
from messages_schema.exceptions import ConfigError

__all__ = [
    "CODECS",
    "DEFAULT_MAX_RECORD_BYTES",
    "EXTENSIONS",
    "MAX_ENV",
    "Chunk",
    "Line",
    "codec_of",
    "format_of",
    "is_parquet",
    "iter_lines",
    "max_record_bytes",
    "open_read",
    "open_write",
    "plan_chunks",
    "read_bounded",
    "read_errors",
    "sniff",
    "strip_codec",
    "too_large_message",
    "unreachable",
    "what_is",
    "zstd_module",
]

#: Compressed-file extensions and the codec each one names.
CODECS: Final = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}
_BUFFER: Final = 1 << 20
#: What a Parquet file starts (and ends) with.
PARQUET_MAGIC: Final = b"PAR1"

#: ``what_is`` answers for paths that can be read.
FILE: Final = "file"
FOLDER: Final = "folder"
PIPE: Final = "named pipe (FIFO)"
#: ``what_is`` answers for paths that do not lead to anything readable.
MISSING: Final = "missing"
LOOP: Final = "symlink loop"
BROKEN: Final = "broken symlink"
#: Every answer for a path that leads nowhere (besides ``unreadable (...)``).
NOWHERE: Final = frozenset({MISSING, LOOP, BROKEN})


def what_is(path: Path) -> str:
    """
    Say what *path* is, following symlinks: ``file``, ``folder``, a special file, or why not.

    Special files: ``named pipe (FIFO)``, ``character device``, ``block device``,
    ``socket``. Paths that lead nowhere: ``missing``, ``broken symlink``, ``symlink
    loop``, or ``unreadable (<reason>)``.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LOOP
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return BROKEN if os.path.islink(path) else MISSING
        return f"unreadable ({exc.strerror or exc})"
    except ValueError:  # an embedded NUL byte
        return MISSING
    if stat.S_ISREG(mode):
        return FILE
    if stat.S_ISDIR(mode):
        return FOLDER
    if stat.S_ISFIFO(mode):
        return PIPE
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def unreachable(path: Path, what: str) -> str:
    """Why a path that leads nowhere cannot be read, in a user's words."""
    if what == MISSING:
        return f"{path}: no such file or folder"
    if what == LOOP:
        return f"{path}: symlink loop (too many levels of symbolic links)"
    if what == BROKEN:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"{path}: broken symlink (its target {target} does not exist)"
    return f"{path}: {what}"


def codec_of(name: str | Path) -> str | None:
    """The codec a file name's last extension names (``x.jsonl.gz``: ``gzip``), or None."""
    return CODECS.get(Path(name).suffix.lower())


def strip_codec(name: str) -> str:
    """*name* without a compression extension: ``x.jsonl.gz`` becomes ``x.jsonl``."""
    suffix = Path(name).suffix
    return name[: -len(suffix)] if suffix.lower() in CODECS else name


def is_parquet(head: bytes) -> bool:
    """Whether a file starting with *head* is a Parquet file."""
    return head.startswith(PARQUET_MAGIC)


def zstd_module() -> Any:
    """The zstd module: the standard library's (Python 3.14+), else ``zstandard``."""
    for name in ("compression.zstd", "zstandard"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    msg = (
        "reading .zst files needs the zstandard package.\n"
        "Install it with: pip install 'messages-schema[zstd]'"
    )
    raise ImportError(msg)


def open_read(path: str | Path, codec: str | None) -> IO[bytes]:
    """
    Open *path* for reading, decompressing with *codec* (None: as it is).

    Raises:
        OSError: The file cannot be opened.
        ImportError: *codec* is ``zstd`` and no zstd module is installed.
    """
    if codec is None:
        return open(path, "rb")
    if codec == "gzip":
        return cast("IO[bytes]", gzip.open(path, "rb"))
    if codec == "bz2":
        return cast("IO[bytes]", bz2.open(path, "rb"))
    if codec == "xz":
        return cast("IO[bytes]", lzma.open(path, "rb"))
    zstd = zstd_module()
    if zstd.__name__ == "zstandard":
        raw = open(path, "rb")  # noqa: SIM115 - closed with the reader
        reader = zstd.ZstdDecompressor().stream_reader(raw, closefd=True)
        # zstandard's reader has no `readline`: a buffer in front gives it one.
        return io.BufferedReader(reader, _BUFFER)
    opened: IO[bytes] = zstd.open(path, "rb")
    return opened


def open_write(raw: IO[bytes], codec: str | None) -> IO[bytes]:
    """
    Wrap the binary stream *raw* in a compressor for *codec* (None: *raw* itself).

    Closing the returned stream finishes the compressed data; *raw* stays open.
    """
    if codec is None:
        return raw
    if codec == "gzip":
        return cast("IO[bytes]", gzip.GzipFile(fileobj=raw, mode="wb"))
    if codec == "bz2":
        return cast("IO[bytes]", bz2.BZ2File(raw, "wb"))
    if codec == "xz":
        return cast("IO[bytes]", lzma.LZMAFile(raw, "wb"))
    zstd = zstd_module()
    if zstd.__name__ == "zstandard":
        writer: IO[bytes] = zstd.ZstdCompressor().stream_writer(raw, closefd=False)
        return writer
    opened: IO[bytes] = zstd.ZstdFile(raw, "wb")
    return opened


@functools.cache
def read_errors() -> tuple[type[BaseException], ...]:
    """
    Exceptions reading a (possibly compressed) file raises on damaged or unreadable data.

    ``check`` reports each as an I/O error of that file (exit 2), never a traceback.
    """
    errors: list[type[BaseException]] = [OSError, EOFError, lzma.LZMAError]
    for name in ("zstandard", "compression.zstd"):
        try:
            errors.append(importlib.import_module(name).ZstdError)
        except (ImportError, AttributeError):
            continue
    return tuple(errors)


# -- records in bounded memory -------------------------------------------------------

#: File extensions ``check`` reads, and how.
EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".sse": "sse"}

#: Largest document (a ``.json`` or ``.sse`` file, or one JSONL line) that is checked.
DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024
MAX_ENV = "MESSAGES_SCHEMA_MAX_RECORD_BYTES"

_BLOCK = 1 << 20


def max_record_bytes() -> int:
    """
    The record size limit: ``$MESSAGES_SCHEMA_MAX_RECORD_BYTES`` or 256 MiB.

    Raises:
        ConfigError: The variable is set to something other than a positive integer
            (a typo must not silently fall back to the default).
    """
    raw = os.environ.get(MAX_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_RECORD_BYTES
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        msg = f"{MAX_ENV}={raw!r}: expected a positive number of bytes, such as 268435456"
        raise ConfigError(msg)
    return value


def too_large_message(size: int | None, limit: int) -> str:
    """The finding message for a document over the size limit."""
    what = "over" if size is None else f"{size:,} bytes,"
    return (
        f"Document too large to check ({what} the limit of {limit:,} bytes); "
        f"set {MAX_ENV} to raise the limit"
    )


def format_of(path: Path, default: str = "json") -> str:
    """Return ``json``, ``jsonl`` or ``sse`` for *path* by its extension."""
    return EXTENSIONS.get(path.suffix.lower(), default)


def sniff(head: bytes) -> str:
    """
    Guess a format from the first bytes of a file whose name does not tell.

    SSE when it starts with an ``event:``/``data:`` field; JSONL when the first line is a
    whole JSON document and more text follows; otherwise one JSON document.
    """
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"event:", b"data:", b"id:", b":")):
        return "sse"
    first, sep, rest = text.partition(b"\n")
    if sep and rest.strip():
        try:
            _jsonio.decode(first)
        except _jsonio.InvalidJSON:
            return "json"
        return "jsonl"
    return "json"


@attrs.frozen
class Chunk:
    """A byte range of a JSONL file that starts at a line start and ends after a line end."""

    start: int
    end: int
    first_line: int


def plan_chunks(stream: IO[bytes], target: int) -> Iterator[Chunk]:
    """
    Cut a seekable JSONL stream into chunks of about *target* bytes at line ends.

    Reads the stream in 1 MiB blocks (only counting line ends), so memory stays
    bounded whatever the length of the lines. Always yields at least one chunk.
    """
    start = 0
    pos = 0
    line = 1
    lines_in_chunk = 0
    yielded = False
    while True:
        block = stream.read(_BLOCK)
        if not block:
            break
        offset = 0
        while True:
            want = start + target - pos
            if want > len(block) - offset:
                lines_in_chunk += block.count(b"\n", offset)
                pos += len(block) - offset
                break
            cut = block.find(b"\n", offset + max(want - 1, 0))
            if cut < 0:
                lines_in_chunk += block.count(b"\n", offset)
                pos += len(block) - offset
                break
            lines_in_chunk += block.count(b"\n", offset, cut + 1)
            end = pos + (cut + 1 - offset)
            yield Chunk(start, end, line)
            yielded = True
            line += lines_in_chunk
            lines_in_chunk = 0
            start = pos = end
            offset = cut + 1
    if pos > start or not yielded:
        yield Chunk(start, pos, line)


@attrs.frozen
class Line:
    """One line of a JSONL chunk: its number and stripped bytes (None: over the limit)."""

    number: int
    raw: bytes | None
    size: int


def iter_lines(stream: IO[bytes], *, first_line: int, length: int, limit: int) -> Iterator[Line]:
    """
    Yield the non-blank lines of the next *length* bytes of *stream*.

    A line longer than *limit* is consumed in blocks and yielded with ``raw=None``.
    """
    remaining = length
    number = first_line
    while remaining > 0:
        line = stream.readline(min(limit + 1, remaining))
        if not line:
            return
        remaining -= len(line)
        size = len(line)
        if len(line) > limit:
            while not line.endswith(b"\n") and remaining > 0:
                line = stream.readline(min(_BLOCK, remaining))
                if not line:
                    break
                remaining -= len(line)
                size += len(line)
            yield Line(number, None, size)
        else:
            stripped = line.strip()
            if stripped:
                yield Line(number, stripped, size)
        number += 1


def read_bounded(stream: IO[bytes], limit: int) -> bytes | None:
    """Read *stream* to its end; None when it holds more than *limit* bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        return None
    return data
