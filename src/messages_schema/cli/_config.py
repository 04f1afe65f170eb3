"""
The configuration of each checked file: its ``[tool.messages-schema]`` table, then the flags.

`Configs` finds the pyproject table that applies to a file (once per folder), lays the
command line's flags over it, and checks the result once, so a bad selector or model
table is one usage error naming where it was set.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from messages_schema._types import KINDS, canonical_kind
from messages_schema.cli._io import UsageError
from messages_schema.config import LintConfig
from messages_schema.exceptions import ConfigError, UnknownRuleError
from messages_schema.linter import get_linter
from messages_schema.rules import check_selectors

__all__ = ["Configs", "day", "kind"]


def day(text: str) -> dt.date:
    """``--today``: a ``YYYY-MM-DD`` date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"not a date such as 2026-12-01: {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def kind(text: str) -> str:
    """``--kind``: a kind, in either spelling (``count_tokens`` or ``count-tokens``)."""
    kind = canonical_kind(text)
    if kind not in KINDS:
        msg = f"invalid choice: {text!r} (choose from {', '.join(KINDS)})"
        raise argparse.ArgumentTypeError(msg)
    return kind


def _cli_codes(values: Sequence[str]) -> tuple[str, ...]:
    return LintConfig(select=list(values)).select


class Configs:
    """The effective `LintConfig` of each file: its pyproject table, then the CLI flags."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._by_folder: dict[Path, tuple[LintConfig, Path | None]] = {}
        self._checked: set[LintConfig] = set()
        self._fixed: tuple[LintConfig, Path | None] | None = None
        if args.isolated:
            self._fixed = (LintConfig(), None)
        elif args.config:
            path = Path(args.config)
            if not path.is_file():
                msg = f"--config {args.config}: no such file"
                raise UsageError(msg)
            self._fixed = (LintConfig.from_pyproject(path), path.resolve())

    def _base(self, folder: Path) -> tuple[LintConfig, Path | None]:
        if self._fixed is not None:
            return self._fixed
        folder = folder.resolve()
        found = self._by_folder.get(folder)
        if found is None:
            found = LintConfig.discover(folder)
            self._by_folder[folder] = found
        return found

    def for_file(self, path: Path | None) -> LintConfig:
        """The config for *path* (None: stdin, discovered from the working folder)."""
        folder = path.parent if path is not None else Path.cwd()
        base, source = self._base(folder)
        config = self._apply_cli(base)
        self._validate(config, base, source)
        return config

    def suppressed_for(self, path: Path | None) -> tuple[str, ...]:
        """
        The codes ``per-file-ignores`` switch off for *path*.

        They filter findings after selection, as ruff's do: a ``--select`` on the
        command line does not bring back a code a per-file ignore removes.
        """
        if path is None:
            return ()
        base, source = self._base(path.parent)
        if source is None or not base.per_file_ignores:
            return ()
        try:
            relative = path.resolve().relative_to(source.parent.resolve()).as_posix()
        except ValueError:
            relative = path.as_posix()
        return base.ignores_for(relative)

    def _apply_cli(self, base: LintConfig) -> LintConfig:
        args = self.args
        changes: dict[str, Any] = {}
        if args.select:
            changes["select"] = _cli_codes(args.select)
        if args.extend_select:
            current = changes.get("select", base.select) or ("ALL",)
            changes["select"] = (*current, *_cli_codes(args.extend_select))
        if args.ignore:
            changes["ignore"] = (*base.ignore, *_cli_codes(args.ignore))
        if args.beta:
            changes["betas"] = (*base.betas, *args.beta)
        if args.model:
            changes["model"] = args.model
        if args.preview:
            changes["preview"] = True
        if args.strict_unknown:
            changes["strict_unknown"] = True
        if args.kind:
            changes["kind"] = args.kind
        if args.api_version:
            changes["api_version"] = args.api_version
        # One day for the whole run, even across midnight and `--jobs` workers.
        changes["today"] = args.today or base.as_of()
        return attrs.evolve(base, **changes)

    def _validate(self, config: LintConfig, base: LintConfig, source: Path | None) -> None:
        if config in self._checked:
            return
        where = f"{source} [tool.messages-schema]" if source is not None else "options"
        try:
            check_selectors(base.select + base.ignore)
            for _, codes in base.per_file_ignores:
                check_selectors(codes)
        except UnknownRuleError as exc:
            msg = f"{where}: {exc}"
            raise ConfigError(msg) from exc
        try:
            get_linter(config)
        except UnknownRuleError as exc:
            msg = f"options: {exc}"
            raise ConfigError(msg) from exc
        except ConfigError as exc:  # the capabilities table: name where it was set
            msg = f"{where}: {exc}" if source is not None else str(exc)
            raise ConfigError(msg) from exc
        self._checked.add(config)
