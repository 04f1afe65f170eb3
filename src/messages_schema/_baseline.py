"""
Baselines for ``check``: record today's findings, hide them tomorrow.

``--add-baseline FILE`` writes every current finding as a key ``(file, record, code,
pointer)``; ``--baseline FILE`` hides findings whose key is in the file, as many times
as it is listed. The record part is the record's ``custom_id``/``id`` when it has one,
else a hash of the record's line (so reordering lines keeps the baseline valid), or
``-`` for a whole-file document.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import orjson

from messages_schema.findings import Finding

__all__ = ["Baseline", "key_of", "write_baseline"]

VERSION = 1

Key = tuple[str, str, str, str]


def _file_key(name: str | None) -> str:
    if not name:
        return "-"
    path = Path(name)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            path = path.relative_to(Path.cwd())
    return path.as_posix()


def key_of(finding: Finding, record_key: str) -> Key:
    """The baseline key of *finding*, given its record's key."""
    loc = finding.location
    return (_file_key(loc.file if loc else None), record_key, finding.code, finding.pointer)


class Baseline:
    """A multiset of finding keys read from a baseline file."""

    def __init__(self, keys: Iterable[Key] = ()) -> None:
        self._left: Counter[Key] = Counter(keys)

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        """
        Read a baseline file.

        Raises:
            ValueError: The file is missing or is not a baseline written by this tool.
        """
        try:
            data = orjson.loads(Path(path).read_bytes())
            items = data["findings"]
            keys = [
                (str(i["file"]), str(i["record"]), str(i["code"]), str(i["pointer"]))
                for i in items
                for _ in range(int(i.get("count", 1)))
            ]
        except OSError as exc:
            msg = f"{path}: {exc.strerror or exc}"
            raise ValueError(msg) from exc
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            msg = f"{path}: not a messages-schema baseline file ({exc})"
            raise ValueError(msg) from exc
        return cls(keys)

    def hides(self, key: Key) -> bool:
        """Whether *key* is (still) in the baseline; each listing hides one finding."""
        if self._left[key] > 0:
            self._left[key] -= 1
            return True
        return False


def write_baseline(path: str | Path, keys: Iterable[Key]) -> int:
    """Write *keys* as a baseline file (atomically); return how many findings it holds."""
    counts = Counter(keys)
    items = [
        {"file": f, "record": r, "code": c, "pointer": p, "count": n}
        for (f, r, c, p), n in sorted(counts.items())
    ]
    data = orjson.dumps(
        {"version": VERSION, "tool": "messages-schema", "findings": items},
        option=orjson.OPT_INDENT_2,
    ) + b"\n"
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sum(counts.values())
