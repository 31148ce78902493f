"""Language of the article text: langdetect, seeded, on a bounded sample."""
from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from .document import Draft, Drop
from .settings import LanguageSettings

STEP = "language"


def detect(text: str) -> tuple[str | None, float]:
    """langdetect's best guess and its probability; (None, 0.0) when it finds no features."""
    DetectorFactory.seed = 0  # langdetect is random otherwise; the same text must give the same answer
    try:
        best = detect_langs(text)[0]
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
