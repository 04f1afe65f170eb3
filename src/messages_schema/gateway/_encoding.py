"""
Content-Encoding: decode a body, never past a size limit, to check what the API will read.

The API decodes compressed request bodies itself and has error codes for the ways that
fails (``request_body_encoding_unsupported``, ``request_body_encoding_invalid``,
``request_body_too_large_after_decoding``; ``anthropic`` 2.17.0). So a compressed body
is a Messages call like any other, and the gateway checks its decoded bytes. ``gzip``
(``x-gzip``) and ``deflate`` use the standard library; ``br`` needs the ``brotli``
package and ``zstd`` the ``zstandard`` package (both in the ``serve`` extra). An
encoding whose decoder is missing is refused, never forwarded unchecked.

Decoding stops as soon as the output passes the limit, so a compression bomb costs at
most *limit* bytes of memory and is answered 413.
"""

from __future__ import annotations

import importlib.util
import io
import zlib
from collections.abc import Iterable
from typing import Final

#: Pieces of output produced per decoder call.
_STEP: Final = 1 << 20
_BR: Final = "br"
_ZSTD: Final = "zstd"


class EncodingError(Exception):
    """Base of the decoding failures; ``str()`` is safe to show (no body bytes)."""


class UnsupportedEncoding(EncodingError):  # noqa: N818 - a verdict, like the API's code
    """An encoding the gateway cannot decode (unknown, or its package is missing)."""


class InvalidEncoding(EncodingError):  # noqa: N818
    """Bytes that are not valid for their declared encoding."""


class DecodedTooLarge(EncodingError):  # noqa: N818
    """The decoded body would be larger than the limit."""


def tokens(values: Iterable[bytes]) -> list[str]:
    """Return the codings of ``Content-Encoding`` header values in the order applied."""
    out: list[str] = []
    for value in values:
        for part in value.decode("latin-1").split(","):
            token = part.strip().lower()
            if token and token != "identity":
                out.append(token)
    return out


def supported() -> frozenset[str]:
    """The codings this installation decodes."""
    names = {"gzip", "x-gzip", "deflate"}
    if importlib.util.find_spec("brotli") is not None:
        names.add("br")
    if importlib.util.find_spec("zstandard") is not None:
        names.add("zstd")
    return frozenset(names)


def check_supported(codings: list[str]) -> None:
    """Raise `UnsupportedEncoding` naming the first coding that cannot be decoded."""
    known = supported()
    for coding in codings:
        if coding not in known:
            msg = f"Content-Encoding '{coding[:40]}' is not supported"
            raise UnsupportedEncoding(msg)


def decode(body: bytes, codings: list[str], limit: int) -> bytes:
    """
    Undo *codings* (as listed in the header: the last one applied last) on *body*.

    Raises:
        UnsupportedEncoding: A coding that cannot be decoded here.
        InvalidEncoding: The bytes are not valid for a coding (truncated, corrupt).
        DecodedTooLarge: Some stage's output exceeds *limit* bytes.
    """
    check_supported(codings)
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            body = _zlib(body, 16 + zlib.MAX_WBITS, limit, coding, members=True)
        elif coding == "deflate":
            # RFC 9110 says zlib-wrapped; some clients send raw deflate. The zlib
            # header (CM 8, check bits) tells them apart.
            wrapped = len(body) >= 2 and body[0] & 0x0F == 8 and (body[0] << 8 | body[1]) % 31 == 0
            body = _zlib(body, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS, limit, coding,
                         members=False)
        elif coding == "br":
            body = _brotli(body, limit)
        else:  # zstd: check_supported admitted nothing else
            body = _zstd(body, limit)
    return body


def _too_large() -> DecodedTooLarge:
    return DecodedTooLarge("The request body exceeds the maximum size once decoded")


def _invalid(coding: str) -> InvalidEncoding:
    return InvalidEncoding(f"The request body is not valid {coding} data")


def _zlib(data: bytes, wbits: int, limit: int, coding: str, *, members: bool) -> bytes:
    out = bytearray()
    decoder = zlib.decompressobj(wbits)
    pending = data
    try:
        while True:
            room = limit + 1 - len(out)
            out += decoder.decompress(pending, min(room, _STEP))
            if len(out) > limit:
                raise _too_large()
            pending = decoder.unconsumed_tail
            if pending:
                continue
            if not decoder.eof:
                # All input taken; flush what the decoder still holds.
                out += decoder.flush(room)
                if len(out) > limit:
                    raise _too_large()
                if not decoder.eof:
                    raise _invalid(coding)
            rest = decoder.unused_data
            if not rest:
                return bytes(out)
            if not members:
                raise _invalid(coding)
            decoder, pending = zlib.decompressobj(wbits), rest  # the next gzip member
    except zlib.error as exc:
        raise _invalid(coding) from exc


def _brotli(data: bytes, limit: int) -> bytes:
    import brotli  # type: ignore[import-untyped,import-not-found,unused-ignore]

    decoder = brotli.Decompressor()
    out = bytearray()
    try:
        piece: bytes = decoder.process(data, output_buffer_limit=_STEP)
        while piece:
            out += piece
            if len(out) > limit:
                raise _too_large()
            if decoder.is_finished():
                break
            piece = decoder.process(b"", output_buffer_limit=_STEP)
        finished = bool(decoder.is_finished())
    except brotli.error as exc:
        raise _invalid(_BR) from exc
    if not finished:
        raise _invalid(_BR)
    return bytes(out)


def _zstd(data: bytes, limit: int) -> bytes:
    import zstandard  # type: ignore[import-untyped,import-not-found,unused-ignore]

    try:
        with zstandard.ZstdDecompressor().stream_reader(
            io.BytesIO(data), read_across_frames=True, closefd=False
        ) as reader:
            out: bytes = reader.read(limit + 1)
    except zstandard.ZstdError as exc:
        raise _invalid(_ZSTD) from exc
    if len(out) > limit:
        raise _too_large()
    if data and not out:
        raise _invalid(_ZSTD)
    return out
