"""
Content, limits and model-capability rules as laws: a generated valid request lints
clean under MED/CACHE/LIM/MOD, and one mutation per rule produces exactly that code.
"""

from __future__ import annotations

import base64
import copy
import io
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from messages_schema import LintConfig, lint

FAMILIES = ["MED", "CACHE", "LIM", "MOD"]
#: Models whose table entries pin every value the mutations below rely on.
MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-5"]
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


def _encode(media_type: str, size: tuple[int, int]) -> str:
    buf = io.BytesIO()
    Image.new("RGB", size).save(buf, format=_FORMATS[media_type])
    return base64.b64encode(buf.getvalue()).decode()


@st.composite
def images(draw: Any) -> dict[str, Any]:
    """Small base64 images whose media_type matches their bytes; shrink to a 1x1 PNG."""
    media_type = draw(st.sampled_from(sorted(_FORMATS)))
    size = (draw(st.integers(1, 16)), draw(st.integers(1, 16)))
    return {
        "type": "image",
        "source": {"type": "base64", "media_type": media_type, "data": _encode(media_type, size)},
    }


texts = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=12)


@st.composite
def requests(draw: Any) -> dict[str, Any]:
    """Valid requests with images, cached system blocks, stop sequences and metadata."""
    model = draw(st.sampled_from(MODELS))
    content: list[Any] = draw(st.lists(images(), max_size=3))
    content.append({"type": "text", "text": draw(texts)})
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": draw(st.integers(0, 64000)),
        "messages": [{"role": "user", "content": content}],
    }
    n_cached = draw(st.integers(0, 3))
    if n_cached:
        body["system"] = [
            {"type": "text", "text": draw(texts), "cache_control": {"type": "ephemeral"}}
            for _ in range(n_cached)
        ]
    if draw(st.booleans()):
        body["stop_sequences"] = draw(st.lists(texts, max_size=3))
    if draw(st.booleans()):
        body["metadata"] = {"user_id": draw(texts)}
    if draw(st.booleans()):
        body[draw(st.sampled_from(["temperature", "top_p"]))] = draw(st.floats(0, 1))
    return body


def _codes(body: dict[str, Any]) -> set[str]:
    return {f.code for f in lint(body, config=LintConfig(select=FAMILIES))}


def _first_image(body: dict[str, Any]) -> dict[str, Any]:
    content = body["messages"][0]["content"]
    content.insert(
        0,
        {
            "type": "image",
            "source": {
                "type": "base64",
                "media_type": "image/png",
                "data": _encode("image/png", (1, 1)),
            },
        },
    )
    return content[0]["source"]


def _m_med001(b):
    s = _first_image(b)
    s["data"] = "data:image/png;base64," + s["data"]


def _m_med002(b):
    _first_image(b)["media_type"] = "image/jpeg"


def _m_med003(b):
    _first_image(b)["data"] = "A" * (5 * 1024 * 1024 + 4)


def _m_med004(b):
    _first_image(b)["data"] = _encode("image/png", (8001, 1))


def _m_med005(b):
    _first_image(b)["data"] = base64.b64encode(b"<svg/>").decode()


def _m_med007(b):
    b["messages"][0]["content"][:0] = [
        {"type": "image", "source": {"type": "url", "url": "https://e.x/a.png"}}
    ] * 101


def _m_med008(b):
    b["messages"][0]["content"].insert(
        0, {"type": "image", "source": {"type": "url", "url": "a.png"}}
    )


def _m_cache001(b):
    b["tools"] = [
        {
            "name": f"t{i}",
            "input_schema": {"type": "object"},
            "cache_control": {"type": "ephemeral"},
        }
        for i in range(5)
    ]


def _m_cache002(b):
    b["messages"][0]["content"].insert(
        0, {"type": "text", "text": "", "cache_control": {"type": "ephemeral"}}
    )


def _m_cache003(b):
    b["tools"] = [
        {"name": "t", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}
    ]
    b["messages"][0]["content"][-1]["cache_control"] = {"type": "ephemeral", "ttl": "1h"}


def _m_cache004(b):
    b["cache_control"] = {"type": "ephemeral"}
    b["messages"][0]["content"][-1]["cache_control"] = {"type": "ephemeral", "ttl": "1h"}


def _m_lim001(b):
    b["max_tokens"] = 10**6


def _m_lim002(b):
    b["temperature"], b["top_p"] = 0.5, 0.5


def _m_lim003(b):
    b["stop_sequences"] = ["END", ""]


def _m_lim004(b):
    b["stop_sequences"] = ["\n\t"]


def _m_lim006(b):
    b["metadata"] = {"user_id": "someone@example.org"}


def _m_lim007(b):
    b["metadata"] = {"user_id": "x" * 300}


def _m_mod001(b):
    b["model"] = "claude-unknown-9"


def _m_mod002(b):
    b["model"] = "claude-3-opus-20240229"


def _m_mod003(b):
    b["model"] = "claude-opus-4-6"
    b.pop("temperature", None), b.pop("top_p", None)
    b["max_tokens"] = min(b["max_tokens"], 64000)
    b["messages"].append({"role": "assistant", "content": "Sure"})


def _m_mod004(b):
    b["thinking"] = {"type": "adaptive"}


def _m_mod005(b):
    b["messages"].append({"role": "system", "content": "Be brief."})
    b["model"] = "claude-haiku-4-5"


def _m_mod006(b):
    b["model"] = "claude-haiku-4-5"
    b["output_config"] = {"effort": "low"}


def _m_mod007(b):
    b["model"] = "claude-opus-4-7"
    b["temperature"] = 0.5
    b.pop("top_p", None)


def _m_mod008(b):
    b["model"] = "claude-sonnet-4-6"
    b.pop("top_p", None)
    b["max_tokens"] = max(b["max_tokens"], 2048)
    b["thinking"] = {"type": "enabled", "budget_tokens": 1024}


MUTATIONS = {name[3:].upper(): fn for name, fn in globals().items() if name.startswith("_m_")}


@given(requests())
def test_generated_requests_lint_clean(body):
    """Whatever requests() draws has no MED/CACHE/LIM/MOD finding."""
    assert _codes(body) == set()


@given(requests(), st.sampled_from(sorted(MUTATIONS)))
def test_each_mutation_is_caught_by_its_rule(body, code):
    """A request broken for rule X is reported with code X."""
    broken = copy.deepcopy(body)
    MUTATIONS[code](broken)
    assert code in _codes(broken)
