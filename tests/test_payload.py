"""HTTP bodies as sent: every Content-Encoding a crawler meets is undone, capped, and a body cut
short or corrupt is an error, never a page with its end missing."""
import gzip
import zlib

import brotli
import pytest
import zstandard

from flows.payload import PayloadError, decode_content

PAGE = ("<html><head><title>Tide tables</title></head><body><p>"
        + "High water at the harbour is at six minutes past seven this morning. " * 200 + "</p></body></html>").encode()


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


CODINGS = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstandard.ZstdCompressor().compress,
}


@pytest.mark.parametrize("coding", sorted(CODINGS))
def test_every_coding_is_undone(coding):
    assert decode_content(CODINGS[coding](PAGE), coding.upper(), 10**6) == PAGE


def test_raw_deflate_and_codings_applied_in_turn_are_undone():
    assert decode_content(_raw_deflate(PAGE), "deflate", 10**6) == PAGE  # what many servers send as deflate
    assert decode_content(brotli.compress(gzip.compress(PAGE)), "gzip, br", 10**6) == PAGE
    assert decode_content(gzip.compress(PAGE[:5000]) + gzip.compress(PAGE[5000:]), "gzip", 10**6) == PAGE
    assert decode_content(PAGE, "identity", 10**6) == PAGE


@pytest.mark.parametrize("coding", sorted(CODINGS))
def test_a_body_cut_short_is_an_error_not_a_shorter_page(coding):
    whole = CODINGS[coding](PAGE)
    with pytest.raises(PayloadError) as failed:
        decode_content(whole[: len(whole) * 2 // 3], coding, 10**6)
    assert failed.value.reason == "unreadable" and failed.value.detail == f"its {coding}-compressed body is cut short"


def test_a_corrupt_body_is_an_error():
    whole = bytearray(gzip.compress(PAGE))
    whole[len(whole) // 2] ^= 0xFF
    with pytest.raises(PayloadError, match="gzip-compressed body is (corrupt|cut short)") as failed:
        decode_content(bytes(whole), "gzip", 10**6)
    assert failed.value.reason == "unreadable"


@pytest.mark.parametrize("coding", sorted(CODINGS))
def test_a_body_labelled_compressed_but_stored_decoded_is_the_page(coding):
    assert decode_content(PAGE, coding, 10**6) == PAGE


@pytest.mark.parametrize("coding", sorted(CODINGS))
def test_a_compression_bomb_stops_at_the_cap(coding):
    bomb = CODINGS[coding](bytes(50 << 20))  # 50 MiB of zeros in a few KB
    decoded = decode_content(bomb, coding, 1 << 20)
    assert (1 << 20) < len(decoded) <= (2 << 20)  # over the cap, so the caller rejects it: not 50 MiB in memory


def test_an_unknown_coding_is_named():
    with pytest.raises(PayloadError) as failed:
        decode_content(b"\x1f\x9d\x90binary", "compress", 10**6)
    assert failed.value.reason == "unsupported_format"
    assert failed.value.detail == "its body is compressed as 'compress' (Content-Encoding), which cannot be decoded"
