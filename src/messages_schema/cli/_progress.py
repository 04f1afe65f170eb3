"""A one-line progress display on stderr: records checked, records per second, share done."""

from __future__ import annotations

import time
from typing import IO


class Progress:
    """
    Shows ``checked 1,234,567 records (345,678 records/s) 45%`` on a terminal.

    Silent until the run has taken a second (short runs print nothing), redrawn at
    most ten times a second, and erased by `close`. Disabled when *enabled* is false.
    """

    DELAY = 1.0
    INTERVAL = 0.1

    def __init__(self, stream: IO[str], *, enabled: bool, total_bytes: int = 0) -> None:
        self.stream = stream
        self.enabled = enabled
        self.total_bytes = total_bytes
        self.records = 0
        self.bytes = 0
        self.started = time.monotonic()
        self._last = 0.0
        self._shown = False

    def update(self, records: int, size: int) -> None:
        """Count *records* more records and *size* more bytes."""
        self.records += records
        self.bytes += size
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.DELAY or now - self._last < self.INTERVAL:
            return
        self._last = now
        rate = self.records / max(now - self.started, 1e-9)
        line = f"checked {self.records:,} records ({rate:,.0f} records/s)"
        if self.total_bytes:
            line += f" {min(100, 100 * self.bytes // self.total_bytes)}%"
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """Erase the progress line, if one was drawn."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
