"""
Files as users have them: what a path is, compressed JSONL, Parquet by its magic bytes.

`what_is` names a path the way a user would (a file, a folder, a named pipe, a symlink
loop), so ``check`` can skip special files with a warning and name paths that cannot
be read for what they are. `open_read` and `open_write` stream ``.gz``, ``.bz2``,
``.xz`` and ``.zst`` files through the matching decompressor and compressor, so a
compressed file is read front to back in the same bounded memory as a plain one.
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
from pathlib import Path
from typing import IO, Any, Final, cast

__all__ = [
    "CODECS",
    "codec_of",
    "is_parquet",
    "open_read",
    "open_write",
    "read_errors",
    "strip_codec",
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
