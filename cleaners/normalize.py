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


def fix_text(text: str) -> str:
    """Repair mojibake and normalise to NFC; line structure is kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ftfy.fix_text(text, config=_FTFY)
    return unicodedata.normalize("NFC", text)


def collapse_spaces(line: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


def comparable(text: str) -> str:
    """A key for 'the same text': case, whitespace and punctuation do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())
