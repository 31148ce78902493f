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


def test_min_chars_counts_the_letters_of_the_sample_only():
    settings = LanguageSettings(sample_chars=200, min_chars=40)
    letters = "".join(ch for ch in GERMAN if ch.isalpha())  # 'ß', 'ü' are letters too
    spaced = " 1 ".join(letters[:40])  # digits and spaces between the letters do not count
    assert detect_language(spaced, settings)[0] is not None
    assert detect_language(" 1 ".join(letters[:39]), settings) == (None, None)
    # letters past the sample are not read: 39 in the first 200 characters
    late = " 1 ".join(letters[:39]) + " " * (200 - len(" 1 ".join(letters[:39]))) + GERMAN
    assert detect_language(late, settings) == (None, None)


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


def _langdetects_best(text: str) -> tuple[str | None, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        found = detect_langs(text)
    except LangDetectException:  # no features
        return None, 0.0
    return (found[0].lang, found[0].prob) if found else (None, 0.0)


def test_detector_equals_langdetect_on_mixed_scripts_urls_capitals_and_long_texts():
    """The edges of langdetect's algorithm: Latin dropped from a text mostly in another script
    (with its quirk: Latin Extended Additional letters count as another script), URLs and
    addresses, runs of spaces and line breaks, capitalised words, Vietnamese, the 10,000th
    character, texts with no feature at all."""
    import random

    from cleaners.language import detect

    rng = random.Random(3)
    alphabet = "abcXYZ  \n\té漢字ДжאبĂșțếạ.,!0123http://x.com a@b.de ÀÉÎ"
    texts = ["ếéếșe Д.ếж", "", "   ", "1234 !!!", "NASA ESA JAXA CNSA ISRO", "Tiếng Việt có dấu và không dấu",
             "see https://example.com/a?b=c and mail me@example.org now " * 3,
             ("Der Rat hat beschlossen, neue Radwege anzulegen.  " * 300)[:12_000] + " the end of it all"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200))) for _ in range(400)]
    for text in texts:
        assert detect(text) == _langdetects_best(text), text


def test_profiles_read_lazily_hold_langdetects_probabilities_for_every_ngram():
    """cleaners.language reads langdetect's profile files itself and makes an n-gram's array when
    it is first met: each must be the row langdetect's factory builds, languages in its order."""
    import numpy as np
    from langdetect import detector_factory

    from cleaners.language import _Profiles

    detector_factory.init_factory()
    factory = detector_factory._factory
    profiles = _Profiles()
    assert profiles.langs == factory.langlist
    grams = [g for g in sorted(factory.word_lang_prob_map) if 1 <= len(g) <= 3]
    assert len(grams) > 50_000
    for gram in grams:
        assert np.array_equal(profiles.array(gram), np.array(factory.word_lang_prob_map[gram])), gram
    assert profiles.array("\u0fff\u0fff") is None  # no language has it: no feature


def test_detector_stops_at_langdetects_iteration_limit_as_langdetect_does(monkeypatch):
    # no real text reaches the limit (10,000 draws a trial); a low one makes every trial stop there
    from langdetect.detector import Detector

    from cleaners.language import detect

    texts = ["The council promised more bins along the river after the spring cleanup.",
             "Der Rat hat beschlossen, neue Radwege anzulegen, und die Stadt zahlt dafür."]
    for limit in (0, 1, 5, 6, 11):  # langdetect checks after draws 1, 6, 11, ...: both sides of each
        monkeypatch.setattr(Detector, "ITERATION_LIMIT", limit)
        for text in texts:
            assert detect(text) == _langdetects_best(text), (limit, text)


def _langdetects_word_grams(word: str) -> list[str]:
    """langdetect's own NGram fed one word (and the space after it), as Detector._extract_ngrams."""
    from langdetect.utils.ngram import NGram

    ngram, grams = NGram(), []
    for ch in word:
        ngram.add_char(ch)
        grams += [g for n in range(1, NGram.N_GRAM + 1) if (g := ngram.get(n))]
    return grams


def test_word_grams_are_langdetects_ngrams_of_the_word_in_order():
    """_word_grams cuts each word's n-grams by slices; langdetect's NGram walks the characters:
    the same n-grams in the same order, around capitals runs ("NASA", "McDONALD"), one-letter
    words, non-Latin scripts and characters that are neither upper nor lower case."""
    import random

    import numpy as np

    from cleaners.language import _NORMAL, _profiles, _word_grams

    profiles = _profiles()
    rng = random.Random(5)
    alphabet = "abcXYZÀéßДжΣσ漢字ǅᾈ1-'."
    words = ["a", "A", "a ", "NASA ", "McDONALD", "ABC", "aBCd ", "x", "ǅemal ", "ᾈB ", "Д ", "ÉTÉ"]
    words += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))) + rng.choice(["", " "])
              for _ in range(3000)]
    for word in words:
        word = word.translate(_NORMAL)
        expected = [profiles.array(g) for g in _langdetects_word_grams(word)]
        found = _word_grams(word, profiles)
        assert len(found) == len([e for e in expected if e is not None]), word
        for got, want in zip(found, (e for e in expected if e is not None)):
            assert np.array_equal(got, want), word
