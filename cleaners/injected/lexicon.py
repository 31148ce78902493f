"""Tests of text against the spam lexicon (cleaners/data/spam_lexicon.yaml, via cleaners.spam):
a fast may-match test, strong phrases, phrase coverage, strong phrases written without spaces."""
from __future__ import annotations

import re
from functools import lru_cache

from ..spam import fold, lexicon_phrases, load_lexicon, prefix_tree, unspaced

COMPACT_MIN = 8  # strong phrases this long are also matched inside host names ("slotgacor88")
_WORDS = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _compact_phrases() -> dict[str, tuple[str, ...]]:
    """Strong phrases without spaces ('slotgacor'), to find them inside host names and slugs."""
    out = {}
    for category, kinds in lexicon_phrases().items():
        compact = {re.sub(r"\W+", "", p.casefold()) for phrases in kinds["strong"].values() for p in phrases}
        out[category] = tuple(sorted(c for c in compact if len(c) >= COMPACT_MIN and c.isascii()))
    return out


def _all_phrases() -> list[str]:
    return [p for kinds in lexicon_phrases().values() for kind in kinds.values() for ps in kind.values() for p in ps]


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The first word of every lexicon phrase: a text without any of them cannot match."""
    return frozenset(_WORDS.findall(p.casefold())[0] for p in _all_phrases() if _WORDS.search(p) and not unspaced(p))


@lru_cache(maxsize=1)
def _unspaced_phrases() -> tuple[str, ...]:
    """Phrases of scripts without word spaces: found inside a longer run of letters."""
    return tuple(sorted({p.casefold() for p in _all_phrases() if unspaced(p)}))


# ASCII letters to lower case, the other ASCII characters that are no word characters (\W) to spaces
_ASCII_WORD_RUNS = bytes(ord(chr(c).lower()) if re.match(r"\w", chr(c)) else 32 for c in range(128)) + bytes(
    range(128, 256))


def _ascii_word_runs(text: str) -> list[bytes]:
    """_WORDS.findall(text.casefold()) of an ASCII text, as bytes: bytes.translate and split, 0.6
    against 1.6 µs a text."""
    return text.encode().translate(_ASCII_WORD_RUNS).split()


@lru_cache(maxsize=1)
def _ascii_first_words() -> frozenset[bytes]:
    return frozenset(w.encode() for w in _first_words() if w.isascii())


def may_match(text: str) -> bool:
    """False when no lexicon phrase can occur in `text` (a fast test before the real matching)."""
    if text.isascii():  # most texts; no phrase of an unspaced script can occur in them
        return not _ascii_first_words().isdisjoint(_ascii_word_runs(text))
    folded = text.casefold()
    if not _first_words().isdisjoint(_WORDS.findall(folded)):
        return True
    # a text with no letter of those scripts (most, even with accents or curly quotes) is done in one scan
    return not folded.isascii() and unspaced(folded) and any(p in folded for p in _unspaced_phrases())


@lru_cache(maxsize=1)
def _compact_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    categories = {c: category for category, cs in _compact_phrases().items() for c in cs}
    return re.compile("|".join(sorted(map(re.escape, categories), key=len, reverse=True))), categories


@lru_cache(maxsize=1)
def _compact_search() -> re.Pattern[str]:
    """_compact_pattern's phrases as a prefix tree: whether one occurs (search only; which one is
    found first can differ)."""
    return re.compile(prefix_tree(_compact_pattern()[1]))


def strong_category(text: str) -> str | None:
    """The first category with a strong phrase in `text` (no coverage test)."""
    if not load_lexicon().may_name_strong(text):
        return None  # one folded scan where there are four IGNORECASE ones, each slower
    for category, pattern in load_lexicon().strong_search.items():
        if pattern.search(text):
            return category
    return None


def _strong_hits(text: str) -> int:
    return sum(len(p.findall(text)) for p in load_lexicon().strong.values())


def _best_hits(text: str) -> tuple[str | None, float]:
    """The category whose phrases (strong or weak) cover most of `text`, and that coverage."""
    letters = sum(ch.isalnum() for ch in text) or 1
    best, share = None, 0.0
    lex = load_lexicon()
    for category in lex.strong:
        covered = sum(len(re.sub(r"\W", "", m.group())) for p in (lex.strong[category], lex.weak[category])
                      for m in p.finditer(text))
        if covered / letters > share:
            best, share = category, covered / letters
    return best, share


@lru_cache(maxsize=1)
def _strong_phrases_by_word() -> dict[str, tuple[frozenset[str], ...]]:
    """word -> the words of each folded strong phrase written with spaces that has it (`fold`,
    split where re's \\w ends)."""
    phrases = {fold(p) for category in lexicon_phrases().values() for ps in category["strong"].values() for p in ps}
    by_word: dict[str, list[frozenset[str]]] = {}
    for phrase in sorted(phrases):
        if not unspaced(phrase):
            words = frozenset(_WORDS.findall(phrase))
            for word in words:
                by_word.setdefault(word, []).append(words)
    return {word: tuple(phrases) for word, phrases in by_word.items()}


@lru_cache(maxsize=1)
def _strong_phrase_words() -> frozenset[str]:
    return frozenset(_strong_phrases_by_word())


def may_name_strong_words(words: str) -> bool:
    """load_lexicon().may_name_strong(words), for words of letters and digits joined by single
    spaces (urls._URL_WORD's), searched only when some strong phrase has all of its words there:
    a match holds each of the phrase's words as a whole word of the folded text, which is the
    lower case for ASCII. The set test takes 0.02 ms on a page's links, the search 0.15 ms."""
    if words.isascii():
        by_word = _strong_phrases_by_word()
        present = _strong_phrase_words().intersection(words.lower().split())
        if not any(phrase <= present for word in present for phrase in by_word[word]):
            return False
    return load_lexicon().may_name_strong(words)
