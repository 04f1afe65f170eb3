"""
Writing fixes back, or showing them as a diff, in bounded memory.

`FileFixer` streams the original file once: lines no fix touched are copied byte for
byte (lines that do not parse included), a changed JSONL record is replaced in place
with its line ending kept, and the result goes to a temporary file in the same folder
that replaces the original (``os.replace``, file mode kept) only when everything was
written. With ``diff`` set it writes a unified diff instead and touches nothing.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from pathlib import Path
from typing import IO

from messages_schema.cli import _files

_BLOCK = 1 << 20


def _replaced(old: bytes, new: bytes) -> tuple[bytes, bytes]:
    """The line that replaces *old* (indent and line end kept) and *old*'s own text."""
    body = old.rstrip(b"\r\n")
    eol = old[len(body):]
    lead = body[: len(body) - len(body.lstrip())]
    return lead + new + eol, body


def _diff_line(diff: IO[str], line: int, body: bytes, new: bytes) -> None:
    diff.write(f"@@ -{line} +{line} @@\n")
    diff.write("-" + body.decode("utf-8", "replace") + "\n")
    diff.write("+" + new.rstrip(b"\r\n").decode("utf-8", "replace") + "\n")


def _diff_whole(diff: IO[str], name: str, old: bytes, new: bytes) -> None:
    lines = difflib.unified_diff(
        old.decode("utf-8", "replace").splitlines(keepends=True),
        new.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    for text in lines:
        tail = "" if text.endswith("\n") else "\n\\ No newline at end of file\n"
        diff.write(text + tail)


class FileFixer:
    """
    Applies one file's record edits, in line order, as they arrive.

    A compressed file (*codec* ``gzip``, ``bz2``, ``xz`` or ``zstd``) is read through
    its decompressor and written back compressed with the same codec.
    """

    def __init__(self, path: str, name: str, *, diff: IO[str] | None = None,
                 codec: str | None = None) -> None:
        self.path = path
        self.name = name
        self.diff = diff
        self.codec = codec
        self.changed = 0
        self._src: IO[bytes] | None = None
        self._dst: IO[bytes] | None = None
        self._raw: IO[bytes] | None = None
        self._tmp: str | None = None
        self._line = 1
        self._header = False

    def _open(self) -> None:
        if self._src is not None:
            return
        self._src = _files.open_read(self.path, self.codec)
        if self.diff is None:
            folder = os.path.dirname(os.path.abspath(self.path))
            fd, self._tmp = tempfile.mkstemp(dir=folder, prefix=f".{Path(self.path).name}.",
                                             suffix=".tmp")
            self._raw = os.fdopen(fd, "wb")
            self._dst = _files.open_write(self._raw, self.codec)

    def _copy_line(self) -> bool:
        """Copy one original line to the output without holding it whole."""
        assert self._src is not None
        while True:
            piece = self._src.readline(_BLOCK)
            if not piece:
                return False
            if self._dst is not None:
                self._dst.write(piece)
            if piece.endswith(b"\n"):
                return True

    def _hunk_header(self) -> None:
        if self.diff is not None and not self._header:
            self.diff.write(f"--- a/{self.name}\n+++ b/{self.name}\n")
            self._header = True

    def feed(self, edits: list[tuple[int, bytes]]) -> None:
        """Apply *edits* (``(line, new record text)``, line 0 = whole file), in order."""
        for line, new in edits:
            self._open()
            assert self._src is not None
            if line == 0:
                self._whole(new)
                continue
            while self._line < line:
                if not self._copy_line():
                    return
                self._line += 1
            old = self._src.readline()
            self._line += 1
            text, body = _replaced(old, new)
            if self._dst is not None:
                self._dst.write(text)
            if self.diff is not None:
                self._hunk_header()
                _diff_line(self.diff, line, body, text)
            self.changed += 1

    def _whole(self, new: bytes) -> None:
        assert self._src is not None
        old = self._src.read()
        if self._dst is not None:
            self._dst.write(new)
        if self.diff is not None:
            _diff_whole(self.diff, self.name, old, new)
        self.changed += 1

    def finish(self) -> None:
        """Copy the rest and put the new file in place (only if something changed)."""
        if self._src is None:
            return
        try:
            if self._dst is not None and self._tmp is not None:
                while True:
                    block = self._src.read(_BLOCK)
                    if not block:
                        break
                    self._dst.write(block)
                assert self._raw is not None
                if self._dst is not self._raw:
                    self._dst.close()  # a compressor writes its trailer here
                self._raw.flush()
                os.fsync(self._raw.fileno())
                self._raw.close()
                mode = stat.S_IMODE(os.stat(self.path).st_mode)
                os.chmod(self._tmp, mode)
                os.replace(self._tmp, self.path)
                self._tmp = None
        finally:
            self.abort()

    def abort(self) -> None:
        """Close everything; drop the temporary file if it was not put in place."""
        if self._src is not None:
            self._src.close()
        for stream in (self._dst, self._raw):
            if stream is not None and not stream.closed:
                stream.close()
        if self._tmp is not None:
            Path(self._tmp).unlink(missing_ok=True)
            self._tmp = None


class StreamFixer:
    """
    ``--fix`` and ``--diff`` on stdin: writes the input back, fixed, chunk by chunk.

    Each chunk comes with its first line number and its edits (line 0: the whole
    document); with *diff* set, only the changed lines are shown, as `FileFixer` does.
    """

    def __init__(self, name: str, *, out: IO[bytes] | None, diff: IO[str] | None) -> None:
        self.name = name
        self.out = out
        self.diff = diff
        self.changed = 0
        self._header = False

    def feed(self, first_line: int, data: bytes, edits: list[tuple[int, bytes]]) -> None:
        """Write one chunk of the input with its *edits* applied."""
        if edits and edits[0][0] == 0:  # a whole document
            new = edits[0][1]
            if self.out is not None:
                self.out.write(new)
            if self.diff is not None:
                _diff_whole(self.diff, self.name, data, new)
            self.changed += 1
            return
        if not edits:
            if self.out is not None:
                self.out.write(data)
            return
        # Split as the checker numbered the lines: at "\n" only.
        parts = data.split(b"\n")
        lines = [part + b"\n" for part in parts[:-1]]
        if parts[-1]:
            lines.append(parts[-1])
        for line, new in edits:
            offset = line - first_line
            if not 0 <= offset < len(lines):
                continue
            text, body = _replaced(lines[offset], new)
            lines[offset] = text
            if self.diff is not None:
                if not self._header:
                    self.diff.write(f"--- a/{self.name}\n+++ b/{self.name}\n")
                    self._header = True
                _diff_line(self.diff, line, body, text)
            self.changed += 1
        if self.out is not None:
            self.out.write(b"".join(lines))
