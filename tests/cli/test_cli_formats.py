"""
``check --format``: golden files for every machine format, SARIF validated against the
vendored SARIF 2.1.0 schema, GitHub escaping, JUnit well-formedness.

Regenerate the golden files with
``MESSAGES_SCHEMA_REGEN_GOLDEN=1 pytest tests/cli/test_cli_formats.py`` and review the
diff. Rule documentation inside the SARIF log is compared with the registry rather than
with the golden file, so editing a rule's doc does not break it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from messages_schema.cli._output import (
    GITHUB_ANNOTATION_LIMIT,
    RENDERERS,
    artifact_uri,
    github_data,
    github_property,
)
from messages_schema.findings import Finding, Location, Severity
from messages_schema.rules import RULES
from tests.support import paths
from tests.support.cli import CLI_DATA, check, compare_golden

#: The selection the golden files are made with: families whose wording is settled.
SELECT = "SCH,LIM003,BATCH,MOD001"


@pytest.fixture
def in_cli_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from tests/fixtures/cli so file names in the output are short and stable."""
    monkeypatch.chdir(CLI_DATA)
    return CLI_DATA


def _run(fmt: str) -> str:
    r = check(".", "--isolated", "--select", SELECT, "--format", fmt, "--no-progress")
    assert r.code == 1, r.err
    return r.out


def _normalise_sarif(text: str) -> dict[str, Any]:
    log = json.loads(text)
    driver = log["runs"][0]["tool"]["driver"]
    driver["semanticVersion"] = "<version>"
    for entry in driver["rules"]:
        for key in ("shortDescription", "fullDescription", "help"):
            entry[key] = "<from the rule registry>"
    return log


class TestGolden:
    @pytest.mark.usefixtures("in_cli_data")
    @pytest.mark.parametrize(
        ("fmt", "golden"),
        [
            ("text", "check.txt"),
            ("json", "check.json"),
            ("jsonl", "check.jsonl.txt"),
            ("github", "check.github.txt"),
            ("junit", "check.junit.xml"),
        ],
    )
    def test_format_matches_golden(self, fmt: str, golden: str) -> None:
        """Each machine format is byte-for-byte what the golden file holds."""
        compare_golden(golden, _run(fmt))

    @pytest.mark.usefixtures("in_cli_data")
    def test_sarif_matches_golden(self) -> None:
        """SARIF matches its golden file (version and rule docs normalised)."""
        normalised = _normalise_sarif(_run("sarif"))
        compare_golden("check.sarif.json", json.dumps(normalised, indent=2) + "\n")


class TestJson:
    @pytest.mark.usefixtures("in_cli_data")
    def test_keys_are_the_contract(self) -> None:
        """Every record has exactly the contract's keys."""
        for record in json.loads(_run("json")):
            assert list(record) == [
                "code", "name", "severity", "message", "api_path", "pointer", "api_error",
                "fix", "location",
            ]
            assert set(record["location"]) == {"file", "line", "record"}

    @pytest.mark.usefixtures("in_cli_data")
    def test_json_and_jsonl_agree(self) -> None:
        """The json array and the jsonl lines hold the same records."""
        lines = [json.loads(line) for line in _run("jsonl").splitlines()]
        assert json.loads(_run("json")) == lines

    def test_empty_json_output_is_an_array(self) -> None:
        """No finding still prints a valid (empty) array."""
        r = check(str(CLI_DATA / "requests.jsonl"), "--isolated", "--select", "SCH005",
                  "--format", "json")
        assert json.loads(r.out) == []


@pytest.fixture(scope="module")
def validator() -> Any:
    """A validator for the vendored SARIF 2.1.0 schema, by the draft its $schema names."""
    schema = json.loads((paths.SARIF_SCHEMA).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


class TestSarif:
    @pytest.mark.usefixtures("in_cli_data")
    def test_valid_against_sarif_schema(self, validator: Any) -> None:
        """The log validates against the official SARIF 2.1.0 schema."""
        log = json.loads(_run("sarif"))
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])

    def test_empty_run_is_valid(self, validator: Any) -> None:
        """No finding: one run with no results, still valid."""
        r = check(str(CLI_DATA / "requests.jsonl"), "--isolated", "--select", "SCH005",
                  "--format", "sarif")
        log = json.loads(r.out)
        assert log["runs"][0]["results"] == []
        assert not list(validator.iter_errors(log))

    @pytest.mark.usefixtures("in_cli_data")
    def test_rules_and_results(self) -> None:
        """Rules carry registry metadata; results point at them and carry the pointer."""
        log = json.loads(_run("sarif"))
        run = log["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        for entry in rules:
            rule = RULES[entry["id"]]
            assert entry["name"] == rule.name
            assert entry["help"]["markdown"] == rule.doc
            assert entry["shortDescription"]["text"] == rule.summary
            assert entry["defaultConfiguration"]["level"] in ("error", "warning", "note")
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            location = result["locations"][0]
            assert location["physicalLocation"]["region"]["startLine"] >= 1
            assert "pointer" in result["properties"]
            assert "api_path" in result["properties"]
            assert location["logicalLocations"][0]["fullyQualifiedName"]
        levels = {r["level"] for r in run["results"]}
        assert levels == {"error", "warning"}

    def test_uri_escaping(self) -> None:
        """File names become URI references: spaces escaped, absolute paths as file URIs."""
        assert artifact_uri("data/a b.jsonl") == "data/a%20b.jsonl"
        assert artifact_uri("/tmp/x.jsonl") == "file:///tmp/x.jsonl"
        assert artifact_uri("-") == "-"


class TestGithub:
    def test_escaping(self) -> None:
        """Data escapes %, CR and LF; properties also escape : and ,."""
        assert github_data("100%\r\nok: a,b") == "100%25%0D%0Aok: a,b"
        assert github_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"

    def test_annotations_and_summary(self) -> None:
        """One command per finding; the last line is a ::notice with the totals."""
        findings = [
            Finding(code="SCH001", name="missing-field", severity=Severity.ERROR,
                    message=f"line one\nline {i} 100%", api_path="max_tokens",
                    location=Location(file="dir,1/a:b.jsonl", line=i, record=None))
            for i in range(1, 13)
        ] + [
            Finding(code="MOD001", name="unknown-model", severity=Severity.WARNING,
                    message="w", location=Location(file="x.json")),
        ]
        out = StringIO()
        RENDERERS["github"](findings, out, False)
        lines = out.getvalue().splitlines()
        assert lines[0] == (
            "::error file=dir%2C1/a%3Ab.jsonl,line=1,title=SCH001 missing-field::"
            "line one%0Aline 1 100%25 (at max_tokens)"
        )
        assert sum(line.startswith("::error ") for line in lines) == 12
        assert lines[12] == "::warning file=x.json,title=MOD001 unknown-model::w"
        assert lines[-1].startswith("::notice title=messages-schema::Found 13 findings")
        assert f"at most {GITHUB_ANNOTATION_LIMIT}" in lines[-1]
        assert "12 errors" in lines[-2]


class TestJunit:
    @pytest.mark.usefixtures("in_cli_data")
    def test_structure(self) -> None:
        """A testsuite per file, a testcase per record, a failure per error finding."""
        root = ET.fromstring(_run("junit"))
        assert root.tag == "testsuites"
        suites = {s.get("name"): s for s in root.findall("testsuite")}
        assert set(suites) == {"batch.jsonl", "one.json", "requests.jsonl"}
        requests = suites["requests.jsonl"]
        assert len(requests.findall("testcase")) == 7
        failures = [f.get("type") for f in requests.iter("failure")]
        assert sorted(failures) == ["LIM003", "SCH000", "SCH001"]
        assert requests.get("failures") == "3"
        one = suites["one.json"]
        assert one.find("testcase/system-out") is not None  # the warning

    def test_control_characters_are_replaced(self, tmp_path: Path) -> None:
        """Payload text with control characters still makes well-formed XML."""
        path = tmp_path / "x.jsonl"
        path.write_text(json.dumps({"model": "m", "bad\u0001key": 1}) + "\n", encoding="utf-8")
        r = check(str(path), "--isolated", "--format", "junit")
        ET.fromstring(r.out)
        assert "\x01" not in r.out


class TestText:
    def test_block_shape(self) -> None:
        """Location first, then the message, api path and fix, blank line between blocks."""
        r = check(str(CLI_DATA / "requests.jsonl"), "--isolated", "--select", "LIM003")
        assert r.out == (
            f"{CLI_DATA / 'requests.jsonl'}:5  /stop_sequences/0  LIM003 empty-stop-sequence"
            " [error]\n"
            "  stop_sequences: each stop sequence must be non-empty\n"
            "  at:   stop_sequences\n"
            "  api:  each stop sequence must be non-empty\n"
            "  fix:  Remove the empty stop sequence (safe)\n\n"
        )
