"""Unicode repair and whitespace: conservative, so typographic quotes and dashes survive."""
from __future__ import annotations

import re
import unicodedata

import ftfy

# Keep curly quotes, full-width forms and the author's normalization form; fix only mojibake,
# control characters and broken line breaks.
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization=None,
    explain=False,
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


# What ftfy could change on a line: non-ASCII (mojibake), '&' (HTML entities), control characters.
# Any other line is plain ASCII, which every fix of _FTFY and NFC leave as it is.
_FTFY_WORK = re.compile(r"[^\t\n\x20-\x25\x27-\x7e]")


def fix_text(text: str) -> str:
    """Repair mojibake and normalise to NFC; line structure is kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _FTFY_WORK.search(text):
        return text
    return unicodedata.normalize("NFC", _ftfy_lines(text))


def _ftfy_lines(text: str) -> str:
    """ftfy.fix_text(text, _FTFY), line by line as ftfy itself goes, but plain lines are not
    handed to it (most lines of most pages: ftfy costs as much as the rest of a text page)."""
    config, out, pos = _FTFY, [], 0
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        end = min(end, pos + config.max_decode_length)
        segment = text[pos:end]
        if config.unescape_html == "auto" and "<" in segment:  # as ftfy: no unescaping from here on
            config = config._replace(unescape_html=False)
        out.append(ftfy.fix_and_explain(segment, config).text if _FTFY_WORK.search(segment) else segment)
        pos = end
    return "".join(out)


def collapse_spaces(line: str) -> str:
    if line.isascii() and "\t" not in line and "  " not in line:  # most lines: nothing to collapse
        return line.strip()
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_", for every code point


def comparable(text: str) -> str:
    """A key for 'the same text': case, whitespace and punctuation do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_ALNUM.sub(" ", text).split())
