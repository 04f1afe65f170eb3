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

_BLOCK = 1 << 20


class FileFixer:
    """Applies one file's record edits, in line order, as they arrive."""

    def __init__(self, path: str, name: str, *, diff: IO[str] | None = None) -> None:
        self.path = path
        self.name = name
        self.diff = diff
        self.changed = 0
        self._src: IO[bytes] | None = None
        self._dst: IO[bytes] | None = None
        self._tmp: str | None = None
        self._line = 1
        self._header = False

    def _open(self) -> None:
        if self._src is not None:
            return
        self._src = open(self.path, "rb")  # noqa: SIM115 - closed in finish/abort
        if self.diff is None:
            folder = os.path.dirname(os.path.abspath(self.path))
            fd, self._tmp = tempfile.mkstemp(dir=folder, prefix=f".{Path(self.path).name}.",
                                             suffix=".tmp")
            self._dst = os.fdopen(fd, "wb")

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
            body = old.rstrip(b"\r\n")
            eol = old[len(body):]
            lead = body[: len(body) - len(body.lstrip())]
            if self._dst is not None:
                self._dst.write(lead + new + eol)
            if self.diff is not None:
                self._hunk_header()
                self.diff.write(f"@@ -{line} +{line} @@\n")
                self.diff.write("-" + body.decode("utf-8", "replace") + "\n")
                self.diff.write("+" + (lead + new).decode("utf-8", "replace") + "\n")
            self.changed += 1

    def _whole(self, new: bytes) -> None:
        assert self._src is not None
        old = self._src.read()
        if self._dst is not None:
            self._dst.write(new)
        if self.diff is not None:
            lines = difflib.unified_diff(
                old.decode("utf-8", "replace").splitlines(keepends=True),
                new.decode("utf-8", "replace").splitlines(keepends=True),
                fromfile=f"a/{self.name}",
                tofile=f"b/{self.name}",
            )
            for text in lines:
                tail = "" if text.endswith("\n") else "\n\\ No newline at end of file\n"
                self.diff.write(text + tail)
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
                self._dst.flush()
                os.fsync(self._dst.fileno())
                self._dst.close()
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
        if self._dst is not None and not self._dst.closed:
            self._dst.close()
        if self._tmp is not None:
            Path(self._tmp).unlink(missing_ok=True)
            self._tmp = None
