"""
What the validating proxy adds to a request, against calling the upstream directly.

One run measures, on loopback:

* added latency (p50/p99 of proxied minus direct) per payload size, on requests the
  gateway accepts: 1 KB, 13 KB and 50 KB requests (checked on the event loop) and a
  1 MB media request (checked in a worker process);
* time to first byte of a streamed answer (``stream: true``), direct and proxied;
* throughput at 1, 10 and 50 concurrent clients (keep-alive connections), direct and
  proxied, on the 13 KB request: once with an upstream that answers at once (what one
  gateway process can do at most against a free echo server), once with an upstream
  that takes ``--api-delay`` (default 100 ms, still faster than the API itself).

The fake upstream (pure ASGI, answers a fixed Message or a short event stream) runs under
uvicorn in its own process; the proxy is ``python -m messages_schema serve`` in another,
started exactly as an operator would (``--workers`` as given, access log on at ``info``,
sent to /dev/null). The clients are small HTTP/1.1 clients on raw sockets in this
process, so their own cost is small and equal for both series. Latency requests are
interleaved (direct, proxied, direct, ...) so drifts in machine load hit both series
alike, after a warm-up. Payloads come from ``bench/payloads.py`` (deterministic); the
day is pinned to 2026-12-01.

    python bench/gateway_latency.py [--requests 500] [--rounds 5] [--seconds 3]
                                    [--workers 1] [--mode enforce] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import payloads

DAY = "2026-12-01"
HEADERS = (b"content-type: application/json\r\nanthropic-version: 2023-06-01\r\n"
           b"x-api-key: sk-bench\r\n")
MESSAGE = orjson.dumps(payloads.response())


def frame(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


START = orjson.loads(MESSAGE)
STREAM = [
    frame("message_start", {"type": "message_start", "message": {
        **START, "content": [], "stop_reason": None, "stop_sequence": None}}),
    frame("content_block_start", {"type": "content_block_start", "index": 0,
                                  "content_block": {"type": "text", "text": ""}}),
    frame("content_block_delta", {"type": "content_block_delta", "index": 0,
                                  "delta": {"type": "text_delta", "text": "Hello"}}),
    frame("content_block_stop", {"type": "content_block_stop", "index": 0}),
    frame("message_delta", {"type": "message_delta", "delta": {
        "stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 2}}),
    frame("message_stop", {"type": "message_stop"}),
]


async def upstream_app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    for name, value in scope["headers"]:
        if name == b"x-bench-delay":  # the API's own time, for the throughput runs
            await asyncio.sleep(float(value))
    if b'"stream":true' in chunks[-1] or b'"stream": true' in chunks[-1]:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        for event in STREAM:  # the first event at once, the rest a little later
            await send({"type": "http.response.body", "body": event, "more_body": True})
            await asyncio.sleep(0.001)
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(MESSAGE)).encode())]})
    await send({"type": "http.response.body", "body": MESSAGE})


def serve_upstream(port: int) -> None:
    uvicorn.run(upstream_app, host="127.0.0.1", port=port, log_level="error",
                access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"port {port} did not open")


# -- a minimal blocking HTTP/1.1 client -----------------------------------------------------


class Conn:
    """One keep-alive connection; `post` returns (status, body, seconds to first body byte)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _fill(self) -> None:
        data = self.sock.recv(1 << 16)
        if not data:
            msg = "the server closed the connection"
            raise ConnectionError(msg)
        self.buf += data

    def _until(self, mark: bytes) -> bytes:
        while mark not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(mark, 1)
        return head

    def _exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def post(self, path: str, body: bytes) -> tuple[int, bytes, float]:
        start = time.perf_counter()
        self.sock.sendall(b"POST %s HTTP/1.1\r\nhost: bench\r\n%scontent-length: %d\r\n\r\n"
                          % (path.encode(), HEADERS, len(body)) + body)
        head = self._until(b"\r\n\r\n").split(b"\r\n")
        status = int(head[0].split()[1])
        fields = dict(line.lower().split(b": ", 1) for line in head[1:])
        if b"content-length" in fields:
            if not self.buf:
                self._fill()
            first = time.perf_counter() - start
            return status, self._exactly(int(fields[b"content-length"])), first
        parts, first = [], 0.0
        while True:  # chunked
            size = int(self._until(b"\r\n").split(b";")[0], 16)
            if not first:
                first = time.perf_counter() - start
            if size == 0:
                self._until(b"\r\n")
                return status, b"".join(parts), first
            parts.append(self._exactly(size))
            self._exactly(2)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def paired(direct: Conn, proxied: Conn, body: bytes, n: int, warmup: int,
           *, ttfb: bool = False) -> tuple[list[float], list[float]]:
    """Interleaved timings (ms) of *body* direct and proxied."""
    out: tuple[list[float], list[float]] = ([], [])

    def once(conn: Conn) -> float:
        start = time.perf_counter()
        status, answer, first = conn.post("/v1/messages", body)
        if status != 200:
            sys.exit(f"HTTP {status}: {answer[:300]!r}")
        return (first if ttfb else time.perf_counter() - start) * 1000

    for i in range(warmup + n):
        pair = (direct, proxied) if i % 2 else (proxied, direct)
        times = {id(c): once(c) for c in pair}
        if i >= warmup:
            out[0].append(times[id(direct)])
            out[1].append(times[id(proxied)])
    return out


# -- throughput -----------------------------------------------------------------------------


async def _client(port: int, body: bytes, until: float, counts: list[int], delay: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (b"POST /v1/messages HTTP/1.1\r\nhost: bench\r\n%sx-bench-delay: %.3f\r\n"
               b"content-length: %d\r\n\r\n" % (HEADERS, delay, len(body)) + body)
    while time.monotonic() < until:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
        await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            sys.exit(f"throughput: {head[:60]!r}")
        counts[0] += 1
    writer.close()


def throughput(port: int, body: bytes, clients: int, seconds: float, delay: float) -> float:
    async def run() -> float:
        counts = [0]
        until = time.monotonic() + seconds
        start = time.monotonic()
        await asyncio.gather(*[_client(port, body, until, counts, delay)
                               for _ in range(clients)])
        return counts[0] / (time.monotonic() - start)

    return asyncio.run(run())


# -- the run --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5,
                        help="latency rounds; sizes take turns so load bursts hit all alike")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--mode", default="enforce", choices=("enforce", "report", "normalize"))
    parser.add_argument("--api-delay", type=float, default=0.1, metavar="SECONDS",
                        help="the upstream's answer time in the second throughput series")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()

    sizes = [
        ("1 KB", orjson.dumps(payloads.small_request())),
        ("13 KB", orjson.dumps(payloads.agentic_request(7))),
        ("50 KB", orjson.dumps(payloads.agentic_request())),
        ("1 MB", orjson.dumps(payloads.media_request())),
    ]
    up_port, proxy_port = free_port(), free_port()
    upstream = multiprocessing.get_context("spawn").Process(
        target=serve_upstream, args=(up_port,), daemon=True)
    upstream.start()
    folder = tempfile.mkdtemp(prefix="gateway-bench-")
    Path(folder, "pyproject.toml").write_text(f'[tool.messages-schema]\ntoday = "{DAY}"\n')
    proxy = subprocess.Popen(
        [sys.executable, "-m", "messages_schema", "serve", "--upstream",
         f"http://127.0.0.1:{up_port}", "--port", str(proxy_port), "--mode", args.mode,
         "--workers", str(args.workers)],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict[str, Any] = {"latency": [], "ttfb": {}, "throughput": []}
    try:
        deadline = time.monotonic() + 30
        wait_port(up_port, deadline)
        wait_port(proxy_port, deadline)
        time.sleep(3.0)  # let the check workers start (they are spawned at startup)
        direct, proxied = Conn(up_port), Conn(proxy_port)
        # Sizes take turns over --rounds rounds, so a burst of load elsewhere on the
        # machine falls on all of them alike rather than on one.
        series: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n, _ in sizes}
        for _ in range(args.rounds):
            for name, body in sizes:
                n = args.requests if len(body) < 500_000 else max(args.requests // 4, 50)
                d, p = paired(direct, proxied, body, max(n // args.rounds, 10),
                              args.warmup // args.rounds)
                series[name][0].extend(d)
                series[name][1].extend(p)
        for name, body in sizes:
            d, p = series[name]
            n = len(d)
            diffs = [b - a for a, b in zip(d, p, strict=True)]
            results["latency"].append({
                "payload": name, "bytes": len(body), "requests": n,
                "direct_p50": percentile(d, .5), "proxy_p50": percentile(p, .5),
                "added_p50": percentile(p, .5) - percentile(d, .5),
                "added_p99": percentile(p, .99) - percentile(d, .99),
                "pairwise_p50": percentile(diffs, .5),
            })
        stream_body = orjson.dumps({**payloads.small_request(), "stream": True})
        d, p = [], []
        for _ in range(args.rounds):
            rd, rp = paired(direct, proxied, stream_body, args.requests // args.rounds,
                            args.warmup // args.rounds, ttfb=True)
            d.extend(rd)
            p.extend(rp)
        results["ttfb"] = {"direct_p50": percentile(d, .5), "proxy_p50": percentile(p, .5),
                           "added_p50": percentile(p, .5) - percentile(d, .5),
                           "added_p99": percentile(p, .99) - percentile(d, .99)}
        body = sizes[1][1]
        for delay in (0.0, args.api_delay):
            for clients in (1, 10, 50):
                direct_rps = throughput(up_port, body, clients, args.seconds, delay)
                proxy_rps = throughput(proxy_port, body, clients, args.seconds, delay)
                results["throughput"].append({
                    "upstream_ms": delay * 1000, "clients": clients, "direct": direct_rps,
                    "proxy": proxy_rps, "ratio": proxy_rps / direct_rps})
    finally:
        proxy.terminate()
        proxy.wait(10)
        upstream.terminate()
        upstream.join(5)

    load = os.getloadavg()
    results["machine"] = {"cpus": os.cpu_count(), "load": load[0], "workers": args.workers,
                          "mode": args.mode}
    print(f"cpus={os.cpu_count()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f},"
          f" serve --workers {args.workers} --mode {args.mode}\n")
    print("| payload | direct p50 | proxied p50 | added p50 | added p99 |")
    print("|---|---:|---:|---:|---:|")
    for row in results["latency"]:
        print(f"| {row['payload']} | {row['direct_p50']:.2f} ms | {row['proxy_p50']:.2f} ms |"
              f" {row['added_p50']:.2f} ms | {row['added_p99']:.2f} ms |")
    t = results["ttfb"]
    print(f"| stream, first byte | {t['direct_p50']:.2f} ms | {t['proxy_p50']:.2f} ms |"
          f" {t['added_p50']:.2f} ms | {t['added_p99']:.2f} ms |")
    print("\n| upstream answers in | concurrent clients (13 KB) | direct | proxied |"
          " proxied / direct |")
    print("|---:|---:|---:|---:|---:|")
    for row in results["throughput"]:
        print(f"| {row['upstream_ms']:.0f} ms | {row['clients']} | {row['direct']:.0f} req/s |"
              f" {row['proxy']:.0f} req/s | {row['ratio']:.0%} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
