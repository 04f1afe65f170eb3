"""The validating middleware and the proxy, driven by hand-written ASGI scope/receive/send."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import httpx
import pytest
import uvicorn

from messages_schema import ConfigError, Finding, LintConfig, Severity
from messages_schema.cli import run
from messages_schema.config import API_VERSIONS
from messages_schema.gateway import (
    API_BODY_LIMITS,
    FINDINGS_HEADER,
    MISSING_VERSION_MESSAGE,
    TOO_LARGE_MESSAGE,
    Problem,
    ValidatingMiddleware,
    make_proxy_app,
)
from messages_schema.normalize import normalize_request

API_KEY = "sk-ant-api03-SECRET-gateway-test-key"
BEARER = "Bearer sk-ant-oat01-SECRET-bearer-token"
PAYLOAD_MARKER = "PAYLOAD-MARKER-never-logged"
CONTEXT_BETA = "context-management-2025-06-27"

VALID: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": f"Hello {PAYLOAD_MARKER}"}],
}


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


# -- a tiny ASGI harness --------------------------------------------------------------------


class Inner:
    """An ASGI app that records what reached it and answers 200 with a JSON body."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, Any], bytes]] = []
        self.raw: list[tuple[Any, Any, Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.raw.append((scope, receive, send))
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.calls.append((dict(scope), body))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"ok":true}'})


@attrs.frozen
class Answer:
    status: int | None
    headers: dict[bytes, bytes]
    body: bytes
    receive_calls: int

    def json(self) -> Any:
        return json.loads(self.body)


def headers_for(
    *,
    version: bool = True,
    betas: Iterable[str] = (),
    length: int | None = None,
    extra: Iterable[tuple[bytes, bytes]] = (),
) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"host", b"gateway.test"),
        (b"content-type", b"application/json"),
        (b"x-api-key", API_KEY.encode()),
        (b"authorization", BEARER.encode()),
    ]
    if version:
        headers.append((b"anthropic-version", b"2023-06-01"))
    headers.extend((b"anthropic-beta", b.encode()) for b in betas)
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    headers.extend(extra)
    return headers


def call(
    app: Any,
    body: bytes | None = None,
    *,
    chunks: list[bytes] | None = None,
    path: str = "/v1/messages",
    method: str = "POST",
    headers: list[tuple[bytes, bytes]] | None = None,
    scope_extra: dict[str, Any] | None = None,
    disconnect_first: bool = False,
    settle: float = 0.0,
) -> Answer:
    """
    Run one HTTP request through *app*; *body* is sent in *chunks* when given.

    *settle* keeps the event loop running that long after the app returned (for work it
    deferred, such as a stream's response check).
    """
    if chunks is None:
        chunks = [dumps(VALID) if body is None else body]
    if headers is None:
        headers = headers_for(length=sum(len(c) for c in chunks))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": ("127.0.0.1", 8080),
        "client": ("127.0.0.1", 5000),
        **(scope_extra or {}),
    }
    queue: list[dict[str, Any]] = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    if disconnect_first:
        queue = [{"type": "http.disconnect"}]
    calls = 0

    async def receive() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if queue:
            return queue.pop(0)
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        await app(scope, receive, send)
        await asyncio.sleep(settle)

    asyncio.run(run())
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    return Answer(
        status=None if start is None else start["status"],
        headers={} if start is None else dict(start.get("headers", [])),
        body=b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
        receive_calls=calls,
    )


@pytest.fixture
def inner() -> Inner:
    return Inner()


@pytest.fixture
def gateway_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="messages_schema.gateway")
    return caplog


def log_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "messages_schema.gateway"
    ]


# -- routes and scopes ----------------------------------------------------------------------


class TestRoutes:
    def test_valid_message_request_is_forwarded(self, inner: Inner) -> None:
        """A valid POST /v1/messages reaches the app and its answer comes back."""
        answer = call(ValidatingMiddleware(inner), dumps(VALID))

        assert (answer.status, answer.body) == (200, b'{"ok":true}')
        assert len(inner.calls) == 1
        assert FINDINGS_HEADER not in answer.headers

    def test_invalid_message_request_is_rejected(self, inner: Inner) -> None:
        """An invalid POST /v1/messages is answered 400 and never reaches the app."""
        answer = call(ValidatingMiddleware(inner), dumps({**VALID, "max_tokens": None}))

        assert answer.status == 400
        assert answer.json()["error"]["message"] == "max_tokens: Input should be a valid integer"
        assert inner.calls == []

    def test_count_tokens_is_checked_as_count_tokens(self, inner: Inner) -> None:
        """count_tokens takes no max_tokens, so the same body is valid there and not here."""
        body = {k: v for k, v in VALID.items() if k != "max_tokens"}
        gateway = ValidatingMiddleware(inner)

        ok = call(gateway, dumps(body), path="/v1/messages/count_tokens")
        bad = call(gateway, dumps(VALID), path="/v1/messages/count_tokens")
        messages = call(gateway, dumps(body), path="/v1/messages")

        assert ok.status == 200
        assert bad.json()["error"]["message"] == "max_tokens: Extra inputs are not permitted"
        assert messages.json()["error"]["message"] == "max_tokens: Field required"

    def test_get_and_other_routes_pass_through_untouched(self, inner: Inner) -> None:
        """Other methods and paths reach the app with the very same receive and send."""
        gateway = ValidatingMiddleware(inner)

        for method, path in [
            ("GET", "/v1/messages"),
            ("GET", "/v1/messages/batches"),
            ("POST", "/v1/messages/batches/msgbatch_01/cancel"),
            ("POST", "/v1/complete"),
            ("POST", "/v1/messages/batches/x"),
        ]:
            answer = call(gateway, b"not json at all", path=path, method=method,
                          headers=headers_for(version=False))
            assert answer.status == 200, (method, path)
        assert [body for _, body in inner.calls] == [b"not json at all"] * 5

    def test_mounted_app_matches_below_root_path(self, inner: Inner) -> None:
        """Under a mount (root_path /anthropic), /anthropic/v1/messages is validated."""
        answer = call(
            ValidatingMiddleware(inner),
            dumps({**VALID, "max_tokens": "x"}),
            path="/anthropic/v1/messages",
            scope_extra={"root_path": "/anthropic"},
        )

        assert answer.status == 400


class TestNonHttpScopes:
    @pytest.mark.parametrize("scope_type", ["lifespan", "websocket"])
    def test_passes_through_with_the_same_callables(self, inner: Inner, scope_type: str) -> None:
        """lifespan and websocket scopes reach the app with the original receive and send."""

        async def receive() -> dict[str, Any]:
            return {"type": f"{scope_type}.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            raise AssertionError(message)

        scope = {"type": scope_type, "path": "/v1/messages", "method": "POST"}
        asyncio.run(ValidatingMiddleware(inner, check_processes=0)(scope, receive, send))

        assert inner.raw == [(scope, receive, send)]

    def test_lifespan_starts_and_stops_the_checking_processes(self, inner: Inner) -> None:
        """With worker processes, lifespan startup starts them and shutdown stops them."""
        gateway = ValidatingMiddleware(inner)
        events = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
        started: list[bool] = []

        async def app(scope: Any, receive: Any, send: Any) -> None:
            await receive()
            started.append(gateway._pool is not None and gateway._pool._executor is not None)
            await receive()

        async def receive() -> dict[str, Any]:
            return events.pop(0)

        async def send(message: dict[str, Any]) -> None:
            raise AssertionError(message)

        gateway.app = app
        asyncio.run(gateway({"type": "lifespan"}, receive, send))

        assert started == [True]
        assert gateway._pool is not None
        assert gateway._pool._executor is None


# -- batches --------------------------------------------------------------------------------


def batch(*items: dict[str, Any]) -> bytes:
    return dumps({"requests": list(items)})


def item(custom_id: str, **overrides: Any) -> dict[str, Any]:
    return {"custom_id": custom_id, "params": {**VALID, **overrides}}


class TestBatches:
    def call(self, inner: Inner, body: bytes) -> Answer:
        return call(ValidatingMiddleware(inner), body, path="/v1/messages/batches")

    def test_valid_batch_is_forwarded(self, inner: Inner) -> None:
        """A batch of valid items with distinct custom_ids is forwarded."""
        answer = self.call(inner, batch(item("a"), item("b")))

        assert answer.status == 200

    def test_custom_id_error_is_prefixed_with_the_item(self, inner: Inner) -> None:
        """An item's error carries the API's ``requests.N.`` prefix."""
        answer = self.call(inner, batch(item("ok"), item("a" * 65)))

        assert answer.json()["error"]["message"] == (
            "requests.1.custom_id: String should have at most 64 characters"
        )
        assert inner.calls == []

    def test_item_semantic_error_is_reported_not_rejected(self, inner: Inner) -> None:
        """The API accepts such a batch and errors the item; the gateway forwards and reports."""
        orphan = {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "content": "x"}]}
        answer = self.call(inner, batch(item("a"), item("b", messages=[orphan])))

        assert answer.status == 200
        assert len(inner.calls) == 1
        assert b"TOOL002" in answer.headers[b"x-messages-schema-findings"]

    def test_strict_batches_reject_item_semantic_errors(self, inner: Inner) -> None:
        """With strict_batches the same batch is answered 400 at the item's path."""
        orphan = {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "content": "x"}]}
        gateway = ValidatingMiddleware(inner, strict_batches=True)
        answer = call(gateway, batch(item("a"), item("b", messages=[orphan])),
                      path="/v1/messages/batches")

        assert answer.status == 400
        assert answer.json()["error"]["message"].startswith(
            "requests.1.params.messages.0.content.0: unexpected `tool_use_id`")
        assert inner.calls == []

    def test_params_error_is_prefixed_with_params(self, inner: Inner) -> None:
        """A params error reads ``requests.N.params.<path>``."""
        answer = self.call(inner, batch(item("a", max_tokens="many")))

        assert answer.json()["error"]["message"] == (
            "requests.0.params.max_tokens: Input should be a valid integer"
        )

    def test_first_error_is_the_lowest_item(self, inner: Inner) -> None:
        """With errors in several items, the lowest item index is reported first."""
        answer = self.call(
            inner,
            batch(*[item(f"id{i}") for i in range(10)], item("id10", max_tokens="x"),
                  item("id11", max_tokens="y")),
        )

        assert answer.json()["error"]["message"].startswith("requests.10.params.max_tokens: ")

    def test_duplicate_custom_id_is_rejected(self, inner: Inner) -> None:
        """A repeated custom_id is reported at its second use."""
        answer = self.call(inner, batch(item("same"), item("other"), item("same")))

        assert answer.status == 400
        message = answer.json()["error"]["message"]
        assert message == (
            "requests.2.custom_id: `custom_id` `same` is already used by requests.0; "
            "each request of a batch needs a unique `custom_id`"
        )
        assert answer.headers[FINDINGS_HEADER] == b"BATCH001"

    def test_duplicate_custom_id_follows_select_and_ignore(self, inner: Inner) -> None:
        """BATCH001 is the registry's rule: --ignore BATCH001 lets the batch through."""
        gateway = ValidatingMiddleware(inner, config=LintConfig(ignore=["BATCH001"]))
        answer = call(gateway, batch(item("same"), item("same")), path="/v1/messages/batches")

        assert answer.status == 200
        assert FINDINGS_HEADER not in answer.headers

    def test_item_structure_error_rejects_before_an_earlier_items_semantics(
        self, inner: Inner
    ) -> None:
        """A structural error anywhere is what the API reports at creation."""
        orphan = {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "content": "x"}]}
        gateway = ValidatingMiddleware(inner, strict_batches=True)
        answer = call(gateway, batch(item("a", messages=[orphan]), item("b", max_tokens="x")),
                      path="/v1/messages/batches")

        assert answer.json()["error"]["message"] == (
            "requests.1.params.max_tokens: Input should be a valid integer")

    def test_batch_policy(self, inner: Inner) -> None:
        """Rejected at creation: structure and duplicate ids; forwarded: items that would fail."""
        gateway = ValidatingMiddleware(inner)
        orphan = {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "content": "x"}]}
        cases = [
            (batch(item("a"), item("b", max_tokens="x")), 400),
            (batch(item("a"), item("a")), 400),
            (batch(item("a", unknown_key=1)), 400),
            (batch(item("a"), item("b", messages=[orphan])), 200),
            (batch(item("a", temperature=1, top_p=0.5)), 200),
        ]
        statuses = [call(gateway, body, path="/v1/messages/batches").status
                    for body, _ in cases]

        assert statuses == [status for _, status in cases]

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ([], "Input should be a valid dictionary"),
            ({}, "requests: Field required"),
            ({"requests": {}}, "requests: Input should be a valid list"),
            ({"requests": [], "extra": 1}, "extra: Extra inputs are not permitted"),
            ({"requests": [5]}, "requests.0: Input should be a valid dictionary"),
        ],
    )
    def test_envelope_errors(self, inner: Inner, body: Any, message: str) -> None:
        """The batch envelope itself is checked with pydantic's wording."""
        answer = self.call(inner, dumps(body))

        assert answer.json()["error"]["message"] == message


# -- body size ------------------------------------------------------------------------------


class TestSizeLimit:
    def test_declared_length_over_limit_is_413_without_reading(self, inner: Inner) -> None:
        """A Content-Length over the limit is answered 413 before any body is read."""
        body = dumps(VALID)
        answer = call(ValidatingMiddleware(inner, max_body_bytes=len(body) - 1), body)

        assert answer.status == 413
        assert answer.json()["error"] == {
            "type": "request_too_large",
            "message": TOO_LARGE_MESSAGE,
        }
        assert answer.json()["type"] == "error"
        assert answer.receive_calls == 0
        assert inner.calls == []

    def test_chunked_body_stops_reading_once_over_limit(self, inner: Inner) -> None:
        """Without Content-Length, reading stops at the first chunk past the limit."""
        chunks = [b"x" * 100] * 50
        answer = call(
            ValidatingMiddleware(inner, max_body_bytes=250), chunks=chunks,
            headers=headers_for(),
        )

        assert answer.status == 413
        assert answer.receive_calls == 3
        assert inner.calls == []

    def test_body_exactly_at_limit_is_accepted(self, inner: Inner) -> None:
        """A body of exactly max_body_bytes is read and checked."""
        body = dumps(VALID)
        raw = [body[:10], body[10:]]
        answer = call(ValidatingMiddleware(inner, max_body_bytes=len(body)), chunks=raw,
                      headers=headers_for())

        assert answer.status == 200
        assert inner.calls[0][1] == body

    def test_default_limits_are_the_apis(self, inner: Inner) -> None:
        """By default a declared 32 MiB + 1 message body is refused, the same on batches is not."""
        over = API_BODY_LIMITS["request"] + 1
        gateway = ValidatingMiddleware(inner)

        refused = call(gateway, dumps(VALID), headers=headers_for(length=over))
        # The declared length is a lie here; the gateway reads what comes.
        allowed = call(gateway, batch(item("a")), path="/v1/messages/batches",
                       headers=headers_for(length=over))

        assert (refused.status, allowed.status) == (413, 200)

    def test_413_in_report_mode_too(self, inner: Inner) -> None:
        """The size limit protects the gateway itself, so report mode refuses as well."""
        answer = call(ValidatingMiddleware(inner, mode="report", max_body_bytes=10))

        assert answer.status == 413

    @pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
    def test_bad_limit_is_a_config_error(self, inner: Inner, bad: Any) -> None:
        """max_body_bytes must be a positive integer."""
        with pytest.raises(ConfigError, match="max_body_bytes"):
            ValidatingMiddleware(inner, max_body_bytes=bad)


# -- headers --------------------------------------------------------------------------------


class TestVersionHeader:
    def test_missing_version_is_the_apis_400(self, inner: Inner) -> None:
        """Without anthropic-version the answer is the API's own 400 text."""
        answer = call(ValidatingMiddleware(inner), headers=headers_for(version=False))

        assert answer.status == 400
        assert answer.json()["error"] == {
            "type": "invalid_request_error",
            "message": MISSING_VERSION_MESSAGE,
        }
        assert MISSING_VERSION_MESSAGE == "anthropic-version: header is required"
        assert inner.calls == []

    def test_empty_version_counts_as_missing(self, inner: Inner) -> None:
        """An empty anthropic-version value is treated as absent."""
        headers = [*headers_for(version=False), (b"anthropic-version", b" ")]
        answer = call(ValidatingMiddleware(inner), headers=headers)

        assert answer.status == 400

    def test_unknown_date_is_forwarded_under_the_newest_rules(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """A well-formed date this version does not know: the newest rules, then forwarded."""
        headers = [*headers_for(version=False), (b"anthropic-version", b"2099-01-01")]
        gateway = ValidatingMiddleware(inner)

        ok = call(gateway, headers=headers)
        sampled = call(gateway, dumps({**VALID, "temperature": 1}), headers=headers)

        assert ok.status == 200
        assert sampled.status == 400
        assert sampled.json()["error"]["message"] == "temperature: Extra inputs are not permitted"
        assert sampled.headers[FINDINGS_HEADER] == b"VER001"
        first, second = log_lines(gateway_logs)
        assert (first["api_version"], first["anthropic_version"]) == (API_VERSIONS[-1],
                                                                      "unknown")
        assert second["codes"] == ["VER001"]

    @pytest.mark.parametrize(
        "value", ["latest", "2023-6-1", "2023-13-45", "20230601", "2023-W01-1", "next-v2"])
    def test_a_value_that_is_not_a_date_is_the_apis_400(
        self, inner: Inner, value: str, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """The API answers a version it cannot know in its envelope, naming the value."""
        headers = [*headers_for(version=False), (b"anthropic-version", value.encode())]
        answer = call(ValidatingMiddleware(inner), headers=headers)

        assert answer.status == 400
        assert answer.json()["error"] == {
            "type": "invalid_request_error",
            "message": f'anthropic-version: "{value}" is not a valid version',
        }
        assert inner.calls == []
        (line,) = log_lines(gateway_logs)
        assert (line["decision"], line["anthropic_version"]) == ("reject", "invalid")
        assert value not in json.dumps(line)  # the value itself is not logged
        assert "api_version" not in line  # nothing was checked

    def test_a_repeated_header_is_judged_joined(self, inner: Inner) -> None:
        """Two version headers reach the API as one joined value, which it refuses."""
        headers = [*headers_for(), (b"anthropic-version", b"2023-06-01")]
        answer = call(ValidatingMiddleware(inner), headers=headers)

        assert answer.status == 400
        assert answer.json()["error"]["message"] == (
            'anthropic-version: "2023-06-01, 2023-06-01" is not a valid version')

    def test_a_bad_value_is_forwarded_in_report_mode(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """Report mode forwards it, checked under the configured version, and logs it."""
        headers = [*headers_for(version=False), (b"anthropic-version", b"latest")]
        answer = call(ValidatingMiddleware(inner, mode="report"), headers=headers)

        assert answer.status == 200
        (line,) = log_lines(gateway_logs)
        assert (line["anthropic_version"], line["api_version"]) == ("invalid", "2023-06-01")

    def test_not_judged_when_disabled(self, inner: Inner) -> None:
        """require_version=False forwards a value that is not a date too."""
        headers = [*headers_for(version=False), (b"anthropic-version", b"latest")]
        answer = call(ValidatingMiddleware(inner, require_version=False), headers=headers)

        assert answer.status == 200

    @pytest.mark.parametrize(("version", "status"), [("2023-06-01", 200), ("2026-10-21", 400)])
    def test_each_request_is_checked_under_its_own_version(
        self, inner: Inner, version: str, status: int, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """temperature is accepted under 2023-06-01 and removed in 2026-10-21 (VER001)."""
        body = dumps({**VALID, "temperature": 1})
        headers = [*headers_for(version=False, length=len(body)),
                   (b"anthropic-version", version.encode())]
        answer = call(ValidatingMiddleware(inner), body, headers=headers)

        assert answer.status == status
        (line,) = log_lines(gateway_logs)
        assert line["api_version"] == version
        assert "anthropic_version" not in line  # a known version needs no remark
        if status == 400:
            assert answer.json()["error"] == {
                "type": "invalid_request_error",
                "message": "temperature: Extra inputs are not permitted",
            }
            assert line["codes"] == ["VER001"]
        else:
            assert json.loads(inner.calls[0][1])["temperature"] == 1

    def test_without_the_header_the_configured_version_applies(self, inner: Inner) -> None:
        """require_version=False and no header: LintConfig.api_version decides."""
        body = dumps({**VALID, "temperature": 1})
        newest = ValidatingMiddleware(inner, require_version=False,
                                      config=LintConfig(api_version="2026-10-21"))
        default = ValidatingMiddleware(inner, require_version=False)

        assert call(newest, body, headers=headers_for(version=False)).status == 400
        assert call(default, body, headers=headers_for(version=False)).status == 200

    def test_not_required_when_disabled(self, inner: Inner) -> None:
        """require_version=False forwards requests without the header."""
        answer = call(ValidatingMiddleware(inner, require_version=False),
                      headers=headers_for(version=False))

        assert answer.status == 200

    def test_report_mode_forwards_and_logs_it(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """Report mode forwards a missing version; the log says so (the header: codes only)."""
        gateway = ValidatingMiddleware(inner, mode="report")
        answer = call(gateway, headers=headers_for(version=False))

        assert answer.status == 200
        assert FINDINGS_HEADER not in answer.headers
        (line,) = log_lines(gateway_logs)
        assert line["anthropic_version"] == "missing"
        assert line["codes"] == []


class TestBetaHeader:
    BODY = dumps({**VALID, "context_management": {"edits": []}})

    def test_beta_field_without_header_is_rejected(self, inner: Inner) -> None:
        """A beta-only field without its beta is the API's "Extra inputs" error."""
        answer = call(ValidatingMiddleware(inner), self.BODY)

        assert answer.status == 400
        assert answer.json()["error"]["message"] == (
            "context_management: Extra inputs are not permitted"
        )
        assert answer.headers[FINDINGS_HEADER] == b"SCH010"

    def test_header_unlocks_the_field(self, inner: Inner) -> None:
        """The request's anthropic-beta value unlocks the beta-only field."""
        answer = call(ValidatingMiddleware(inner), self.BODY,
                      headers=headers_for(betas=[CONTEXT_BETA]))

        assert answer.status == 200

    def test_comma_joined_and_repeated_headers_are_read(self, inner: Inner) -> None:
        """Values are read from a comma-joined list and from repeated headers."""
        gateway = ValidatingMiddleware(inner)

        joined = call(gateway, self.BODY,
                      headers=headers_for(betas=[f"files-api-2025-04-14 , {CONTEXT_BETA}"]))
        repeated = call(gateway, self.BODY,
                        headers=headers_for(betas=["files-api-2025-04-14", CONTEXT_BETA]))

        assert (joined.status, repeated.status) == (200, 200)

    def test_configured_betas_apply_to_every_request(self, inner: Inner) -> None:
        """Betas in the config unlock fields even without the header."""
        gateway = ValidatingMiddleware(inner, config=LintConfig(betas=[CONTEXT_BETA]))

        assert call(gateway, self.BODY).status == 200

    def test_one_linter_per_distinct_set(self, inner: Inner) -> None:
        """The same set of betas in any order reuses one linter."""
        gateway = ValidatingMiddleware(inner)

        first = gateway._linter_for(["b", "a"])
        again = gateway._linter_for(["a", "b", "a"])
        other = gateway._linter_for(["a"])

        assert first is again
        assert other is not first
        assert set(first.config.betas) == {"a", "b"}

    def test_one_linter_per_beta_set_and_version(self, inner: Inner) -> None:
        """The API version is part of the linter's key, and of its config."""
        gateway = ValidatingMiddleware(inner)

        default = gateway._linter_for(["a"])
        newest = gateway._linter_for(["a"], "2026-10-21")

        assert newest is not default
        assert newest is gateway._linter_for(["a"], "2026-10-21")
        assert default is gateway._linter_for(["a"], "2023-06-01")
        assert (default.config.api_version, newest.config.api_version) == (
            "2023-06-01", "2026-10-21")

    def test_linter_cache_is_bounded(self, inner: Inner) -> None:
        """Random beta headers cannot grow the cache without bound."""
        gateway = ValidatingMiddleware(inner)

        for i in range(300):
            gateway._linter_for([f"beta-{i}"], API_VERSIONS[i % len(API_VERSIONS)])

        assert len(gateway._linters) <= 128


# -- the error envelope ---------------------------------------------------------------------


class TestEnvelope:
    def test_shape_and_request_id(self, inner: Inner) -> None:
        """A rejection is the API's envelope with a req_gw_ request id, also as a header."""
        answer = call(ValidatingMiddleware(inner), dumps({**VALID, "max_tokens": "x"}))
        envelope = answer.json()

        assert set(envelope) == {"type", "error", "request_id"}
        assert envelope["type"] == "error"
        assert set(envelope["error"]) == {"type", "message"}
        assert envelope["request_id"].startswith("req_gw_")
        assert answer.headers[b"request-id"] == envelope["request_id"].encode()
        assert answer.headers[b"content-type"] == b"application/json"
        assert answer.headers[b"content-length"] == str(len(answer.body)).encode()

    def test_request_ids_differ(self, inner: Inner) -> None:
        """Each rejection gets its own request id."""
        gateway = ValidatingMiddleware(inner)
        body = dumps({**VALID, "max_tokens": "x"})

        ids = {call(gateway, body).json()["request_id"] for _ in range(5)}

        assert len(ids) == 5

    def test_first_finding_by_path_then_code(self, inner: Inner) -> None:
        """Of several errors the one first by path is reported; the header lists all codes."""
        body = {**VALID, "temperature": 3, "aaa_unknown": 1}
        answer = call(ValidatingMiddleware(inner), dumps(body))

        assert answer.json()["error"]["message"] == "aaa_unknown: Extra inputs are not permitted"
        assert answer.headers[FINDINGS_HEADER] == b"SCH002,SCH006"

    def test_structural_error_is_reported_before_semantic_ones(self, inner: Inner) -> None:
        """An image/bmp image is the schema's error, as the API answers, not the media rule's."""
        image = {"type": "image", "source": {"type": "base64", "media_type": "image/bmp",
                                             "data": "AAAA"}}
        body = {**VALID, "messages": [{"role": "user", "content": [image]}]}
        answer = call(ValidatingMiddleware(inner), dumps(body))

        message = answer.json()["error"]["message"]
        assert message.startswith("messages.0.content.0.image.source.base64.media_type: ")
        codes = answer.headers[FINDINGS_HEADER].split(b",")
        assert codes[0] == b"SCH004"
        assert b"MED005" in codes

    def test_findings_header_lists_codes_only(self, inner: Inner) -> None:
        """Every entry of the findings header is a rule code."""
        gateway = ValidatingMiddleware(inner, mode="report")
        bodies = [
            dumps({**VALID, "temperature": 3, "zz": 1}),
            batch(item("same"), item("same", max_tokens="x")),
        ]
        for body, path in zip(bodies, ["/v1/messages", "/v1/messages/batches"], strict=True):
            answer = call(gateway, body, path=path, headers=headers_for(version=False))
            codes = answer.headers[FINDINGS_HEADER].decode().split(",")
            assert codes
            assert all(re.fullmatch(r"[A-Z]+[0-9]{3}", code) for code in codes), codes

    def test_invalid_json_has_no_path(self, inner: Inner) -> None:
        """A body that is not JSON gets the API's prefix and no path."""
        answer = call(ValidatingMiddleware(inner), b'{"model": ')

        message = answer.json()["error"]["message"]
        assert message.startswith("The request body is not valid JSON: ")
        assert answer.headers[FINDINGS_HEADER] == b"SCH000"

    def test_root_error_has_no_prefix(self, inner: Inner) -> None:
        """A finding whose api_path is empty gives a message without a prefix."""
        answer = call(ValidatingMiddleware(inner), b"[]")

        assert answer.json()["error"]["message"] == "Input should be a valid dictionary"


class TestProblem:
    def finding(self, **changes: Any) -> Finding:
        base = Finding(code="TOOL001", name="x", severity=Severity.ERROR, message="ours",
                       path=("tools", 0), api_path="tools.0.custom.name")
        return attrs.evolve(base, **changes)

    def test_prefers_api_error(self) -> None:
        """The API's verbatim api_error wins over the finding's own message."""
        problem = Problem.from_finding(self.finding(api_error="theirs"))

        assert problem.message == "tools.0.custom.name: theirs"

    def test_uses_message_without_api_error(self) -> None:
        """Without api_error the finding's message is used."""
        assert Problem.from_finding(self.finding()).message == "tools.0.custom.name: ours"

    def test_empty_api_path_has_no_prefix(self) -> None:
        """An empty api_path leaves the text bare."""
        problem = Problem.from_finding(self.finding(api_path="", api_error="Found 5."))

        assert problem.message == "Found 5."

    def test_text_already_prefixed_is_not_doubled(self) -> None:
        """A verbatim text that already starts with its path is not prefixed twice."""
        problem = Problem.from_finding(self.finding(api_error="tools.0.custom.name: theirs"))

        assert problem.message == "tools.0.custom.name: theirs"

    def test_prefix_with_empty_api_path(self) -> None:
        """A batch prefix alone becomes the path when the finding has none."""
        problem = Problem.from_finding(self.finding(api_path=""), prefix=("requests", 3))

        assert problem.message == "requests.3: ours"


# -- modes ----------------------------------------------------------------------------------


class TestReportMode:
    def test_invalid_body_is_forwarded_byte_for_byte(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """Report mode forwards an invalid body unchanged, with the codes in a header."""
        body = b'{"model":"m",  "max_tokens":"x","messages":[],"zzz":1}'
        answer = call(ValidatingMiddleware(inner, mode="report"), body)

        assert answer.status == 200
        assert inner.calls[0][1] == body
        assert answer.headers[FINDINGS_HEADER].split(b",")[0] == b"SCH003"
        assert b"SCH002" in answer.headers[FINDINGS_HEADER]
        (line,) = log_lines(gateway_logs)
        assert line["decision"] == "forward"
        assert line["mode"] == "report"
        assert line["findings"] >= 2
        assert gateway_logs.records[0].levelno == logging.WARNING

    def test_invalid_json_is_forwarded(self, inner: Inner) -> None:
        """Even undecodable bodies are forwarded in report mode."""
        answer = call(ValidatingMiddleware(inner, mode="report"), b"{oops")

        assert answer.status == 200
        assert inner.calls[0][1] == b"{oops"
        assert answer.headers[FINDINGS_HEADER] == b"SCH000"


class TestNormalizeMode:
    def test_forwards_the_normalized_body(self, inner: Inner) -> None:
        """Normalize mode forwards normalize_request(body) with a corrected Content-Length."""
        answer = call(ValidatingMiddleware(inner, mode="normalize"), dumps(VALID))

        scope, forwarded = inner.calls[0]
        assert answer.status == 200
        assert json.loads(forwarded) == normalize_request(VALID)
        assert json.loads(forwarded)["messages"][0]["content"] == [
            {"type": "text", "text": f"Hello {PAYLOAD_MARKER}"}
        ]
        lengths = [v for n, v in scope["headers"] if n == b"content-length"]
        assert lengths == [str(len(forwarded)).encode()]

    def test_invalid_body_is_still_rejected(self, inner: Inner) -> None:
        """Normalize mode rejects error findings, reported on the body as sent."""
        answer = call(ValidatingMiddleware(inner, mode="normalize"),
                      dumps({**VALID, "max_tokens": "x"}))

        assert answer.status == 400
        assert inner.calls == []

    def test_custom_normalizer_and_batches(self, inner: Inner) -> None:
        """A given normalizer is applied to each batch item's params."""

        def tag(body: Any) -> Any:
            return {**body, "metadata": {"user_id": "normalized"}}

        gateway = ValidatingMiddleware(inner, mode="normalize", normalizer=tag)
        call(gateway, batch(item("a"), item("b")), path="/v1/messages/batches")

        forwarded = json.loads(inner.calls[0][1])
        assert [r["params"]["metadata"] for r in forwarded["requests"]] == [
            {"user_id": "normalized"}
        ] * 2

    def test_failing_normalizer_forwards_the_original(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """A normalizer that raises does not lose the request: the original bytes go on."""

        def broken(body: Any) -> Any:
            raise RuntimeError(PAYLOAD_MARKER)

        body = dumps(VALID)
        call(ValidatingMiddleware(inner, mode="normalize", normalizer=broken), body)

        assert inner.calls[0][1] == body
        assert PAYLOAD_MARKER not in gateway_logs.text

    def test_missing_normalize_module_is_a_config_error(
        self, inner: Inner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without messages_schema.normalize, normalize mode fails at construction."""
        monkeypatch.setitem(sys.modules, "messages_schema.normalize", None)

        with pytest.raises(ConfigError, match="normalize_request"):
            ValidatingMiddleware(inner, mode="normalize")

    def test_unknown_mode_is_a_config_error(self, inner: Inner) -> None:
        """Only enforce, report and normalize are modes."""
        with pytest.raises(ConfigError, match="mode"):
            ValidatingMiddleware(inner, mode="strict")  # type: ignore[arg-type]


# -- large bodies: checked off the event loop -------------------------------------------------


def large(**overrides: Any) -> dict[str, Any]:
    """A valid request of about 300 KB: over the inline limit."""
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": "x" * 3000}
             for i in range(99)]
    return {**VALID, "messages": turns, **overrides}


class TestLargeBodies:
    def test_checked_in_a_worker_process(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """A large body is checked in a worker process: same verdicts, same messages."""
        gateway = ValidatingMiddleware(inner, mode="normalize")
        try:
            bad = call(gateway, dumps(large(max_tokens="x")))
            good = call(gateway, dumps(large(system="Be brief.")))
        finally:
            gateway.close()

        assert len(dumps(large())) > 256 * 1024
        assert bad.status == 400
        assert bad.json()["error"]["message"] == "max_tokens: Input should be a valid integer"
        assert good.status == 200
        assert json.loads(inner.calls[0][1]) == normalize_request(large(system="Be brief."))
        assert [line["checked_in"] for line in log_lines(gateway_logs)] == ["process"] * 2

    def test_a_worker_process_checks_under_the_requests_version(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """The request's anthropic-version reaches the worker: VER001 only under 2026-10-21."""
        body = dumps(large(temperature=1))
        gateway = ValidatingMiddleware(inner)
        try:
            answers = {
                version: call(gateway, body, headers=[
                    *headers_for(version=False, length=len(body)),
                    (b"anthropic-version", version.encode())])
                for version in ("2023-06-01", "2026-10-21")
            }
        finally:
            gateway.close()

        assert answers["2023-06-01"].status == 200
        assert answers["2026-10-21"].status == 400
        assert answers["2026-10-21"].json()["error"]["message"] == (
            "temperature: Extra inputs are not permitted")
        lines = log_lines(gateway_logs)
        assert [line["checked_in"] for line in lines] == ["process"] * 2
        assert [line["api_version"] for line in lines] == ["2023-06-01", "2026-10-21"]

    def test_an_unpicklable_normalizer_runs_in_a_thread(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """A lambda cannot go to a process: the large body is checked in a thread instead."""
        gateway = ValidatingMiddleware(
            inner, mode="normalize", normalizer=lambda body: {**body, "metadata": {}})
        try:
            answer = call(gateway, dumps(large()))
        finally:
            gateway.close()

        assert answer.status == 200
        assert json.loads(inner.calls[0][1])["metadata"] == {}
        assert log_lines(gateway_logs)[0]["checked_in"] == "thread"

    def test_without_worker_processes_a_thread_checks(self, inner: Inner) -> None:
        """check_processes=0 checks large bodies in a thread."""
        gateway = ValidatingMiddleware(inner, check_processes=0)

        assert call(gateway, dumps(large(max_tokens="x"))).status == 400
        assert call(gateway, dumps(large())).status == 200

    @pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
    def test_bad_process_count_is_a_config_error(self, inner: Inner, bad: Any) -> None:
        """check_processes must be 0 or a positive integer."""
        with pytest.raises(ConfigError, match="check_processes"):
            ValidatingMiddleware(inner, check_processes=bad)


# -- forwarding -----------------------------------------------------------------------------


class TestForwarding:
    def test_accepted_body_is_forwarded_byte_for_byte(self, inner: Inner) -> None:
        """Whitespace, key order, escapes and chunking survive: the app gets the same bytes."""
        body = (
            b'{ "messages" : [ {"content":"caf\\u00e9 \xe2\x98\x83", "role":"user"} ],\n'
            b'  "max_tokens":16 , "model":"claude-sonnet-4-5"}\n'
        )
        chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
        answer = call(ValidatingMiddleware(inner), chunks=chunks, headers=headers_for())

        assert answer.status == 200
        assert inner.calls[0][1] == body
        assert inner.calls[0][0]["headers"] == headers_for()

    def test_app_sees_disconnect_after_the_body(self, inner: Inner) -> None:
        """After the replayed body, receive() is the server's again."""
        seen: list[str] = []

        async def app(scope: Any, receive: Any, send: Any) -> None:
            seen.append((await receive())["type"])
            seen.append((await receive())["type"])
            await inner(scope, receive, send)

        call(ValidatingMiddleware(app), dumps(VALID))

        assert seen == ["http.request", "http.disconnect"]

    def test_client_disconnect_while_sending(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """A client that leaves mid-body gets no answer and the app is not called."""
        answer = call(ValidatingMiddleware(inner), disconnect_first=True)

        assert answer.status is None
        assert inner.calls == []
        assert log_lines(gateway_logs)[0]["decision"] == "disconnect"

    def test_compressed_body_is_forwarded_compressed(self, inner: Inner) -> None:
        """A valid gzip body is checked decoded and forwarded as the bytes that came."""
        body = gzip.compress(dumps(VALID))
        headers = headers_for(length=len(body), extra=[(b"content-encoding", b"gzip")])
        answer = call(ValidatingMiddleware(inner), body, headers=headers)

        assert answer.status == 200
        assert inner.calls[0][1] == body
        assert (b"content-encoding", b"gzip") in inner.calls[0][0]["headers"]


# -- logging --------------------------------------------------------------------------------


class TestLogging:
    def test_one_structured_line_per_validated_request(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """Each validated request logs one JSON line with the documented fields."""
        gateway = ValidatingMiddleware(inner)
        call(gateway, dumps(VALID))
        call(gateway, dumps({**VALID, "max_tokens": "x"}))
        call(gateway, b"", path="/v1/models", method="GET")

        ok, bad = log_lines(gateway_logs)
        assert set(ok) == {"event", "method", "path", "status", "ms", "mode", "decision",
                           "outcome", "findings", "codes", "api_version"}
        assert ok["api_version"] == "2023-06-01"
        assert (ok["status"], ok["decision"], ok["outcome"], ok["findings"], ok["codes"]) == (
            200, "forward", "complete", 0, []
        )
        assert (bad["status"], bad["decision"], bad["codes"]) == (400, "reject", ["SCH003"])
        assert bad["request_id"].startswith("req_gw_")
        assert ok["method"] == "POST"
        assert ok["path"] == "/v1/messages"
        assert ok["ms"] >= 0

    def test_credentials_and_payloads_never_logged(
        self, inner: Inner, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """No branch logs a key, a bearer token or payload text."""
        gateway = ValidatingMiddleware(inner)
        bad = dumps({**VALID, "max_tokens": PAYLOAD_MARKER})
        for mode in ("enforce", "report", "normalize"):
            gateway = ValidatingMiddleware(inner, mode=mode)  # type: ignore[arg-type]
            call(gateway, dumps(VALID))
            call(gateway, bad)
            call(gateway, b"{" + PAYLOAD_MARKER.encode())
            call(gateway, headers=headers_for(version=False))
            call(ValidatingMiddleware(inner, mode=mode, max_body_bytes=5))  # type: ignore[arg-type]
            call(gateway, batch(item(PAYLOAD_MARKER), item(PAYLOAD_MARKER)),
                 path="/v1/messages/batches")

        text = gateway_logs.text + " ".join(str(vars(r)) for r in gateway_logs.records)
        assert len(log_lines(gateway_logs)) == 18
        for secret in (API_KEY, BEARER, "sk-ant", PAYLOAD_MARKER):
            assert secret not in text


# -- the proxy, with httpx's mock transport -------------------------------------------------


class Chunks(httpx.AsyncByteStream):
    """A response body that arrives in the given chunks, as from a socket."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> Any:
        for chunk in self.chunks:
            yield chunk


def reply(status: int, body: bytes, **headers: str) -> httpx.Response:
    headers.setdefault("content-type", "application/json")
    return httpx.Response(status, headers=headers, stream=Chunks(body[:5], body[5:]))


class Upstream:
    """An httpx mock transport handler that records requests."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.respond = respond

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.respond is not None:
            return self.respond(request)
        return reply(200, b'{"id": "msg_01", "type": "message"}')


def proxy(upstream: Upstream, **kwargs: Any) -> Any:
    client = httpx.AsyncClient(transport=httpx.MockTransport(upstream))
    return make_proxy_app("http://upstream.test/base", client=client, **kwargs)


class TestProxy:
    def test_forwards_path_query_headers_and_body(self) -> None:
        """Method, path, query and body go upstream; hop-by-hop headers and Host do not."""
        upstream = Upstream()
        body = dumps(VALID)
        headers = headers_for(
            length=len(body),
            extra=[
                (b"connection", b"keep-alive, x-hop"),
                (b"x-hop", b"1"),
                (b"keep-alive", b"timeout=5"),
                (b"proxy-authorization", b"Basic abc"),
                (b"te", b"trailers"),
                (b"upgrade", b"h2c"),
                (b"x-custom", b"kept"),
            ],
        )
        answer = call(proxy(upstream), body, headers=headers,
                      scope_extra={"query_string": b"beta=true"})

        (request,) = upstream.requests
        assert answer.status == 200
        assert str(request.url) == "http://upstream.test/base/v1/messages?beta=true"
        assert request.content == body
        assert request.headers["host"] == "upstream.test"
        assert request.headers["x-api-key"] == API_KEY
        assert request.headers["x-custom"] == "kept"
        for dropped in ("x-hop", "keep-alive", "proxy-authorization", "te", "upgrade",
                        "accept-encoding", "user-agent", "accept"):
            assert dropped not in request.headers
        assert request.headers.get("connection") in (None, "keep-alive")

    def test_upstream_error_body_and_status_unchanged(self) -> None:
        """An upstream 429 comes back with its own status, headers and body."""
        error = b'{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}'
        upstream = Upstream(lambda r: reply(429, error, **{"retry-after": "3",
                                                           "transfer-encoding": "chunked"}))
        answer = call(proxy(upstream), dumps(VALID))

        assert (answer.status, answer.body) == (429, error)
        assert answer.headers[b"retry-after"] == b"3"
        assert b"transfer-encoding" not in answer.headers

    def test_rejects_before_upstream(self) -> None:
        """An invalid body is answered by the gateway and never sent upstream."""
        upstream = Upstream()
        answer = call(proxy(upstream), dumps({**VALID, "max_tokens": "x"}))

        assert answer.status == 400
        assert upstream.requests == []

    def test_mode_none_forwards_anything(self) -> None:
        """Without a mode the proxy forwards without checking."""
        upstream = Upstream()
        answer = call(proxy(upstream, mode=None), b"{bad")

        assert answer.status == 200
        assert upstream.requests[0].content == b"{bad"

    def test_get_without_body(self) -> None:
        """A GET is forwarded without a body."""
        upstream = Upstream()
        call(proxy(upstream), b"", method="GET", path="/v1/models", headers=headers_for())

        assert upstream.requests[0].method == "GET"
        assert upstream.requests[0].content == b""

    def test_unreachable_upstream_is_502(self, gateway_logs: pytest.LogCaptureFixture) -> None:
        """A connection failure is answered 502 in the API's envelope."""

        def refuse(request: httpx.Request) -> httpx.Response:
            msg = "refused"
            raise httpx.ConnectError(msg, request=request)

        answer = call(proxy(Upstream(refuse)), dumps(VALID))

        assert answer.status == 502
        assert answer.json()["error"]["type"] == "api_error"
        assert any(line.get("event") == "upstream_error" for line in log_lines(gateway_logs))

    def test_upstream_timeout_is_504(self) -> None:
        """An upstream timeout is answered 504 timeout_error."""

        def slow(request: httpx.Request) -> httpx.Response:
            msg = "slow"
            raise httpx.ReadTimeout(msg, request=request)

        answer = call(proxy(Upstream(slow)), dumps(VALID))

        assert (answer.status, answer.json()["error"]["type"]) == (504, "timeout_error")

    def test_response_is_linted_report_only(self, gateway_logs: pytest.LogCaptureFixture) -> None:
        """An upstream Message with problems is passed on unchanged and its findings logged."""
        bad_message = {"id": "msg_01", "type": "message", "role": "assistant"}
        upstream = Upstream(lambda r: reply(200, dumps(bad_message)))
        answer = call(proxy(upstream), dumps(VALID))

        assert json.loads(answer.body) == bad_message
        (response_line,) = [
            line for line in log_lines(gateway_logs) if line["event"] == "response"
        ]
        assert response_line["kind"] == "response"
        assert response_line["findings"] > 0
        assert response_line["checked"] is True

    def test_event_stream_passes_unchanged_and_is_checked(
        self, gateway_logs: pytest.LogCaptureFixture
    ) -> None:
        """An SSE answer reaches the client byte for byte; a delta before its block is logged."""
        stream = (
            b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1",'
            b'"type":"message","role":"assistant","model":"m","content":[],'
            b'"stop_reason":null,"stop_sequence":null,'
            b'"usage":{"input_tokens":1,"output_tokens":1}}}\n\n'
            b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
            b'"delta":{"type":"text_delta","text":"hi"}}\n\n'
            b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
        )
        upstream = Upstream(lambda r: httpx.Response(
            200, headers={"content-type": "text/event-stream"},
            stream=Chunks(*[stream[i : i + 17] for i in range(0, len(stream), 17)])))
        app = proxy(upstream)
        answer = call(app, dumps({**VALID, "stream": True}), settle=0.2)  # checked a bit later
        app.app.wait_for_checks()

        assert answer.body == stream
        (line,) = [line for line in log_lines(gateway_logs) if line["event"] == "response"]
        assert (line["kind"], line["checked"]) == ("stream", True)
        assert line["findings"] > 0
        assert all(code.startswith("SSE") for code in line["codes"])

    def test_response_checks_can_be_off(self, gateway_logs: pytest.LogCaptureFixture) -> None:
        """check_responses=False logs no response line."""
        call(proxy(Upstream(), check_responses=False), dumps(VALID))

        assert [line["event"] for line in log_lines(gateway_logs)] == ["request"]

    def test_lifespan_answers_startup_and_shutdown(self) -> None:
        """The proxy answers lifespan startup and shutdown (and closes its connections)."""
        app = make_proxy_app("http://upstream.test", mode=None)
        messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return messages.pop(0)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        asyncio.run(app({"type": "lifespan"}, receive, send))

        assert [m["type"] for m in sent] == [
            "lifespan.startup.complete", "lifespan.shutdown.complete"
        ]

    @pytest.mark.parametrize("upstream", ["ftp://x", "api.anthropic.com"])
    def test_bad_upstream_is_a_config_error(self, upstream: str) -> None:
        """The upstream must be an http(s) URL."""
        with pytest.raises(ConfigError, match="upstream"):
            make_proxy_app(upstream)


# -- the serve command ----------------------------------------------------------------------


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, stdin=io.BytesIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class TestServeCommand:
    def test_without_the_extra_prints_the_install_line(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without uvicorn, serve prints the pip line and exits 2."""
        monkeypatch.setitem(sys.modules, "uvicorn", None)

        code, _, err = run_cli(["serve", "--upstream", "http://127.0.0.1:1"])

        assert code == 2
        assert "pip install 'messages-schema[serve]'" in err

    def test_without_aiohttp_too(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The upstream client is part of the extra: without it, the same pip line."""
        monkeypatch.setitem(sys.modules, "aiohttp", None)

        code, _, err = run_cli(["serve", "--upstream", "http://127.0.0.1:1"])

        assert code == 2
        assert "pip install 'messages-schema[serve]'" in err
        with pytest.raises(ConfigError, match="aiohttp"):
            make_proxy_app("http://127.0.0.1:1")

    def test_runs_uvicorn_with_the_proxy(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """serve hands the proxy app to uvicorn with the host and port given."""
        seen: dict[str, Any] = {}
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))

        code, _, _ = run_cli(["serve", "--upstream", "http://127.0.0.1:1", "--port", "9",
                              "--mode", "report", "--beta", CONTEXT_BETA,
                              "--max-body-bytes", "1000"])

        assert code == 0
        assert (seen["host"], seen["port"], seen["access_log"]) == ("127.0.0.1", 9, False)
        # The upstream's Server and Date are forwarded: uvicorn must not add its own.
        assert (seen["server_header"], seen["date_header"]) == (False, False)
        app = seen["app"]
        assert isinstance(app, ValidatingMiddleware)
        assert (app.mode, app.max_body_bytes) == ("report", 1000)
        assert CONTEXT_BETA in app.config.betas
        assert (app.strict_batches, app.config.strict_unknown) == (False, False)
        assert app.app.upstream.timeout == 600.0

    def test_options_reach_the_app(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """--upstream-timeout, --strict-batches and --strict-unknown configure the proxy."""
        seen: dict[str, Any] = {}
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))

        code, _, _ = run_cli(["serve", "--upstream", "http://127.0.0.1:1",
                              "--upstream-timeout", "2.5", "--strict-batches",
                              "--strict-unknown"])

        app = seen["app"]
        assert code == 0
        assert app.app.upstream.timeout == 2.5
        assert app.strict_batches is True
        assert app.config.strict_unknown is True

    def test_workers_run_a_factory_with_the_same_settings(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """--workers N hands uvicorn an import string; each worker builds the same app."""
        from messages_schema.cli import serve as _cmd_serve

        seen: dict[str, Any] = {}
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
        monkeypatch.delenv(_cmd_serve.SETTINGS_ENV, raising=False)

        code, _, _ = run_cli(["serve", "--upstream", "http://127.0.0.1:1", "--workers", "3",
                              "--mode", "report", "--beta", CONTEXT_BETA,
                              "--upstream-timeout", "7", "--strict-batches"])
        monkeypatch.setenv(_cmd_serve.SETTINGS_ENV, os.environ[_cmd_serve.SETTINGS_ENV])
        worker = _cmd_serve.worker_app()

        assert code == 0
        assert (seen["app"], seen["factory"], seen["workers"]) == (
            "messages_schema.cli.serve:worker_app", True, 3)
        assert (seen["server_header"], seen["date_header"]) == (False, False)
        assert isinstance(worker, ValidatingMiddleware)
        assert (worker.mode, worker.strict_batches) == ("report", True)
        assert CONTEXT_BETA in worker.config.betas
        assert worker.app.upstream.timeout == 7.0

    @pytest.mark.parametrize("argv", [["--workers", "0"], ["--upstream-timeout", "0"],
                                      ["--upstream-timeout", "-1"]])
    def test_bad_numbers_exit_2(self, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
        """Workers and the timeout must be positive."""
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)

        code, _, err = run_cli(["serve", "--upstream", "http://127.0.0.1:1", *argv])

        assert code == 2
        assert argv[0] in err

    def test_bad_upstream_exits_2(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An upstream that is not a URL is a usage error."""
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)

        code, _, err = run_cli(["serve", "--upstream", "nowhere"])

        assert code == 2
        assert "upstream" in err
