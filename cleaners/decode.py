"""Raw bytes to text: BOM, declared charset, then detection. Binary content is refused."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .normalize import fix_text


_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_MAGIC = [
    (b"\x89PNG", "PNG image"),
    (b"%PDF", "PDF document"),
    (b"\x1f\x8b", "gzip data"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ", "xz data"),
]
# What browsers decode a label as (the WHATWG Encoding Standard), by Python's codec name: windows-1252
# for latin-1 and ASCII, and the supersets for Shift_JIS, EUC-KR, GB2312/GBK, ISO-8859-9 and TIS-620,
# whose extra characters (NEC and IBM kanji, Hangul outside KS X 1001) pages use. A meta tag cannot
# declare UTF-16 or UTF-32 (it was read as ASCII bytes): the HTML standard reads such a page as UTF-8.
_BROWSER_CODEC = {"iso8859-1": "cp1252", "ascii": "cp1252", "shift_jis": "cp932", "euc_kr": "cp949",
                  "gb2312": "gb18030", "gbk": "gb18030", "iso8859-9": "cp1254", "tis-620": "cp874",
                  "iso8859-11": "cp874", "big5": "big5hkscs"}
_LABELS = {"x-sjis": "cp932", "windows-31j": "cp932", "x-gbk": "gb18030", "windows-874": "cp874"}
_WIDE = ("utf-16", "utf-32", "utf_16", "utf_32", "ucs-2", "ucs2", "unicode")


class DecodeError(ValueError):
    """The bytes are not text we can read; the message says why."""


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of `data`, or None when it looks like text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:4096]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not _utf16_order(head):
        return "binary data (NUL bytes)"
    return None


def _utf16_order(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when `head` reads as UTF-16 without a byte order mark: Latin
    text in UTF-16 has a NUL as the high byte of most characters, always on the same side, and
    the other side never NUL. Binary data has NULs on both sides."""
    even, odd = head[0:len(head) & ~1:2], head[1:len(head) & ~1:2]
    pairs = len(even)
    if pairs < 8:
        return None
    if odd.count(0) >= pairs // 4 and not even.count(0):
        return "utf-16-le"
    if even.count(0) >= pairs // 4 and not odd.count(0):
        return "utf-16-be"
    return None


def codec_of(label: str | None) -> str | None:
    """The codec a browser decodes a charset label with, None for a label no codec has."""
    name = (label or "").strip().strip("\"'").lower()
    if not name:
        return None
    if name.startswith(_WIDE):
        return "utf-8"
    try:
        codec = codecs.lookup(_LABELS.get(name, name)).name
    except LookupError:
        return None
    return _BROWSER_CODEC.get(codec, codec)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return codec_of(match.group(1).decode("ascii", "ignore")) if match else None


# UTF-8 read as windows-1252: a lead byte (Â Ã â …) followed by a continuation byte's cp1252 character.
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00c5\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                            "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


# The hint's first characters: a page holding none of them is searched no further (str.find per
# character is a tenth of the pattern's scan of a whole page, and most pages hold none).
_MOJIBAKE_LEADS = ("\u00c2", "\u00c3", "\u00c4", "\u00c5", "\u00e2")


def _normalised(text: str) -> str:
    """Line ends made uniform; ftfy only when mojibake is likely (it costs more than extraction)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    likely = any(lead in text for lead in _MOJIBAKE_LEADS) and _MOJIBAKE_HINT.search(text)
    return fix_text(text) if likely else text


def _with_few_errors(data: bytes, codec: str, share: int) -> str | None:
    """`data` decoded with U+FFFD for its bad bytes, as a browser does, when the characters it
    decodes outside ASCII outnumber the bad sequences `share` to one; None otherwise. A page in
    another charset fails far more often than that."""
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
    decoded = len(text) - len(text.encode("ascii", "ignore")) - bad
    return text if bad * share <= decoded else None


def decode_bytes(data: bytes, *, html: bool, charset: str | None = None) -> str:
    """Decode a page: BOM first, then the transport's `charset` (a WARC record's HTTP Content-Type),
    then (for HTML) the meta charset, then UTF-8, then detection. A declaration that does not fit
    the bytes is not believed; UTF-8 or a declared charset with a few bad bytes (a pasted snippet,
    a character cut in two) is still that charset, the bad bytes replaced. Mojibake is repaired
    here only where it is likely; the text steps run ftfy on what they keep."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _normalised(data[len(bom):].decode(encoding, errors="replace"))
    binary = sniff_binary(data)
    if binary:
        raise DecodeError(f"binary content ({binary}), not a text page")
    if b"\x00" in data[:4096] and (order := _utf16_order(data[:4096])):
        return _normalised(data.decode(order, errors="replace"))
    declared = codec_of(charset) or (_declared_charset(data) if html else None)
    if declared:
        try:
            return _normalised(data.decode(declared))
        except UnicodeDecodeError:
            pass  # the declaration does not fit (or a few bytes are bad): UTF-8 is tried first
    try:
        return _normalised(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # a few bad bytes in UTF-8: its multi-byte characters outnumber them (a page in a legacy
    # charset has almost none: its accents are lone high bytes, invalid in UTF-8)
    text = _with_few_errors(data, "utf-8", 2)
    if text is None and declared and declared != "utf-8":
        text = _with_few_errors(data, declared, 4)
    if text is not None:
        return _normalised(text)
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise DecodeError("undecodable bytes: no text encoding fits")
    return _normalised(data.decode(best.encoding, errors="replace"))
