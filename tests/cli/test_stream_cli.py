"""``messages-schema check`` on ``.sse`` transcripts."""

from __future__ import annotations

import io
import json
from pathlib import Path

from messages_schema.cli import run
from tests.support import paths
from tests.support.streams import STREAMS, message_start, text_delta, to_sse

EXAMPLES = paths.EXAMPLES


def check(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["check", "--no-progress", *argv], stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


class TestCheckSse:
    def test_examples_are_clean(self) -> None:
        """The shipped stream examples lint without any finding."""
        for path in sorted(EXAMPLES.glob("*.sse")):
            code, out, _ = check(str(path), "--format", "json")

            assert (0, []) == (code, json.loads(out)), path.name

    def test_warnings_only_exit_zero(self) -> None:
        """A recorded mid-stream error is a warning: reported, exit status 0."""
        code, out, _ = check(str(STREAMS / "error_midstream.sse"), "--format", "json")
        (finding,) = json.loads(out)

        assert 0 == code
        assert ("SSE009", "warning", "events.3.error") == (
            finding["code"],
            finding["severity"],
            finding["api_path"],
        )
        assert str(STREAMS / "error_midstream.sse") == finding["location"]["file"]

    def test_broken_stream_exits_one(self, tmp_path: Path) -> None:
        """A stream with an order error exits 1 and names the code in text output."""
        path = tmp_path / "broken.sse"
        path.write_text(to_sse([message_start(), text_delta(0, "x")]), encoding="utf-8")
        code, out, err = check(str(path))

        assert 1 == code
        assert "SSE004" in out
        assert "SSE011" in out
        assert err  # a summary goes to stderr

    def test_select_and_ignore(self, tmp_path: Path) -> None:
        """--select and --ignore apply to SSE codes."""
        path = tmp_path / "broken.sse"
        path.write_text(to_sse([message_start(), text_delta(0, "x")]), encoding="utf-8")

        assert ["SSE011"] == [
            f["code"]
            for f in json.loads(check(str(path), "--select", "SSE011", "--format", "json")[1])
        ]
        assert 0 == check(str(path), "--ignore", "SSE")[0]

    def test_folder_with_fixtures(self) -> None:
        """Checking the fixture folder finds no errors in any recorded transcript."""
        code, out, _ = check(str(STREAMS), "--format", "json")

        assert 0 == code
        assert {"SSE007", "SSE009"} == {f["code"] for f in json.loads(out)}
