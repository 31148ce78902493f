"""Language of the article text: langdetect, seeded, on a bounded sample.

langdetect's Detector is a Python loop over characters and a Python loop over its ~55 languages
per random draw. Below is the same algorithm on numpy rows of n-gram probabilities, each word's
n-grams computed once per process: same draws, same arithmetic, langdetect's answers to the last
bit (tests/test_language.py compares them), at a small part of the cost."""
from __future__ import annotations

import json
import os
import random
import re
from functools import lru_cache
from itertools import islice

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.ngram import NGram

from .document import Draft, Drop
from .settings import LanguageSettings

STEP = "language"
# langdetect's Detector, reimplemented below for speed with its answers kept to the last bit.
MAX_TEXT_LENGTH = 10_000  # Detector.max_text_length
N_TRIAL = 7  # Detector.n_trial


class _NormalChars(dict):
    """code point -> NGram.normalize(character), for str.translate; filled as characters are met."""

    def __missing__(self, code: int) -> str:
        value = self[code] = NGram.normalize(chr(code))
        return value


_NORMAL = _NormalChars()
_SPACE_RUN = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")  # langdetect's own test: 'A' <= ch <= 'z'
# langdetect means ">= U+0300, not Latin Extended Additional" but compares the block's number with
# its name, so that every character from U+0300 on counts
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")
# the ufuncs, without numpy's Python wrappers
_ACCUMULATE, _MAX, _PRODUCT = np.add.accumulate, np.maximum.reduce, np.multiply.reduce
_WORD_GRAMS_MAX = 50_000  # words remembered per process (their n-grams): bounded on long runs
_WORD_CHARS_MAX = 40  # ... and only words: not a run of 10,000 letters without a space


class _Profiles:
    """langdetect's profiles, read as its DetectorFactory reads them (the same files in the same
    order: a language's index is its place in that order), each n-gram's probabilities made into
    an array when first met, with DetectorFactory.add_profile's arithmetic. The factory builds
    them all up front: 87,598 lists of 55 floats, 0.26 s and ~45 MB in every process."""

    def __init__(self) -> None:
        files = os.listdir(PROFILES_DIRECTORY)
        self.size = len(files)  # the factory's langsize: every entry of the folder
        self.langs: list[str] = []
        self._profiles: list[tuple[dict[str, int], list[int]]] = []
        for name in files:
            path = os.path.join(PROFILES_DIRECTORY, name)
            if name.startswith(".") or not os.path.isfile(path):
                continue
            with open(path, encoding="utf-8") as handle:
                profile = json.load(handle)
            self.langs.append(profile["name"])
            self._profiles.append((profile["freq"], profile["n_words"]))
        self.arrays: dict[str, np.ndarray | None] = {}
        self.word_grams: dict[str, list[np.ndarray]] = {}
        self._freqs = [freq for freq, _ in self._profiles]
        self._n_words = np.array([n_words for _, n_words in self._profiles], dtype=float).T  # [n-1][language]

    def array(self, gram: str) -> np.ndarray | None:
        """The probabilities of a 1- to 3-character n-gram per language; None when no language has it.
        add_profile's `1.0 * freq / n_words` is one correctly rounded division, as numpy's is: the
        languages' counts are read in one pass and divided at once (a new n-gram cost ~15 us)."""
        if gram in self.arrays:
            return self.arrays[gram]
        counts = [freq.get(gram) for freq in self._freqs]
        probs = None
        if counts.count(None) < len(counts):
            probs = np.zeros(self.size)
            probs[:len(counts)] = np.array([count or 0 for count in counts], dtype=float) / self._n_words[len(gram) - 1]
        self.arrays[gram] = probs
        return probs


@lru_cache(maxsize=1)  # loaded once per process (0.08 s)
def _profiles() -> _Profiles:
    return _Profiles()


def _prepared(text: str) -> str:
    """Detector.append and Detector.cleaning_text: URLs and addresses out, Vietnamese normalized,
    the first 10,000 characters with runs of spaces collapsed; Latin letters dropped from a text
    mostly in another script."""
    text = NGram.normalize_vi(Detector.MAIL_RE.sub(" ", Detector.URL_RE.sub(" ", text)))
    text = _SPACE_RUN.sub(" ", text[:MAX_TEXT_LENGTH])
    if not text.isascii() and len(_LATIN.findall(text)) * 2 < len(_NON_LATIN.findall(text)):
        text = _LATIN.sub("", text)
    return text


def _word_grams(word: str, profiles: _Profiles) -> list[np.ndarray]:
    """NGram.add_char and Detector._extract_ngrams on one word (normalized characters, a space
    after it when one follows): their buffer starts afresh after every space, so the n-grams at a
    character are it and the one or two characters before it in " " + word, in that order; none
    inside a run of capitals (from its second letter on) and no n-gram " ". The probabilities of
    each n-gram langdetect knows, in order. The n-grams are cut by slices and looked up in one
    pass each, not character by character (0.95 -> ~0.5 ms a page of new words, corpus pages)."""
    padded = " " + word
    end = len(padded)
    if end == 1:
        return []
    uppers = bytes(map(str.isupper, padded))
    if b"\x01\x01" in uppers:  # a run of capitals: langdetect's capitalword skips its later letters
        kept = [i for i in range(2, end) if not (uppers[i] and uppers[i - 1])]
    else:
        kept = range(2, end)
    grams = [padded[1], padded[:2]]  # the first letter's: the buffer holds " " and it
    grams += [g for i in kept for g in (padded[i], padded[i - 1:i + 1], padded[i - 2:i + 1])]
    if word[-1] == " ":
        grams.remove(" ")  # the space's own 1-gram; the only " " (every other n-gram is 2-3 characters)
    arrays = profiles.arrays
    for gram in grams:
        if gram not in arrays:
            profiles.array(gram)
    return [probs for probs in map(arrays.__getitem__, grams) if probs is not None]


def _ngrams(text: str, profiles: _Profiles) -> list[np.ndarray]:
    """Detector._extract_ngrams (as probability rows), word by word, each word's computed once per
    process."""
    cache, result = profiles.word_grams, []
    if len(cache) > _WORD_GRAMS_MAX:
        cache.clear()
    pieces = text.translate(_NORMAL).split(" ")
    last = len(pieces) - 1
    for i, word in enumerate(pieces):
        if word:
            key = word + " " if i < last else word
            grams = cache.get(key)
            if grams is None:
                grams = _word_grams(key, profiles)
                if len(key) <= _WORD_CHARS_MAX:
                    cache[key] = grams
            result += grams
    return result


def _probabilities(ngrams: list[np.ndarray], langs: int) -> np.ndarray:
    """Detector._detect_block's trials, seeded as DetectorFactory.seed = 0 does: the same random
    draws and the same arithmetic element by element (products in order, sums sequential), so
    the probabilities are langdetect's to the last bit.

    langdetect normalises after its first draw and then after every fifth: the draws between two
    normalisations are made first, as random.choice makes them (its _randbelow: getrandbits of
    the count's bit length until below the count), then multiplied in one reduction down the
    rows, which numpy does row after row, in order (a fifth faster than a numpy call a draw)."""
    draw = random.Random(0)
    getrandbits, count = draw.getrandbits, len(ngrams)
    bits = count.bit_length()
    total = np.zeros(langs)
    rows = np.empty((6, langs))  # the probabilities so far, then up to five draws' rows
    for _ in range(N_TRIAL):
        weight = (Detector.ALPHA_DEFAULT + draw.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH) / Detector.BASE_FREQ
        prob = np.full(langs, 1.0 / langs)
        done, block = 0, 1  # draws multiplied in so far; draws before the next normalisation
        while True:
            rows[0] = prob
            for row in range(1, block + 1):
                index = getrandbits(bits)
                while index >= count:
                    index = getrandbits(bits)
                rows[row] = ngrams[index]
            used = rows[:block + 1]
            used[1:] += weight
            prob = _PRODUCT(used, axis=0)
            prob /= _ACCUMULATE(prob)[-1]  # (cumsum) adds in order, as Python's sum() does
            done += block
            # langdetect stops at its draw i (from 0) when i >= ITERATION_LIMIT
            if _MAX(prob) > Detector.CONV_THRESHOLD or done > Detector.ITERATION_LIMIT:
                break
            block = 5
        total += prob / N_TRIAL
    return total


def detect(text: str) -> tuple[str | None, float]:
    """langdetect's best guess and its probability (seed 0); (None, 0.0) when it finds no features
    or no language above its threshold."""
    profiles = _profiles()
    ngrams = _ngrams(_prepared(text), profiles)
    if not ngrams:
        return None, 0.0
    total = _probabilities(ngrams, len(profiles.langs))
    best = int(np.argmax(total))  # the first of equals, as langdetect's stable sort
    if total[best] <= Detector.PROB_THRESHOLD:
        return None, 0.0
    return profiles.langs[best], float(total[best])


def detect_language(text: str, settings: LanguageSettings) -> tuple[str | None, float | None]:
    """(ISO code, probability), or (None, None) when there is too little text to tell."""
    sample = text[: settings.sample_chars]
    # counting stops at min_chars letters: a generator over the whole sample cost 0.3 ms per page
    if len(list(islice(filter(str.isalpha, sample), settings.min_chars))) < settings.min_chars:
        return None, None
    lang, prob = detect(sample)
    return (lang, round(prob, 4)) if lang else (None, None)


class DetectLanguage:
    name = STEP

    def __init__(self, settings: LanguageSettings):
        self.settings = settings

    def __call__(self, draft: Draft) -> Draft | Drop:
        draft.language, draft.language_score = detect_language(draft.text, self.settings)
        allowed = self.settings.allowed
        if allowed and (draft.language or "")[:2] not in allowed:
            return Drop("language", f"language {draft.language!r} is not in language.allowed {allowed}")
        return draft
