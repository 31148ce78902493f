import pytest
import random
import re
import unicodedata

from cleaners.normalize import comparable, ends_in_initial


def _comparable_by_definition(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).casefold()))


def test_comparable_ascii_fast_path_equals_the_definition_for_every_ascii_character():
    # ASCII text takes a byte-table path; it must give the key every earlier run stored
    rng = random.Random(3)
    texts = [chr(c) * 2 + "x" for c in range(128)] + ["Hello, World!  It's 3:40 PM_now\t\x00Z-9 a_b"]
    texts += ["".join(chr(rng.randrange(128)) for _ in range(rng.randrange(40))) for _ in range(20_000)]
    for text in texts:
        assert comparable(text) == _comparable_by_definition(text), repr(text)


def test_comparable_ignores_case_spacing_and_punctuation_in_any_script():
    assert comparable("  The END -- of it!\n") == comparable("the end of it") == "the end of it"
    assert comparable("Straße, \u0130stanbul \ufb01ne") == _comparable_by_definition("Straße, \u0130stanbul \ufb01ne")
    assert comparable("Grüße aus KÖLN") == "grüsse aus köln"


@pytest.mark.parametrize("name, initial", [("John D.", True), ("Mike R.", True), ("J.R.R.", True), ("Bob Smith Jr.", True),
                                           ("It was great.", False), ("the USA.", False), ("Dr", False), ("", False)])
def test_a_name_may_end_in_an_initial(name, initial):
    assert ends_in_initial(name) is initial


def test_drop_hiding_chars_removes_what_the_hiding_pattern_removes():
    from cleaners.normalize import HIDING, HIDING_CHARS, drop_hiding_chars

    rng = random.Random(5)
    alphabet = HIDING + "ab \u00a0\u200c\u200d\u2061\ufffe\u00ac"
    texts = ["", HIDING, HIDING * 3, "sl\u200bot ga\u00adcor ju\u2060di\ufeff"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(20_000)]
    for text in texts:
        assert drop_hiding_chars(text) == HIDING_CHARS.sub("", text), repr(text)


def test_one_scan_for_mojibake_anchors_or_ftfy_fixes_finds_either_on_every_code_point():
    """fix_text hands a page to ftfy when it holds a character of _BADNESS_ANCHORS or _FTFY_FIXES:
    the merged class is their union, character for character."""
    from cleaners.normalize import _ANCHORS_OR_FIXES, _BADNESS_ANCHORS, _FTFY_FIXES

    everything = "".join(map(chr, range(0x110000)))
    either = {m.start() for m in _BADNESS_ANCHORS.finditer(everything)} | {m.start() for m in _FTFY_FIXES.finditer(everything)}
    assert {m.start() for m in _ANCHORS_OR_FIXES.finditer(everything)} == either
    assert len(either) > 2000


def test_classes_that_cannot_be_merged_give_no_merged_scan_and_ftfy_still_runs(monkeypatch):
    """Another ftfy's patterns may not be plain classes: then there is no merged scan, and every
    page goes through the line loop instead of an import error."""
    import re

    from cleaners import normalize

    assert normalize._either_class(re.compile("[^a]"), re.compile("[b]")) is None
    assert normalize._either_class(re.compile("[a]"), re.compile("b|c")) is None
    assert normalize._either_class(re.compile("[a]"), re.compile("[b]")).pattern == "[ab]"
    monkeypatch.setattr(normalize, "_ANCHORS_OR_FIXES", None)
    assert normalize.fix_text("cafÃ© au lait") == "café au lait"
