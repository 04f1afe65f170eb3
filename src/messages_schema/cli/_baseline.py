"""
Baselines for ``check``: record today's findings, hide them tomorrow.

``--add-baseline FILE`` writes every current finding as a key ``(file, record, code,
pointer)``; ``--baseline FILE`` hides findings whose key is in the file, as many times
as it is listed. The file part is the path relative to the folder of the baseline
file itself, so the baseline matches whatever working folder ``check`` runs from and
however the files are named (``data/x.jsonl``, ``./data/x.jsonl``, an absolute path).
The record part is the record's ``custom_id``/``id`` when it has one, else a hash of
the record's line (so reordering lines keeps the baseline valid), or ``-`` for a
whole-file document.

Version 1 files (written before 0.2.0) keyed paths relative to the working folder;
they are read that way, relative to the folder ``check`` runs in, and converted.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import orjson

from messages_schema.findings import Finding

__all__ = ["Baseline", "key_of", "write_baseline"]

#: Version 2: file paths relative to the baseline file's folder.
VERSION = 2

Key = tuple[str, str, str, str]


@functools.lru_cache(maxsize=4096)  # one resolve per file, not per finding
def _file_key(name: str | None, root: Path) -> str:
    """*name* (as ``check`` reports it) relative to *root*, with ``/`` separators."""
    if not name or name == "-":
        return "-"
    path = Path(name)
    if not path.is_absolute():
        path = Path.cwd() / path
    try:
        return Path(os.path.relpath(path.resolve(), root)).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return path.resolve().as_posix()


def root_of(baseline: str | Path) -> Path:
    """The folder baseline keys are relative to: the baseline file's own."""
    return Path(baseline).resolve().parent


def key_of(finding: Finding, record_key: str, root: Path) -> Key:
    """The baseline key of *finding*, given its record's key and the baseline's *root*."""
    loc = finding.location
    return (_file_key(loc.file if loc else None, root), record_key, finding.code,
            finding.pointer)


class Baseline:
    """A multiset of finding keys read from a baseline file."""

    def __init__(self, keys: Iterable[Key] = ()) -> None:
        self._left: Counter[Key] = Counter(keys)
        #: How many findings `hides` has hidden so far.
        self.hidden = 0

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        """
        Read a baseline file.

        Raises:
            ValueError: The file is missing or is not a baseline written by this tool.
        """
        root = root_of(path)
        try:
            data = orjson.loads(Path(path).read_bytes())
            version = int(data.get("version", 1))
            if version not in (1, VERSION):
                msg = f"version {version} is newer than this messages-schema reads"
                raise ValueError(msg)
            items = data["findings"]
            keys = []
            for item in items:
                file = str(item["file"])
                if version == 1 and file != "-":
                    file = _file_key(file, root)
                key = (file, str(item["record"]), str(item["code"]), str(item["pointer"]))
                keys.extend([key] * int(item.get("count", 1)))
        except OSError as exc:
            msg = f"{path}: {exc.strerror or exc}"
            raise ValueError(msg) from exc
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            msg = f"{path}: not a messages-schema baseline file ({exc})"
            raise ValueError(msg) from exc
        return cls(keys)

    def hides(self, key: Key) -> bool:
        """Whether *key* is (still) in the baseline; each listing hides one finding."""
        if self._left[key] > 0:
            self._left[key] -= 1
            self.hidden += 1
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
        {"version": VERSION, "tool": "messages-schema",
         "paths": "relative to the folder of this file", "findings": items},
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
