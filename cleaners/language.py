"""Language of the article text: langdetect, seeded, on a bounded sample."""
from __future__ import annotations

import numpy as np
from langdetect import DetectorFactory, detector_factory
from langdetect.detector import Detector
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.ngram import NGram

from .document import Draft, Drop
from .settings import LanguageSettings

STEP = "language"


class ArrayDetector(Detector):
    """langdetect's Detector, its inner loop on numpy arrays of the ~55 languages instead of Python
    lists. The arithmetic is the same element by element (sums stay sequential), so the answers
    and probabilities are langdetect's to the last bit; the detection costs a third."""

    _word_arrays: dict[str, np.ndarray] = {}  # n-gram -> its language probabilities, as met
    _normal_chars: dict[str, str] = {}  # character -> NGram.normalize(character), as met

    def _extract_ngrams(self):
        """NGram.add_char and the 1..3-gram lookups of langdetect, inlined, characters normalized once."""
        known, normal = self.word_lang_prob_map, self._normal_chars
        result: list[str] = []
        grams, capital_word = " ", False
        for ch in self.text:
            ch = normal.get(ch) or normal.setdefault(ch, NGram.normalize(ch))
            last = grams[-1]
            if last == " ":
                grams, capital_word = " ", False
                if ch == " ":
                    continue
            elif len(grams) >= 3:
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
                if gram != " " and gram in known:
                    result.append(gram)
        return result

    def _init_probability(self):
        if self.prior_map is not None:
            return np.array(self.prior_map, dtype=np.float64)
        return np.full(len(self.langlist), 1.0 / len(self.langlist))

    def _update_lang_prob(self, prob, word, alpha):
        if word is None or word not in self.word_lang_prob_map:
            return False
        probs = self._word_arrays.get(word)
        if probs is None:
            probs = self._word_arrays[word] = np.array(self.word_lang_prob_map[word], dtype=np.float64)
        prob *= alpha / self.BASE_FREQ + probs
        return True

    def _normalize_prob(self, prob):
        prob /= np.cumsum(prob)[-1]  # cumsum adds in order, as Python's sum() does
        return prob.max()

    def _sort_probability(self, prob):
        return super()._sort_probability([float(p) for p in prob])


def detect(text: str) -> tuple[str | None, float]:
    """langdetect's best guess and its probability; (None, 0.0) when it finds no features."""
    DetectorFactory.seed = 0  # langdetect is random otherwise; the same text must give the same answer
    detector_factory.init_factory()
    detector = ArrayDetector(detector_factory._factory)
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except LangDetectException:
        return None, 0.0
    return best.lang, best.prob


def detect_language(text: str, settings: LanguageSettings) -> tuple[str | None, float | None]:
    """(ISO code, probability), or (None, None) when there is too little text to tell."""
    sample = text[: settings.sample_chars]
    if sum(ch.isalpha() for ch in sample) < settings.min_chars:
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
