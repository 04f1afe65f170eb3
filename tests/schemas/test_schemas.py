"""The shipped schemas: valid 2020-12, versioned ids, offline refs, the whole wire surface."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from messages_schema import SchemaNotFoundError, schemas
from tests.support.sdk.oracle import json_schema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "schemas"


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _type_literals(schema: dict[str, Any]) -> set[str]:
    """Every value a `type` property is pinned to (const or enum) anywhere in *schema*."""
    out: set[str] = set()
    for node in _walk(schema):
        props = node.get("properties")
        prop = props.get("type") if isinstance(props, dict) else None
        if not isinstance(prop, dict):
            continue
        for sub in [prop, *prop.get("anyOf", [])]:
            if isinstance(sub.get("const"), str):
                out.add(sub["const"])
            out.update(v for v in sub.get("enum", []) if isinstance(v, str))
    return out


class TestFiles:
    @pytest.mark.parametrize("name", schemas.NAMES)
    def test_passes_the_2020_12_metaschema(self, name: str) -> None:
        """Every entry file is a valid draft 2020-12 schema."""
        jsonschema.Draft202012Validator.check_schema(schemas.load(name))

    @pytest.mark.parametrize("name", schemas.NAMES)
    def test_has_a_versioned_id(self, name: str) -> None:
        """Each `$id` carries the schema-set version and the file name."""
        doc = schemas.load(name)
        assert doc["$id"] == f"https://messages-schema.dev/schemas/{schemas.SCHEMA_VERSION}/{name}.schema.json"
        assert re.search(r"/v\d+/", doc["$id"])
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def test_every_def_has_title_and_description(self) -> None:
        """Shared shapes are documented."""
        for name in ("request", "response"):
            for def_name, node in schemas.load(name)["$defs"].items():
                assert node.get("title") == def_name
                assert node.get("description"), def_name

    def test_checkout_and_package_agree(self) -> None:
        """`load` reads the same JSON as the files in schemas/."""
        for name in schemas.NAMES:
            on_disk = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
            assert schemas.load(name) == on_disk

    def test_load_accepts_kinds_and_file_names(self) -> None:
        """A lint kind or a file name finds the same schema as the stem."""
        assert schemas.load("batch_request") == schemas.load("batch-request")
        assert schemas.load("batch-request.schema.json") == schemas.load("batch-request")

    def test_unknown_name_raises_with_the_known_names(self) -> None:
        """Misuse raises, naming what exists."""
        with pytest.raises(SchemaNotFoundError, match="request"):
            schemas.load("nope")

    def test_load_returns_a_copy(self) -> None:
        """Mutating a loaded schema does not change the next load."""
        doc = schemas.load("request")
        doc["$defs"].clear()
        assert schemas.load("request")["$defs"]


class TestReferences:
    def test_every_ref_resolves_offline(self) -> None:
        """Each `$ref` in each file resolves through the shipped registry alone."""
        registry = schemas.registry()
        for name in schemas.NAMES:
            resolver = registry.resolver(base_uri=schemas.uri(name))
            for node in _walk(schemas.load(name)):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    assert resolver.lookup(ref).contents is not None, (name, ref)

    def test_no_remote_ref_is_retrieved(self) -> None:
        """An unknown URI raises instead of being fetched."""
        from referencing.exceptions import Unresolvable

        resolver = schemas.registry().resolver()
        with pytest.raises(Unresolvable):
            resolver.lookup("https://example.com/schema.json")


class TestSurface:
    @pytest.mark.parametrize(
        ("sdk_kind", "ours"),
        [("request", "request"), ("response", "response"), ("stream", "response"),
         ("batch_result", "response"), ("error", "response")],
    )
    def test_every_wire_type_literal_of_the_sdk_appears(self, sdk_kind: str, ours: str) -> None:
        """Every `type` literal the SDK's types declare appears in our schemas."""
        missing = _type_literals(json_schema(sdk_kind)) - _type_literals(schemas.load(ours))
        assert missing == set()

    def test_ping_and_error_events_are_stream_events(self) -> None:
        """The two SSE-level events complete the eight."""
        union = schemas.load("response")["$defs"]["MessageStreamEvent"]
        assert set(union["discriminator"]["mapping"]) == {
            "message_start", "message_delta", "message_stop", "content_block_start",
            "content_block_delta", "content_block_stop", "ping", "error",
        }

    def test_requests_are_closed_and_responses_open(self) -> None:
        """Request objects forbid unknown keys; response objects allow them."""
        req = schemas.load("request")["$defs"]
        resp = schemas.load("response")["$defs"]
        assert req["TextBlockParam"]["additionalProperties"] is False
        assert req["MessageCreateParams"]["additionalProperties"] is False
        assert "additionalProperties" not in resp["TextBlock"]
        assert "additionalProperties" not in resp["Message"]

    def test_sampling_parameters_are_declared(self) -> None:
        """temperature, top_p and top_k are accepted and range-checked (the SDK omits them)."""
        props = schemas.load("request")["$defs"]["MessageCreateParams"]["properties"]
        assert props["temperature"] == {"type": "number", "minimum": 0, "maximum": 1}
        assert props["top_p"]["maximum"] == 1
        # -1 is the "unset" value older SDKs send, answered HTTP 200 (dd-trace-js cassettes).
        assert props["top_p"]["minimum"] == props["top_k"]["minimum"] == -1

    def test_tagged_unions_dispatch_with_if_then(self) -> None:
        """Every union with a discriminator has one if/then branch per member."""
        for name in ("request", "response"):
            for def_name, node in schemas.load(name)["$defs"].items():
                if "discriminator" in node:
                    targets = set(node["discriminator"]["mapping"].values())
                    branches = {b["then"]["$ref"] for b in node["allOf"]}
                    assert branches == targets, def_name


def test_built_wheel_ships_the_schemas(tmp_path: Path) -> None:
    """The wheel carries `messages_schema/schemas/*.schema.json`."""
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for stem in schemas.NAMES:
        assert f"messages_schema/schemas/{stem}.schema.json" in names
    assert "messages_schema/py.typed" in names
