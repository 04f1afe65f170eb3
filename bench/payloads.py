"""
Deterministic benchmark payloads: the same bytes on every run and every machine.

* ``small_request``   ~1 KB: one user turn, a system prompt, sampling options.
* ``agentic_request`` ~50 KB: tools, thinking, rounds of tool_use / tool_result.
* ``media_request``   ~1 MB: PNG images and a PDF, base64-encoded.
* ``response``        ~2 KB: a Message with text, tool_use and usage.
* ``jsonl_corpus``    ~N MB of mixed JSONL records (requests, responses, batch lines);
  with *bad*, that fraction of its request and batch records carries one problem.
* `INVALID_PAYLOADS`: the issue-22 documents, a 119-byte request valid and with one
  structural or semantic problem, and a 1 KB request with and without an empty text block.
"""

from __future__ import annotations

import base64
import random
import struct
import zlib
from typing import Any

import orjson


def _png(width: int, height: int, seed: int) -> bytes:
    """A real, decodable RGB PNG of the given size with noisy pixels (poorly compressible)."""
    rnd = random.Random(seed)
    rows = b"".join(b"\x00" + rnd.randbytes(width * 3) for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


def _pdf(pages: int) -> bytes:
    """A small valid PDF with *pages* empty pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _words(rnd: random.Random, n: int) -> str:
    vocab = (
        "the weather in",
        "city",
        "temperature",
        "forecast",
        "result",
        "tool",
        "call",
        "value",
        "report",
        "summary",
        "sunny",
        "rain",
        "degrees",
        "tomorrow",
        "analysis",
    )
    return " ".join(rnd.choice(vocab) for _ in range(n))


def small_request() -> dict[str, Any]:
    """About 1 KB."""
    rnd = random.Random(1)
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "system": "You are a concise assistant. " + _words(rnd, 30),
        "temperature": 0.7,
        "stop_sequences": ["\n\nHuman:"],
        "metadata": {"user_id": "3f1e2d4c-0000-4a5b-9c8d-123456789abc"},
        "messages": [{"role": "user", "content": _words(rnd, 90)}],
    }


def agentic_request(rounds: int = 34) -> dict[str, Any]:
    """About 50 KB: tool definitions, thinking and *rounds* of tool calls and results."""
    rnd = random.Random(2)
    tools = [
        {
            "name": f"tool_{i}",
            "description": _words(rnd, 25),
            "input_schema": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                "required": ["city"],
            },
        }
        for i in range(6)
    ]
    tools.append({"type": "web_search_20250305", "name": "web_search", "max_uses": 5})
    messages: list[dict[str, Any]] = [{"role": "user", "content": _words(rnd, 40)}]
    for r in range(rounds):
        tid = f"toolu_{r:02d}{rnd.getrandbits(64):016x}"
        messages.append(
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "thinking",
                        "thinking": _words(rnd, 60),
                        "signature": base64.b64encode(rnd.randbytes(96)).decode(),
                    },
                    {"type": "text", "text": _words(rnd, 12)},
                    {
                        "type": "tool_use",
                        "id": tid,
                        "name": f"tool_{r % 6}",
                        "input": {"city": "Paris", "days": r % 7 + 1},
                    },
                ],
            }
        )
        messages.append(
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": tid, "content": _words(rnd, 45)},
                ],
            }
        )
    messages.append(
        {
            "role": "assistant",
            "content": [
                {
                    "type": "thinking",
                    "thinking": _words(rnd, 40),
                    "signature": base64.b64encode(rnd.randbytes(96)).decode(),
                },
                {"type": "text", "text": _words(rnd, 30)},
            ],
        }
    )
    messages.append({"role": "user", "content": "Thanks. " + _words(rnd, 10)})
    return {
        "model": "claude-opus-4-8",
        "max_tokens": 16000,
        "thinking": {"type": "adaptive"},
        "system": [
            {"type": "text", "text": _words(rnd, 80), "cache_control": {"type": "ephemeral"}}
        ],
        "tools": tools,
        "tool_choice": {"type": "auto"},
        "messages": messages,
    }


def media_request() -> dict[str, Any]:
    """About 1 MB: three PNG images and a two-page PDF."""
    content: list[dict[str, Any]] = []
    for i, (w, h) in enumerate([(360, 340), (300, 260), (260, 240)]):
        data = base64.b64encode(_png(w, h, seed=i)).decode()
        content.append(
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}}
        )
    content.append(
        {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": base64.b64encode(_pdf(2)).decode(),
            },
            "title": "report.pdf",
        }
    )
    content.append({"type": "text", "text": "Compare the images with the report."})
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 2048,
        "messages": [{"role": "user", "content": content}],
    }


def response() -> dict[str, Any]:
    """About 2 KB."""
    rnd = random.Random(4)
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [
            {"type": "text", "text": _words(rnd, 150)},
            {
                "type": "tool_use",
                "id": "toolu_01A09q90qw90lq917835lq9",
                "name": "get_weather",
                "input": {"location": "San Francisco, CA", "unit": "celsius"},
            },
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 2095,
            "output_tokens": 503,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 1800,
            "service_tier": "standard",
        },
    }


def tiny_request() -> dict[str, Any]:
    """The smallest realistic request: one user text block (119 bytes)."""
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}],
    }


def tiny_structural() -> dict[str, Any]:
    """`tiny_request` with two structural problems: a string `max_tokens`, a block `txt`."""
    body = tiny_request()
    body["max_tokens"] = "1024"
    body["messages"][0]["content"][0]["type"] = "txt"
    return body


def tiny_extra_key() -> dict[str, Any]:
    """`tiny_request` with one unknown key in its block."""
    body = tiny_request()
    body["messages"][0]["content"][0]["colour"] = "red"
    return body


def tiny_semantic() -> dict[str, Any]:
    """`tiny_request` with one empty text block: valid in shape, refused by the API."""
    body = tiny_request()
    body["messages"][0]["content"][0]["text"] = ""
    return body


def small_blocks(last: str = ".") -> dict[str, Any]:
    """`small_request` with its text as two blocks, the second holding *last*."""
    body = small_request()
    text = body["messages"][0]["content"]
    body["messages"][0]["content"] = [
        {"type": "text", "text": text},
        {"type": "text", "text": last},
    ]
    return body


#: label -> (payload, the error codes `lint` gives it).
INVALID_PAYLOADS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "request_tiny": (tiny_request, ()),
    "request_tiny_structural": (tiny_structural, ("SCH003", "SCH005")),
    "request_tiny_extra_key": (tiny_extra_key, ("SCH002",)),
    "request_tiny_semantic": (tiny_semantic, ("TURN001",)),
    "request_1kb_blocks": (small_blocks, ()),
    "request_1kb_semantic": (lambda: small_blocks(""), ("TURN001",)),
}


def _broken(record: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """*record* (a request or batch item) with one problem, structural or semantic."""
    body = record.get("params", record)
    how = rnd.randrange(4)
    if how == 0:
        body["max_tokens"] = str(body["max_tokens"])
    elif how == 1:
        body["messages"][0]["colour"] = "red"
    elif how == 2:
        body["messages"].append({"role": "tool", "content": "done"})
    else:
        body["messages"].insert(0, {"role": "user", "content": [{"type": "text", "text": ""}]})
    return record


def jsonl_corpus(megabytes: float = 50.0, bad: float = 0.0) -> bytes:
    """
    Mixed JSONL records (requests, responses, batch items and results) of about *megabytes*.

    Batch lines get unique ``custom_id``s, as in a real batch file (a repeated one is
    finding BATCH001, which would make the corpus a test of error reporting). With
    *bad*, about that fraction of the records is a request or batch item with one
    problem: a string ``max_tokens``, an unknown key, an unknown role (structural) or a
    leading empty text block (semantic), in turn at random.
    """
    rnd = random.Random(5)
    broken = random.Random(6)
    small = [orjson.dumps(agentic_request(rounds=r)) for r in (1, 2, 3)]
    params = orjson.dumps(small_request())
    result = orjson.dumps({"type": "succeeded", "message": response()})
    records = [*small, params, orjson.dumps(response()), b"item", b"result"]
    target = int(megabytes * 1024 * 1024)
    out = bytearray()
    n = 0
    while len(out) < target:
        record = rnd.choice(records)
        if record == b"item":
            n += 1
            record = b'{"custom_id":"req-%d","params":%s}' % (n, params)
        elif record == b"result":
            n += 1
            record = b'{"custom_id":"req-%d","result":%s}' % (n, result)
        if bad and broken.random() < bad:
            n += 1
            item = {"custom_id": f"req-{n}", "params": small_request()}
            record = orjson.dumps(_broken(rnd.choice([agentic_request(1), item]), broken))
        out += record + b"\n"
    return bytes(out)


PAYLOADS = {
    "request_1kb": small_request,
    "agentic_50kb": agentic_request,
    "media_1mb": media_request,
    "response_2kb": response,
}
