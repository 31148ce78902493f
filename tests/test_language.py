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
