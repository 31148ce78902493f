"""Unicode repair and whitespace: conservative, so typographic quotes and dashes survive."""
from __future__ import annotations

import re
import unicodedata
from re import _constants as _sre, _parser as _sre_parse  # to prove _is_bad equal to ftfy's is_bad
from typing import Any

import ftfy
from ftfy.badness import BADNESS_RE, is_bad
from ftfy.fixes import HTML_ENTITY_RE

from .caching import cache_line

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
# Invisible characters with no meaning in text (zero-width space, word joiner, BOM, soft hyphen):
# spam hides its words from matching with them ("sl\u200bot gacor"). The zero-width joiners are not
# among them: emoji and Indic and Persian scripts need them.
HIDING = "\u200b\u2060\ufeff\u00ad"
HIDING_CHARS = re.compile(f"[{HIDING}]")


def drop_hiding_chars(text: str) -> str:
    """HIDING_CHARS.sub("", text), by a str.replace of each character the text holds: four scans
    for one character are faster than the regex's class test at each character."""
    for char in HIDING:
        if char in text:
            text = text.replace(char, "")
    return text


_SPACE_RUN = re.compile("  +")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]")  # _SPACES or _INVISIBLE, but ' '


# What ftfy could change on a line: non-ASCII (mojibake), '&' (HTML entities), control characters.
# Any other line is plain ASCII, which every fix of _FTFY and NFC leave as it is.
_FTFY_WORK = re.compile(r"[^\t\n\x20-\x25\x27-\x7e]")
# Of those, what a fix of _FTFY other than the mojibake repair acts on: C0 and C1 controls, ESC
# (fix_c1_controls, remove_terminal_escapes, remove_control_chars), line and paragraph separators
# (fix_line_breaks), surrogates (fix_surrogates), the characters remove_control_chars drops, and
# HTML entities, which unescape_html finds with HTML_ENTITY_RE ("Q&A" is none: fix_text of a seed-003
# page, 0.53 -> 0.31 ms). The mojibake repair changes nothing on a line ftfy's is_bad passes.
_FTFY_FIXES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u206a-\u206f\ud800-\udfff\ufeff\ufff9-\ufffc]")


def fix_text(text: str) -> str:
    """Repair mojibake and normalise to NFC; line structure is kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _FTFY_WORK.search(text):
        return text
    return unicodedata.normalize("NFC", _ftfy_lines(text))


def _ftfy_lines(text: str) -> str:
    """ftfy.fix_text(text, _FTFY), line by line as ftfy itself goes, but plain lines are not
    handed to it (_needs_ftfy)."""
    if _ANCHORS_OR_FIXES is not None and not (_ANCHORS_OR_FIXES.search(text) or HTML_ENTITY_RE.search(text)):
        return text  # _needs_ftfy is False for every line: most pages, without a loop over their lines
    config, out, pos = _FTFY, [], 0
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        end = min(end, pos + config.max_decode_length)
        segment = text[pos:end]
        if config.unescape_html == "auto" and "<" in segment:  # as ftfy: no unescaping from here on
            config = config._replace(unescape_html=False)
        out.append(ftfy.fix_and_explain(segment, config).text if _needs_ftfy(segment) else segment)
        pos = end
    return "".join(out)


def _needs_ftfy(line: str) -> bool:
    """False when ftfy would give `line` back as it is: most lines with typographic quotes, dashes
    or another script are not mojibake, and ftfy costs more than the rest of a text page."""
    return bool(_FTFY_FIXES.search(line) or HTML_ENTITY_RE.search(line)) or (not line.isascii() and _is_bad(line))


def _non_ascii_item(op: Any, av: Any) -> bool:
    """A regex item that only matches a non-ASCII character."""
    if op is _sre.LITERAL:
        return av >= 0x80
    if op is _sre.IN:
        return all(o is _sre.LITERAL and a >= 0x80 or o is _sre.RANGE and a[0] >= 0x80 for o, a in av)
    return False


def _badness_window(pattern: re.Pattern[str]) -> int | None:
    """The widest match of ftfy's BADNESS_RE when every match holds a non-ASCII character and the
    pattern looks at nothing outside its match but the string's start; None otherwise (another
    ftfy: then is_bad runs on whole lines)."""
    tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    if len(tree) != 1 or tree[0][0] is not _sre.BRANCH:
        return None
    for alternative in tree[0][1][1]:
        items = list(alternative)
        if any(op in (_sre.ASSERT, _sre.ASSERT_NOT) or op is _sre.AT and av is not _sre.AT_BEGINNING for op, av in items):
            return None
        if not any(_non_ascii_item(op, av) for op, av in items):
            return None
    return tree.getwidth()[1]


# Honest text is full of typographic punctuation. Each alternative of BADNESS_RE has a non-ASCII item
# that matches none of it: the windows searched are around the characters of those items only.
TYPOGRAPHIC = "‘’‚“”„–—…«»‹›•·"


def _item_chars(op: Any, av: Any) -> set[int]:
    """The code points a _non_ascii_item matches."""
    if op is _sre.LITERAL:
        return {av}
    return {code for o, a in av for code in ([a] if o is _sre.LITERAL else range(a[0], a[1] + 1))}


def _badness_anchors(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A character of those of which every match of BADNESS_RE holds one (when _badness_window is not
    None): for each alternative, those of one of its non-ASCII items, typographic punctuation left
    out where the alternative allows; None when the pattern ignores case (its items say too little)."""
    if pattern.flags & re.IGNORECASE or _badness_window(pattern) is None:
        return None
    anchors: set[int] = set()
    for alternative in _sre_parse.parse(pattern.pattern, pattern.flags)[0][1][1]:
        items = [_item_chars(op, av) for op, av in alternative if _non_ascii_item(op, av)]
        anchors |= min(items, key=lambda chars: (any(chr(c) in TYPOGRAPHIC for c in chars), len(chars)))
    # one character, not a run: a class first in the pattern is scanned for fast (3x)
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(anchors)) + "]")


_BADNESS_WIDTH = _badness_window(BADNESS_RE)
_BADNESS_ANCHORS = _badness_anchors(BADNESS_RE)


def _either_class(first: re.Pattern[str], second: re.Pattern[str]) -> re.Pattern[str] | None:
    """One class of the characters of two one-character classes (no negation): a page is scanned
    once, not twice (the bench's text pages: 0.06 -> 0.03 ms). None when either is not such a
    class (another ftfy): every page then goes through _ftfy_lines' loop, slower but the same."""
    plain = all(p.pattern.startswith("[") and p.pattern.endswith("]") and p.pattern[1:2] != "^"
                and p.flags == first.flags for p in (first, second))
    return re.compile(first.pattern[:-1] + second.pattern[1:], first.flags) if plain else None


_ANCHORS_OR_FIXES = _either_class(_BADNESS_ANCHORS, _FTFY_FIXES) if _BADNESS_ANCHORS is not None else None


def _is_bad(line: str) -> bool:
    """ftfy's is_bad(line), searched only near the characters of _BADNESS_ANCHORS: every match of
    its pattern holds one and is at most _BADNESS_WIDTH long (search's pos keeps '^' at the line's
    start). On the lines of text pages (curly quotes, dashes): 0.29 -> 0.06 ms a page."""
    width, anchors = _BADNESS_WIDTH, _BADNESS_ANCHORS
    if width is None or anchors is None:
        return is_bad(line)
    windows: list[list[int]] = []  # a match holding position p lies in [p - width + 1, p + width)
    for found in anchors.finditer(line):
        start, stop = max(0, found.start() - width + 1), found.end() + width - 1
        if windows and start <= windows[-1][1]:
            windows[-1][1] = stop
        else:
            windows.append([start, stop])
    return any(BADNESS_RE.search(line, start, stop) for start, stop in windows)


CACHED_LINE_CHARS = 1000
CACHED_LONG_LINE_CHARS = 10_000  # a page's long paragraphs: 64 of them at most, 5 MB at worst


# the steps of a page collapse the same lines again
@cache_line(maxsize=16_384, max_chars=CACHED_LINE_CHARS, long_maxsize=64, long_max_chars=CACHED_LONG_LINE_CHARS)
def collapse_spaces(line: str) -> str:
    stripped = line.strip()
    # Every _ODD_SPACE, and every whitespace character but ' ', is unprintable (a separator other
    # than ' ', a format or control character): in a printable line the rule only joins runs of
    # ' ', without two regex scans. A no-break space, web text's usual unprintable character, is
    # one of _SPACES: the rule makes it ' ' (not at an end: strip() took it). Lines of the bench's
    # text pages (two spaces after a full stop, no-break spaces): 3.7 -> 1.7 us a line.
    if stripped.isprintable():
        return _single_spaced(stripped)
    spaced = stripped.replace("\xa0", " ")
    if spaced.isprintable():
        return _single_spaced(spaced)
    if "  " not in stripped and not _ODD_SPACE.search(stripped):
        return stripped
    # A block's text (line breaks, indentation of spaces and tabs) has no other _SPACES or
    # _INVISIBLE: the rule only joins runs of ' ', and one regex that finds only the runs to join
    # builds the result from a piece per run, not one per word (text_content of corpus blocks:
    # 2.5x faster). `spaced` is `stripped` with ' ' for its no-break spaces and tabs: no run is at an end.
    spaced = spaced.replace("\t", " ")
    if not _ODD_SPACE.search(spaced):
        return _SPACE_RUN.sub(" ", spaced)
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


def _single_spaced(text: str) -> str:
    """`text` with each run of ' ' made one ' ' (runs are short: a pass or two of replace)."""
    while "  " in text:
        text = text.replace("  ", " ")
    return text


_ALNUM_RUN = re.compile(r"[^\W_]+")  # \w is str.isalnum() plus "_", for every code point
# ASCII bytes as comparable() sees them: letters lowered, digits kept, everything else a space.
_ASCII_WORD_BYTES = bytes((c | 0x20 if chr(c).isalpha() else c) if c < 128 and chr(c).isalnum() else 0x20
                          for c in range(256))


# Typographic punctuation and the no-break space: no letter or digit, alone or as NFKC writes them
# ("…" is "..."), and composing with no ASCII character: in a text of ASCII and these, comparable()
# sees each as a space (tests). English comments are such texts (curly quotes, dashes).
_SPACE_LIKE = TYPOGRAPHIC + "\xa0"


def comparable(text: str) -> str:
    """A key for 'the same text': case, whitespace and punctuation do not count."""
    if not text.isascii() and (spaced := _space_like_as_spaces(text)).isascii():
        text = spaced  # the bench's comments: 32 -> 9 us
    if text.isascii():  # NFKC changes no ASCII text: one bytes.translate instead of a regex scan, 3x faster
        return b" ".join(text.encode("ascii").translate(_ASCII_WORD_BYTES).split()).decode("ascii")
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_ALNUM_RUN.findall(text))


def _space_like_as_spaces(text: str) -> str:
    for mark in _SPACE_LIKE:
        if mark in text:
            text = text.replace(mark, " ")
    return text


def ends_in_initial(name: str) -> bool:
    """Whether a name ends with an initial or Jr./Sr. ("John D.", "Mike R.", "J.R.R.", "Bob Smith Jr."):
    the full stop that ends it does not end a sentence."""
    last = name.rsplit(None, 1)[-1] if name.strip() else ""
    if last in ("Jr.", "Sr."):
        return True
    letters = last.replace(".", "")
    return last.endswith(".") and 1 <= len(letters) <= 3 and letters.isalpha() and letters.isupper() \
        and len(last) >= 2 * len(letters)  # every letter has its stop: "D." or "J.R.R.", never "USA."
