from cleaners.language import detect_language
from cleaners.settings import CleaningSettings, LanguageSettings
from cleaners import Cleaner
from tests.conftest import ARTICLE_TEXT, RUN, text_page

S = LanguageSettings()
GERMAN = ("Der Stadtrat hat am Mittwochabend mit großer Mehrheit beschlossen, bis zum Frühjahr vier neue Radwege "
          "in der Innenstadt anzulegen. Die Kosten übernimmt zu einem großen Teil das Land.")


def test_language_is_detected_deterministically():
    results = {detect_language(GERMAN, S) for _ in range(5)}
    assert len(results) == 1
    assert results.pop()[0] == "de"


def test_too_little_text_gives_no_language_rather_than_a_guess():
    assert detect_language("Hi there", S) == (None, None)
    assert detect_language("12345 67890 !!!", S) == (None, None)


def test_languages_outside_the_allowed_list_are_rejected():
    cleaner = Cleaner(CleaningSettings(language=LanguageSettings(allowed=["en"])))
    kind, rec = cleaner.record(text_page("Radwege\n\n" + GERMAN + "\n" + GERMAN), RUN)
    assert (kind, rec["reason"]) == ("rejected", "language")
    kind, rec = cleaner.record(text_page("A Title\n\n" + ARTICLE_TEXT), RUN)
    assert kind == "article" and rec["language"] == "en"


def test_array_detector_gives_langdetects_own_answers_to_the_last_bit():
    from langdetect import DetectorFactory, detect_langs

    from cleaners.language import detect

    texts = [
        "The river cleanup drew more volunteers than ever this spring, and the council promised bins.",
        "Der schnelle braune Fuchs springt über den faulen Hund und läuft weiter durch den Wald.",
        "Быстрая коричневая лиса прыгает через ленивую собаку, а потом убегает в лес.",
        "これは日本語の文章です。言語を検出するためのテストです。",
        "El perro come la comida de la casa todos los días, y después duerme en el jardín.",
        "NASA AND THE ESA ANNOUNCED A JOINT MISSION to study the ice moons of Jupiter and Saturn.",
    ]
    for text in texts:
        DetectorFactory.seed = 0
        best = detect_langs(text)[0]
        assert detect(text) == (best.lang, best.prob)
