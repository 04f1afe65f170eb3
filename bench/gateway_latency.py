"""
Added latency of the validating proxy on a ~50 KB request, against the upstream directly.

Starts a fake upstream (pure ASGI, answers a fixed Message) and ``make_proxy_app`` in
front of it, each served by uvicorn in its own process on a free 127.0.0.1 port. One
``httpx.Client`` then sends N requests straight to the upstream and N through the proxy,
interleaved (direct, proxied, direct, ...) so drifts in machine load hit both series
alike, after a warm-up. Prints p50/p90/p99 of each series and of the per-pair difference,
plus the in-process cost of the middleware's check (``Linter.lint`` on the same bytes).

    python bench/gateway_latency.py [--requests 500] [--size 50000] [--mode enforce]
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import socket
import statistics
import sys
import time
from typing import Any

import httpx
import uvicorn

from messages_schema import Linter
from messages_schema.gateway import make_proxy_app

MODEL = "claude-sonnet-4-6"
MESSAGE = json.dumps(
    {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [{"type": "text", "text": "ok"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }
).encode()


async def upstream_app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    while True:
        message = await receive()
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(MESSAGE)).encode())]})
    await send({"type": "http.response.body", "body": MESSAGE})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_upstream(port: int) -> None:
    uvicorn.run(upstream_app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def serve_proxy(port: int, upstream: str, mode: str, check_responses: bool) -> None:
    logging.getLogger("messages_schema.gateway").setLevel(logging.WARNING)
    app = make_proxy_app(upstream, mode=None if mode == "off" else mode,  # type: ignore[arg-type]
                         check_responses=check_responses)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def request_body(size: int) -> bytes:
    turns: list[dict[str, Any]] = []
    line = "The quick brown fox jumps over the lazy dog; pack my box with five dozen jugs. "
    chunk = (line * 40)[:2400]
    while len(json.dumps({"model": MODEL, "max_tokens": 1024, "messages": turns})) < size:
        role = "user" if len(turns) % 2 == 0 else "assistant"
        turns.append({"role": role, "content": [{"type": "text", "text": chunk}]})
    if turns[-1]["role"] == "assistant":
        turns.append({"role": "user", "content": "Summarise."})
    return json.dumps({"model": MODEL, "max_tokens": 1024, "messages": turns}).encode()


def wait_ready(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    sys.exit(f"{url} did not come up")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--mode", default="enforce",
                        choices=("enforce", "report", "normalize", "off"),
                        help="the middleware's mode; off = the bare forwarder")
    parser.add_argument("--no-response-checks", action="store_true")
    args = parser.parse_args()
    body = request_body(args.size)
    up_port, proxy_port = free_port(), free_port()
    upstream = f"http://127.0.0.1:{up_port}"
    proxy = f"http://127.0.0.1:{proxy_port}"
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=serve_upstream, args=(up_port,), daemon=True),
        ctx.Process(target=serve_proxy, args=(proxy_port, upstream, args.mode,
                                                        not args.no_response_checks), daemon=True),
    ]
    for proc in procs:
        proc.start()
    try:
        deadline = time.monotonic() + 20
        wait_ready(upstream, deadline)
        wait_ready(proxy + "/v1/models", deadline)
        headers = {"content-type": "application/json", "anthropic-version": "2023-06-01",
                   "x-api-key": "sk-bench"}
        direct: list[float] = []
        proxied: list[float] = []
        with httpx.Client(timeout=10) as client:
            def once(base: str) -> float:
                start = time.perf_counter()
                response = client.post(base + "/v1/messages", content=body, headers=headers)
                elapsed = time.perf_counter() - start
                if response.status_code != 200:
                    sys.exit(f"{base}: HTTP {response.status_code}: {response.text[:300]}")
                return elapsed * 1000

            for _ in range(args.warmup):
                once(upstream)
                once(proxy)
            for i in range(args.requests):
                # Alternate which goes first, so neither always follows the other.
                if i % 2:
                    direct.append(once(upstream))
                    proxied.append(once(proxy))
                else:
                    proxied.append(once(proxy))
                    direct.append(once(upstream))
    finally:
        for proc in procs:
            proc.terminate()
            proc.join(5)

    linter = Linter()
    linter.lint(body)
    lint_ms = []
    for _ in range(200):
        start = time.perf_counter()
        linter.lint(body)
        lint_ms.append((time.perf_counter() - start) * 1000)

    diffs = [p - d for p, d in zip(proxied, direct, strict=True)]
    print(f"body {len(body)} bytes, {args.requests} requests each, interleaved,"
          f" mode={args.mode}, response checks={not args.no_response_checks},"
          f" cpus={os.cpu_count()}, load={os.getloadavg()[0]:.2f}")
    print(f"{'series':<22}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
    for name, values in [("direct upstream", direct), ("through proxy", proxied),
                         ("added (pairwise)", diffs), ("Linter.lint in-process", lint_ms)]:
        print(f"{name:<22}{percentile(values, .5):>9.3f}{percentile(values, .9):>9.3f}"
              f"{percentile(values, .99):>9.3f}{statistics.fmean(values):>9.3f}")
    p50 = percentile(proxied, .5) - percentile(direct, .5)
    p99 = percentile(proxied, .99) - percentile(direct, .99)
    print(f"added p50 (p50 proxy - p50 direct): {p50:.3f} ms; added p99: {p99:.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
