"""cleaners.pinned: a pin matches only the text it was taken from, and nothing without a source."""
from cleaners.pinned import source_digest, text_digest


def test_a_function_without_source_matches_no_pin():
    # a frozen build, or a C function: the stand-in must not replace it blind
    assert source_digest(len) is None


def test_a_changed_source_no_longer_matches():
    def release_one(x):
        return x + 1

    def release_two(x):
        return x + 2

    assert source_digest(release_one) == text_digest("    def release_one(x):\n        return x + 1\n")
    assert source_digest(release_one) != source_digest(release_two)
    assert len(text_digest("")) == 16
