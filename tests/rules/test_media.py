"""The MED family: base64 images, formats, dimensions, PDFs, counts, skipped checks."""

from __future__ import annotations

import base64
import io
import struct
import subprocess
import sys
import zlib
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfWriter

from messages_schema import LintConfig, lint
from messages_schema.rules import _media_probe


def b64_image(size: tuple[int, int] = (1, 1), fmt: str = "PNG") -> str:
    buf = io.BytesIO()
    Image.new("RGB", size).save(buf, format=fmt)
    return base64.b64encode(buf.getvalue()).decode()


def huge_png_header(width: int, height: int) -> str:
    """A PNG whose IHDR declares *width* x *height* (no real pixel data)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
    data += struct.pack(">I", zlib.crc32(chunk))
    idat = b"IDAT" + zlib.compress(b"\0" * 16)
    data += struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    return base64.b64encode(data).decode()


def huge_jpeg_header(width: int, height: int) -> str:
    """A JPEG whose SOF0 marker declares *width* x *height*."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return base64.b64encode(b"\xff\xd8" + sof + b"\xff\xd9").decode()


def request(*blocks: Any, model: str = "claude-sonnet-4-5") -> dict[str, Any]:
    return {
        "model": model,
        "max_tokens": 64,
        "messages": [{"role": "user", "content": [*blocks, {"type": "text", "text": "?"}]}],
    }


def image(data: str, media_type: str = "image/png") -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


def codes(body: Any, *select: str) -> list[str]:
    return [f.code for f in lint(body, config=LintConfig(select=list(select) or ["MED"]))]


class TestInvalidBase64Image:
    def test_data_url_has_a_fix_and_a_hint(self, only_finding):
        """A data-URL prefix is named and the fix keeps only the base64 text."""
        data = b64_image()
        f = only_finding(request(image("data:image/png;base64," + data)), code="MED001")
        assert "data-URL prefix" in f.message
        assert f.api_error == "invalid base64 data"
        assert f.fix.edits[0].value == data

    @pytest.mark.parametrize("data", ["ab$c", "abcde", "ab=c", "ééé"])
    def test_non_base64_is_reported(self, only_finding, data):
        """Characters outside the alphabet, bad length or inner padding are invalid."""
        assert only_finding(request(image(data)), code="MED001").message == "invalid base64 data"

    def test_missing_padding_is_tolerated(self):
        """Unpadded base64 is not reported (the API's strictness is unknown)."""
        assert codes(request(image(b64_image().rstrip("="))), "MED001") == []


class TestMediaTypeMismatch:
    @pytest.mark.parametrize(
        ("fmt", "declared", "detected"),
        [
            ("PNG", "image/jpeg", "image/png"),
            ("JPEG", "image/png", "image/jpeg"),
            ("GIF", "image/webp", "image/gif"),
            ("WEBP", "image/gif", "image/webp"),
        ],
    )
    def test_detected_type_is_named(self, only_finding, fmt, declared, detected):
        """The message uses the API's 2026 wording with both types."""
        f = only_finding(request(image(b64_image(fmt=fmt), declared)), code="MED002")
        assert f.message == (
            f"The image was specified using the {declared} media type, "
            f"but the image appears to be a {detected} image"
        )


class TestDimensions:
    def test_huge_declared_jpeg_is_caught_from_the_header(self, only_finding):
        """A JPEG declaring 9000x10 px is reported without decoding pixels."""
        f = only_finding(request(image(huge_jpeg_header(9000, 10), "image/jpeg")), code="MED004")
        assert "9000x10" in f.message

    def test_jpeg_size_after_a_large_icc_profile_is_found(self, only_finding):
        """
        A JPEG whose size marker comes after 64 KB of ICC data is still measured.

        The header prefix decoded first is far shorter, so this takes the decode-all path.
        """
        buf = io.BytesIO()
        Image.new("RGB", (9000, 2)).save(buf, format="JPEG", icc_profile=b"\0" * 65_000)
        data = base64.b64encode(buf.getvalue()).decode()
        assert len(data) > 4 * _media_probe._HEADER_CHARS // 3

        f = only_finding(request(image(data, "image/jpeg")), code="MED004")

        assert "9000x2" in f.message

    def test_decompression_bomb_header_is_oversized_not_a_crash(self, only_finding):
        """A PNG declaring 100000x100000 px is reported as too large, with no warning raised."""
        f = only_finding(request(image(huge_png_header(100_000, 100_000))), code="MED004")
        assert "far larger" in f.message

    def test_tool_result_images_count_for_the_many_image_limit(self):
        """20 images plus one in a tool_result make a many-image request."""
        wide = b64_image((2100, 1))
        body = {
            "model": "claude-sonnet-4-5",
            "max_tokens": 64,
            "tools": [{"name": "t", "input_schema": {"type": "object"}}],
            "messages": [
                {"role": "user", "content": [image(wide) for _ in range(20)]},
                {
                    "role": "assistant",
                    "content": [{"type": "tool_use", "id": "toolu_1", "name": "t", "input": {}}],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": "toolu_1",
                            "content": [image(b64_image())],
                        }
                    ],
                },
            ],
        }
        assert codes(body, "MED004") == ["MED004"] * 20


class TestPdfPages:
    def test_page_count(self, only_finding):
        """A 101-page PDF names its page count."""
        writer = PdfWriter()
        for _ in range(101):
            writer.add_blank_page(width=10, height=10)
        buf = io.BytesIO()
        writer.write(buf)
        doc = {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": base64.b64encode(buf.getvalue()).decode(),
            },
        }
        f = only_finding(request(doc), code="MED006")
        assert f.api_path == "messages.0.content.0.pdf.source.base64.data"
        assert "101 pages" in f.message


class TestSkippedChecks:
    def test_without_pillow_one_info_and_no_crash(self, monkeypatch):
        """Without Pillow, dimension checks are skipped and MED009 is reported once."""
        monkeypatch.setattr(_media_probe, "_pillow", lambda: None)
        body = request(image(huge_jpeg_header(9000, 10), "image/jpeg"), image(b64_image()))
        found = lint(body, config=LintConfig(select=["MED"]))
        assert [f.code for f in found] == ["MED009"]
        assert "Pillow" in found[0].message

    def test_without_pypdf_one_info(self, monkeypatch):
        """Without pypdf, the page count is skipped and MED009 says so."""
        monkeypatch.setattr(_media_probe, "_pypdf", lambda: None)
        doc = {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="},
        }
        found = lint(request(doc, doc), config=LintConfig(select=["MED"]))
        assert [f.code for f in found] == ["MED009"]
        assert "pypdf" in found[0].message


class TestAnalysisIsShared:
    def test_each_image_is_decoded_once(self, monkeypatch):
        """Several MED rules share one analysis per image (Context.memo)."""
        calls = []
        real = _media_probe._base64_body
        monkeypatch.setattr(
            _media_probe, "_base64_body", lambda text: calls.append(1) or real(text)
        )
        lint(request(image(b64_image()), image(b64_image())), config=LintConfig(select=["MED"]))
        assert len(calls) == 2


#: A one-page PDF whose ``startxref`` points nowhere: pypdf repairs it and logs the repair.
DAMAGED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\nstartxref\n9999\n%%EOF\n"
)


class TestDamagedPdf:
    def test_pypdf_repairs_stay_off_stderr(self):
        """A repaired PDF lints clean, and pypdf's repair log does not reach stderr.

        In a process that configured no logging (a script, the CLI), logging's last resort
        would print pypdf's warnings in the middle of a report. pytest installs handlers,
        so this runs in a fresh interpreter.
        """
        code = (
            "import base64, sys\n"
            "from messages_schema import lint\n"
            f"pdf = {DAMAGED_PDF!r}\n"
            "doc = {'type': 'document', 'source': {'type': 'base64',"
            " 'media_type': 'application/pdf', 'data': base64.b64encode(pdf).decode()}}\n"
            "body = {'model': 'claude-sonnet-4-6', 'max_tokens': 8, 'messages':"
            " [{'role': 'user', 'content': [doc, {'type': 'text', 'text': 'x'}]}]}\n"
            "print(len(lint(body)))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
        )
        assert (done.returncode, done.stdout, done.stderr) == (0, "0\n", "")

    def test_the_repair_is_still_logged_for_applications_that_listen(self, caplog):
        """Propagation stays on: an application's own logging still sees pypdf's warnings."""
        pdf = base64.b64encode(DAMAGED_PDF).decode()
        doc = {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": pdf},
        }
        with caplog.at_level("WARNING", logger="pypdf"):
            assert lint(request(doc, {"type": "text", "text": "x"})) == []
        assert any(r.name.startswith("pypdf") for r in caplog.records)
