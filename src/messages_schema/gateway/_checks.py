"""
Checking one request body: decode, lint, order the problems as the API would report them.

`Checker.verdict` is a plain function of bytes. It runs on the event loop for small
bodies, and in a bounded pool of worker processes (`CheckPool`) for large ones: decoding
and linting are pure Python under the GIL, and a 10 MB batch decodes to millions of
objects whose parse, garbage collection and release each hold the GIL for hundreds of
milliseconds, so a thread would still stall every stream on the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import concurrent.futures.process
import contextlib
import datetime as dt
import functools
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any, Final, TypeAlias

import attrs
import orjson

from messages_schema import _jsonio
from messages_schema.config import API_VERSIONS, LintConfig
from messages_schema.findings import Severity
from messages_schema.gateway import _encoding
from messages_schema.gateway._errors import INVALID_JSON_PREFIX, Problem
from messages_schema.linter import Linter

Normalizer: TypeAlias = Callable[[Any], Any]

#: Most distinct (``anthropic-beta`` set, ``anthropic-version``) pairs whose `Linter` is
#: kept.
LINTER_CACHE_SIZE: Final = 128


@attrs.frozen
class Inspection:
    """What checking one body found."""

    #: Every problem, in the order the API reports them (the first is the answer).
    problems: list[Problem]
    #: The decoded JSON value (``None`` when it did not decode).
    value: Any
    #: Size of the decoded body in bytes.
    size: int


@attrs.frozen
class Verdict:
    """
    What the middleware needs to know about one body: small, so it crosses processes.

    A large body is decoded, checked and (in ``normalize`` mode) rewritten in a worker
    process; only this comes back, so the event loop never holds, nor frees, the
    millions of objects a large batch decodes to.
    """

    #: Distinct codes of the findings, in report order.
    codes: list[str]
    #: Number of findings.
    count: int
    #: The error the API reports first: ``(code, message)``; ``None`` when none.
    first_error: tuple[str, str] | None
    #: The normalized body (``normalize`` mode, no error, normalizer succeeded).
    normalized: bytes | None = None
    #: The normalizer raised (the original body is forwarded).
    normalize_failed: bool = False

    @classmethod
    def of(cls, problems: list[Problem]) -> Verdict:
        """Summarise *problems* (already in report order)."""
        first = next((p for p in problems if p.severity is Severity.ERROR), None)
        return cls(
            codes=list(dict.fromkeys(p.code for p in problems)),
            count=len(problems),
            first_error=None if first is None else (first.code, first.message),
        )


class Checker:
    """
    Lints request bodies for one `LintConfig`: one `Linter` per (betas, version) pair.

    Safe to call from several threads at once.
    """

    def __init__(self, config: LintConfig, *, strict_batches: bool = False) -> None:
        self.config = config
        self.strict_batches = strict_batches
        self._linters: dict[tuple[frozenset[str], str], Linter] = {}
        self._lock = threading.Lock()

    def linter_for(self, betas: Iterable[str], api_version: str | None = None) -> Linter:
        """
        The linter for *config* plus *betas*, under *api_version* (default: *config*'s).

        Cached, at most `LINTER_CACHE_SIZE`: random header values must not grow it.
        """
        version = api_version or self.config.api_version
        key = (frozenset(betas), version)
        linter = self._linters.get(key)
        if linter is not None:
            return linter
        config = self.config
        if key[0] - set(config.betas):
            config = attrs.evolve(config, betas=(*config.betas, *sorted(key[0])))
        if version != config.api_version:
            config = attrs.evolve(config, api_version=version)
        linter = Linter(config)
        with self._lock:
            if len(self._linters) >= LINTER_CACHE_SIZE:
                self._linters.pop(next(iter(self._linters)))
            return self._linters.setdefault(key, linter)

    def warm_up(self) -> None:
        """Compile the header-less linters now (config's and the newest API version)."""
        sample: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "."}]}
        for version in dict.fromkeys((self.config.api_version, API_VERSIONS[-1])):
            linter = self.linter_for((), version)
            linter.lint(sample, kind="count_tokens")
            linter.lint({**sample, "max_tokens": 1}, kind="request")
            linter.lint({"custom_id": "c", "params": {**sample, "max_tokens": 1}},
                        kind="batch_request")

    def verdict(
        self,
        body: bytes,
        codings: list[str],
        limit: int,
        kind: str,
        betas: tuple[str, ...],
        normalizer: Normalizer | None = None,
        api_version: str | None = None,
    ) -> Verdict:
        """
        Decode *body*, check it, and with *normalizer* rewrite it when it has no error.

        *api_version* is the request's (default: *config*'s).

        Raises:
            EncodingError: From `messages_schema.gateway._encoding.decode`.
        """
        if codings:
            body = _encoding.decode(body, codings, limit)
        inspection = self.inspect(body, kind, betas, api_version)
        verdict = Verdict.of(inspection.problems)
        if normalizer is None or verdict.first_error is not None or inspection.value is None:
            return verdict
        rewritten = normalize(normalizer, inspection.value, kind)
        return attrs.evolve(verdict, normalized=rewritten, normalize_failed=rewritten is None)

    def inspect(
        self, body: bytes, kind: str, betas: tuple[str, ...], api_version: str | None = None
    ) -> Inspection:
        """Return the problems of *body* (decoded bytes) as a *kind* body."""
        try:
            value = _jsonio.decode(body)
        except _jsonio.InvalidJSON as exc:
            detail = str(exc).removeprefix("Invalid JSON: ")
            return Inspection([Problem.at("SCH000", (), INVALID_JSON_PREFIX + detail)], None,
                              len(body))
        linter = self.linter_for(betas, api_version)
        if kind == "batches":
            problems = list(batch_problems(linter, value, strict=self.strict_batches))
        else:
            problems = [Problem.from_finding(f) for f in linter.lint(value, kind=kind)]
        if len(problems) > 1:
            problems.sort(key=lambda p: p.order)
        return Inspection(problems, value, len(body))


def normalize(normalizer: Normalizer, value: Any, kind: str) -> bytes | None:
    """Return *value* rewritten by *normalizer* (each item's params for batches)."""
    try:
        if kind == "batches":
            rewritten = {
                **value,
                "requests": [
                    {**item, "params": normalizer(item["params"])} for item in value["requests"]
                ],
            }
        else:
            rewritten = normalizer(value)
        return orjson.dumps(rewritten)
    except Exception:  # a normalizer bug must not drop the request
        return None


# -- the worker processes ----------------------------------------------------------------

#: The checker of this worker process, per day (set by `_init_worker`).
_WORKER: dict[str, Any] = {}


#: How much less CPU priority a checking worker takes than the serving process.
_WORKER_NICENESS: Final = 10


def _init_worker(config: LintConfig, strict_batches: bool) -> None:
    # A large check is batch work; the serving loop next to it is latency work. On a
    # busy machine the scheduler should run the loop first, so streams keep flowing.
    with contextlib.suppress(AttributeError, OSError):
        os.nice(_WORKER_NICENESS)
    _WORKER.update(config=config, strict=strict_batches, checkers={})
    _worker_checker(config.today).warm_up()


def _worker_checker(day: dt.date | None) -> Checker:
    checkers: dict[dt.date | None, Checker] = _WORKER["checkers"]
    checker = checkers.get(day)
    if checker is None:
        if len(checkers) >= 4:  # a long-running gateway sees a new day now and then
            checkers.clear()
        config = attrs.evolve(_WORKER["config"], today=day)
        checker = checkers[day] = Checker(config, strict_batches=_WORKER["strict"])
    return checker


def _worker_verdict(
    day: dt.date, body: bytes, codings: list[str], limit: int, kind: str,
    betas: tuple[str, ...], normalizer: Normalizer | None, api_version: str | None,
) -> Verdict:
    # The day comes from the parent: a worker never reads a clock of its own; the API
    # version is the request's.
    return _worker_checker(day).verdict(body, codings, limit, kind, betas, normalizer,
                                        api_version)


def _worker_ready() -> bool:
    return bool(_WORKER)


class CheckPool:
    """
    A bounded pool of worker processes that check large bodies.

    Started on first use (or by `start`), with the ``spawn`` method (no fork of a
    threaded server), at a lower CPU priority than the server; each worker is replaced
    after `TASKS_PER_WORKER` bodies, so the memory huge batches left behind is returned
    now and then (a replacement takes a second to start: not after every few bodies).
    """

    TASKS_PER_WORKER: Final = 1000

    def __init__(self, config: LintConfig, *, strict_batches: bool, processes: int) -> None:
        self.config = config
        self.strict_batches = strict_batches
        self.processes = processes
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None

    def executor(self) -> concurrent.futures.ProcessPoolExecutor:
        """The pool, started when needed."""
        if self._executor is None:
            self._executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.config, self.strict_batches),
                max_tasks_per_child=self.TASKS_PER_WORKER,
            )
        return self._executor

    def start(self) -> concurrent.futures.Future[bool]:
        """Start the workers now (they import and compile in the background)."""
        return self.executor().submit(_worker_ready)

    async def verdict(
        self, body: bytes, codings: list[str], limit: int, kind: str,
        betas: tuple[str, ...], normalizer: Normalizer | None, api_version: str | None = None,
    ) -> Verdict:
        """Check *body* in a worker, under *api_version*; the event loop only waits."""
        loop = asyncio.get_running_loop()
        job = functools.partial(_worker_verdict, self.config.as_of(), body, codings, limit,
                                kind, betas, normalizer, api_version)
        try:
            return await loop.run_in_executor(self.executor(), job)
        except concurrent.futures.process.BrokenProcessPool:
            # A worker died (killed, out of memory): start afresh next time, and let
            # this body be checked in a thread rather than not at all.
            self.close()
            return await asyncio.to_thread(job)

    def close(self) -> None:
        """Stop the workers."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def batch_problems(linter: Linter, value: Any, *, strict: bool = False) -> Iterable[Problem]:
    """
    Check a ``POST /v1/messages/batches`` body: the envelope, each item, unique ids.

    The API validates the batch body's *shape* when the batch is created, items'
    ``params`` included: an invalid ``custom_id`` (anthropics/anthropic-sdk-python#984)
    or an unknown key in ``params`` (anthropic-sdk-python#1152) rejects the whole batch.
    Other problems of an item (an image that does not match its media type, unpaired
    tool results...) do not: the batch is accepted and that item comes back as an
    ``errored`` result (anthropics/anthropic-sdk-typescript#682). So only ``SCH``
    findings of items and ``BATCH001`` (a ``custom_id`` used twice: results are matched
    to requests by it, and the API reference requires it unique within the batch)
    reject here; the items' other errors are reported as warnings, unless *strict*.

    The envelope messages are pydantic's, as the API's own are
    (``requests.0.custom_id: String should have at most 64 characters``,
    anthropics/anthropic-sdk-python#984, 2025-06-24).
    """
    if not isinstance(value, dict):
        yield Problem.at("SCH003", (), "Input should be a valid dictionary")
        return
    for key in value:
        if key != "requests":
            yield Problem.at("SCH002", (key,), "Extra inputs are not permitted")
    if "requests" not in value:
        yield Problem.at("SCH001", ("requests",), "Field required")
        return
    items = value["requests"]
    if not isinstance(items, list):
        yield Problem.at("SCH003", ("requests",), "Input should be a valid list")
        return
    for i, item in enumerate(items):
        for finding in linter.lint(item, kind="batch_request"):
            # Semantic findings carry the path an errored result reports, relative to
            # `params` (anthropic-sdk-typescript#682); put them back under it here.
            structural = finding.code.startswith("SCH")
            inside = not structural and finding.path[:1] == ("params",)
            head: tuple[Any, ...] = ("requests", i, "params") if inside else ("requests", i)
            problem = Problem.from_finding(finding, prefix=head)
            if not strict and not structural and problem.severity is Severity.ERROR:
                problem = attrs.evolve(problem, severity=Severity.WARNING)
            yield problem
    yield from _duplicates(linter, items)


def _duplicates(linter: Linter, items: list[Any]) -> Iterable[Problem]:
    if "BATCH001" not in linter.enabled:
        return
    from messages_schema.rules._batch import duplicate_custom_id, duplicate_custom_ids

    for index, custom_id, first in duplicate_custom_ids(items):
        finding = duplicate_custom_id(custom_id, f"by requests.{first}")
        yield Problem.from_finding(finding, prefix=("requests", index))
