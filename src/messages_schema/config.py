"""`LintConfig`: what to check, as a frozen, hashable value."""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import time
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from messages_schema._types import KINDS, canonical_kind
from messages_schema.exceptions import ConfigError

__all__ = ["API_VERSIONS", "DEFAULT_API_VERSION", "LintConfig", "utc_today"]


def utc_today() -> dt.date:
    """
    Today's date in UTC: the one place the wall clock enters a verdict.

    Only `LintConfig.as_of` calls it, when the config does not name a day itself
    (``LintConfig(today=...)``, ``today = 2026-12-01``, ``--today``). Tests replace it.
    """
    return _date_of_day(int(time.time() // 86_400))


@functools.lru_cache(maxsize=4)
def _date_of_day(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=day)


#: ``anthropic-version`` values the API has published, oldest first. `LintConfig` accepts
#: any ``YYYY-MM-DD``: a version newer than these is checked by the newest one's rules.
API_VERSIONS: Final = ("2023-01-01", "2023-06-01", "2026-10-21")
#: The version stored conversations are checked against when none is given: the one
#: every SDK sent until October 2026, and the more permissive of the two in use.
DEFAULT_API_VERSION: Final = "2023-06-01"


def _api_version(value: str | None) -> str:
    if value is None:
        return DEFAULT_API_VERSION
    if isinstance(value, str):
        text = value.strip()
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            if len(text) == 10:
                return text
    msg = (
        f"api_version must be an anthropic-version date such as {API_VERSIONS[-1]}, "
        f"not {value!r}"
    )
    raise ConfigError(msg)


def _today(value: dt.date | str | None) -> dt.date | None:
    """A day given as a `datetime.date` (TOML dates are) or ``YYYY-MM-DD`` text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    msg = f"today must be a date such as 2026-12-01, not {value!r}"
    raise ConfigError(msg)


def _codes(value: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    out: list[str] = []
    for item in value:
        out.extend(part.strip().upper() for part in str(item).split(",") if part.strip())
    return tuple(out)


def _betas(value: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    out: list[str] = []
    for item in value:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return tuple(dict.fromkeys(out))


def _per_file(value: Mapping[str, Iterable[str]] | Iterable[tuple[str, Iterable[str]]]) -> tuple[
    tuple[str, tuple[str, ...]], ...
]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(glob), _codes(codes)) for glob, codes in items)


@attrs.frozen(kw_only=True)
class LintConfig:
    """
    What to check. Frozen and hashable; build variants with `attrs.evolve`.

    Attributes:
        select: Codes or prefixes to enable (empty: every stable rule).
        ignore: Codes or prefixes to disable. The more specific selector wins.
        betas: ``anthropic-beta`` values the request is sent with; they unlock
            beta-only fields.
        model: Model id for capability rules; ``None`` uses the payload's ``model``.
        preview: Also run rules in preview.
        capabilities: Path of a TOML model table that extends or overrides the
            shipped one.
        retired_model_is_error: Report a model past its retirement date as an error
            (gateways) rather than a warning (stored conversations).
        per_file_ignores: ``(glob, codes)`` pairs applied by the CLI.
        kind: Default document kind for the CLI (``count_tokens``; the dashed
            spelling ``count-tokens`` is accepted too).
        today: The day verdicts are given for (retired models, and every rule whose
            answer depends on the date). ``None``: today in UTC. Lint a conversation
            stored last year as of the day it was sent with ``today=date(2025, 6, 1)``.
        api_version: The ``anthropic-version`` header the request is sent with; what the
            API accepts depends on it (``2026-10-21``, the version SDK 2.x sends, removed
            the sampling parameters, among others). Default ``2023-06-01``.
        strict_unknown: Keep unknown keys, block and tool types and literal values as
            errors even in a request sent with an ``anthropic-beta`` value this version
            does not know (`messages_schema.KNOWN_BETAS`). By default such findings are
            warnings there, since the newer beta may have introduced them, and one
            ``SCH013`` info finding names the unknown beta. TOML ``strict-unknown``,
            CLI ``check --strict-unknown``.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 *today*, *api_version*, *strict_unknown*.
    """

    select: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    ignore: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    betas: tuple[str, ...] = attrs.field(default=(), converter=_betas)
    model: str | None = None
    preview: bool = False
    capabilities: str | None = None
    retired_model_is_error: bool = False
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = attrs.field(
        default=(), converter=_per_file
    )
    kind: str | None = attrs.field(
        default=None, converter=attrs.converters.optional(canonical_kind)
    )
    today: dt.date | None = attrs.field(default=None, converter=_today)
    api_version: str = attrs.field(default=DEFAULT_API_VERSION, converter=_api_version)
    strict_unknown: bool = False

    def as_of(self) -> dt.date:
        """The day verdicts are given for: `today`, or today in UTC when it is None."""
        return self.today if self.today is not None else utc_today()

    def __attrs_post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            msg = f"kind {self.kind!r} is not one of {', '.join(KINDS)}"
            raise ConfigError(msg)

    def ignores_for(self, relative: str) -> tuple[str, ...]:
        """
        Return the codes `per_file_ignores` switch off for one file.

        *relative* is the file's path relative to the folder of the config file, with
        ``/`` separators. A glob matches the whole relative path (``data/*.jsonl``,
        ``**/fixtures/*``) or, when it holds no ``/``, the file name (``*.sse``), with
        `fnmatch` rules (``*`` also crosses ``/``).

        .. versionadded:: 0.1.0
        """
        name = relative.rsplit("/", 1)[-1]
        out: list[str] = []
        for glob, codes in self.per_file_ignores:
            patterns = [glob]
            if glob.startswith("**/"):
                patterns.append(glob[3:])
            if any(fnmatch.fnmatchcase(relative, p) for p in patterns) or (
                "/" not in glob and fnmatch.fnmatchcase(name, glob)
            ):
                out.extend(codes)
        return tuple(out)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], *, source: str = "config") -> LintConfig:
        """
        Build a config from a ``[tool.messages-schema]``-shaped mapping.

        Keys use dashes or underscores (``per-file-ignores``). Unknown keys raise.

        Raises:
            ConfigError: An unknown key or a value of the wrong type.
        """
        fields = {f.name for f in attrs.fields(cls)}
        kwargs: dict[str, Any] = {}
        unknown = []
        for key, value in table.items():
            name = key.replace("-", "_")
            if name not in fields:
                unknown.append(key)
                continue
            kwargs[name] = value
        if unknown:
            msg = f"{source}: unknown key(s) {', '.join(sorted(unknown))}"
            raise ConfigError(msg)
        for name in ("preview", "retired_model_is_error", "strict_unknown"):
            if name in kwargs and not isinstance(kwargs[name], bool):
                msg = f"{source}: {name.replace('_', '-')} must be true or false"
                raise ConfigError(msg)
        for name in ("model", "capabilities", "kind", "api_version"):
            if name in kwargs and not isinstance(kwargs[name], str):
                msg = f"{source}: {name} must be a string"
                raise ConfigError(msg)
        for name in ("select", "ignore", "betas"):
            value = kwargs.get(name)
            if value is not None and not (
                isinstance(value, str)
                or (isinstance(value, list) and all(isinstance(v, str) for v in value))
            ):
                msg = f"{source}: {name} must be a list of strings"
                raise ConfigError(msg)
        if "today" in kwargs and not isinstance(kwargs["today"], str | dt.date):
            msg = f"{source}: today must be a date such as 2026-12-01"
            raise ConfigError(msg)
        if "per_file_ignores" in kwargs and not isinstance(kwargs["per_file_ignores"], Mapping):
            msg = f"{source}: per-file-ignores must be a table of glob = [codes]"
            raise ConfigError(msg)
        try:
            return cls(**kwargs)
        except ConfigError as exc:
            msg = f"{source}: {exc}"
            raise ConfigError(msg) from exc
        except (TypeError, ValueError) as exc:
            msg = f"{source}: {exc}"
            raise ConfigError(msg) from exc

    @classmethod
    def from_pyproject(cls, path: str | Path) -> LintConfig:
        """
        Read ``[tool.messages-schema]`` from the ``pyproject.toml`` at *path*.

        A missing table gives the default config.

        Raises:
            ConfigError: The file does not parse, or the table is not valid.
        """
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            msg = f"{path}: {exc}"
            raise ConfigError(msg) from exc
        table = data.get("tool", {}).get("messages-schema", {})
        if not isinstance(table, dict):
            msg = f"{path}: [tool.messages-schema] must be a table"
            raise ConfigError(msg)
        config = cls.from_mapping(table, source=f"{path} [tool.messages-schema]")
        if config.capabilities and not Path(config.capabilities).is_absolute():
            config = attrs.evolve(config, capabilities=str(path.parent / config.capabilities))
        return config

    @classmethod
    def discover(cls, start: str | Path) -> tuple[LintConfig, Path | None]:
        """
        Find the nearest ``pyproject.toml`` with a ``[tool.messages-schema]`` table.

        Searches *start* (a file or folder) and its parents, as ruff does.
        Returns the config and the file it came from (``None``: defaults).
        """
        here = Path(start).resolve()
        if not here.is_dir():
            here = here.parent
        for folder in (here, *here.parents):
            candidate = folder / "pyproject.toml"
            if candidate.is_file():
                try:
                    data = tomllib.loads(candidate.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                    msg = f"{candidate}: {exc}"
                    raise ConfigError(msg) from exc
                if "messages-schema" in data.get("tool", {}):
                    return cls.from_pyproject(candidate), candidate
        return cls(), None
