"""Language of the article text: langdetect, seeded, on a bounded sample."""
from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from .document import Draft, Drop
from .settings import LanguageSettings

STEP = "language"


def detect_language(text: str, settings: LanguageSettings) -> tuple[str | None, float | None]:
    """(ISO code, probability), or (None, None) when there is too little text to tell."""
    sample = text[: settings.sample_chars]
    if sum(ch.isalpha() for ch in sample) < settings.min_chars:
        return None, None
    DetectorFactory.seed = 0  # langdetect is random otherwise; the same text must give the same answer
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None, None
    return best.lang, round(best.prob, 4)


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
