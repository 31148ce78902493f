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

    def array(self, gram: str) -> np.ndarray | None:
        """The probabilities of a 1- to 3-character n-gram per language; None when no language has it."""
        if gram in self.arrays:
            return self.arrays[gram]
        probs = None
        if any(gram in freq for freq, _ in self._profiles):
            probs = np.zeros(self.size)
            for index, (freq, n_words) in enumerate(self._profiles):
                if gram in freq:
                    probs[index] = 1.0 * freq[gram] / n_words[len(gram) - 1]
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
    after it when one follows): their buffer starts afresh after every space. The probabilities
    of each n-gram langdetect knows, in order."""
    result: list[np.ndarray] = []
    grams, capital_word = " ", False
    for ch in word:
        last = grams[-1]
        if len(grams) >= 3:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            capital_word = capital_word or last.isupper()
        else:
            capital_word = False
        if capital_word:
            continue
        for n in range(1, len(grams) + 1):
            gram = grams[-n:]
            if gram != " " and (probs := profiles.array(gram)) is not None:
                result.append(probs)
    return result


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
