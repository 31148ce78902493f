"""An HTTP response body as the server sent it, decoded: its Content-Encoding (gzip, deflate, br,
zstd, or several in turn) undone, with the decoded size capped, so that a compression bomb stops
at the cap. A body that is cut short or corrupt is an error, never a page with its end missing
(warcio's own decoding prints the error on stderr and returns what it had; it does not decode br
with today's brotli package, nor zstd at all)."""
from __future__ import annotations

import zlib

import brotli
import zstandard


class PayloadError(Exception):
    """The body cannot be decoded: a rejection reason and what is wrong, in words."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def decode_content(body: bytes, content_encoding: str | None, limit: int) -> bytes:
    """`body` with every coding of `content_encoding` undone (the last applied first); at most
    `limit` + 1 bytes, so that the caller sees a body over its limit."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("identity", "none"):
            continue
        decoder = _DECODERS.get(coding)
        if decoder is None:
            raise PayloadError("unsupported_format", f"its body is compressed as {coding!r} (Content-Encoding), "
                                                     "which cannot be decoded")
        try:
            body = decoder(body, limit)
        except (zlib.error, brotli.error, zstandard.ZstdError) as exc:
            if _sent_as_is(body):  # labelled compressed, stored decoded (some crawlers do): the page as it is
                continue
            raise PayloadError("unreadable", f"its {coding}-compressed body is corrupt ({exc})") from None
        except _CutShort:
            raise PayloadError("unreadable", f"its {coding}-compressed body is cut short") from None
    return body


class _CutShort(Exception):
    pass


def _sent_as_is(body: bytes) -> bool:
    """Whether a body that failed to decompress at its first byte is markup: not compressed at all."""
    start = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(b"<") and b"\0" not in body[:1024]


def _zlib(body: bytes, limit: int, wbits: int) -> bytes:
    """gzip (several members in turn) or deflate data, decoded up to the limit."""
    out, rest = [], body
    size = 0
    while rest and size <= limit:
        decoder = zlib.decompressobj(wbits)
        chunk = decoder.decompress(rest, limit + 1 - size)
        out.append(chunk)
        size += len(chunk)
        if size > limit:
            break
        if not decoder.eof:
            raise _CutShort()
        rest = decoder.unused_data if wbits == 16 + zlib.MAX_WBITS else b""
        if rest and not rest.lstrip(b"\0"):  # padding after the last member
            break
    return b"".join(out)


def _gzip(body: bytes, limit: int) -> bytes:
    return _zlib(body, limit, 16 + zlib.MAX_WBITS)


def _deflate(body: bytes, limit: int) -> bytes:
    """deflate is meant to be zlib-wrapped; many servers send it raw."""
    try:
        return _zlib(body, limit, zlib.MAX_WBITS)
    except zlib.error:
        return _zlib(body, limit, -zlib.MAX_WBITS)


def _brotli(body: bytes, limit: int) -> bytes:
    decoder = brotli.Decompressor()
    out = decoder.process(body, output_buffer_limit=limit + 1)
    if len(out) <= limit and not decoder.is_finished():
        raise _CutShort()
    return out


def _zstd(body: bytes, limit: int) -> bytes:
    reader = zstandard.ZstdDecompressor().stream_reader(body, read_across_frames=True)
    out = reader.read(limit + 1)
    if len(out) > limit:
        return out
    # the whole output is within the limit: decoded again, where a cut-off frame shows
    rest, whole = body, []
    while rest:
        decoder = zstandard.ZstdDecompressor().decompressobj()
        whole.append(decoder.decompress(rest))
        if not decoder.eof:
            raise _CutShort()
        rest = decoder.unused_data
    return b"".join(whole)


_DECODERS = {"gzip": _gzip, "x-gzip": _gzip, "deflate": _deflate, "br": _brotli, "zstd": _zstd}
