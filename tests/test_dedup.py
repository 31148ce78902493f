import itertools
import random

from cleaners.dedup import (MemoryIndex, comment_key, decide, hash64, line_key, signature_of, similarity,
                            strip_site_repeats, text_key)
from cleaners.settings import DedupSettings
from tests.sitegen import article

SETTINGS = DedupSettings()


def _record(article_id, text, *, site="a.example", fetched_at=None, comments=(), source=None):
    return {"id": article_id, "text": text, "site": site, "url": f"https://{site}/{article_id}",
            "schema_version": "1", "revision": 1,
            "comments": [{"id": f"c{i}", "author": None, "text": t, "parent": p} for i, (t, p) in enumerate(comments)],
            "provenance": {"source": source or f"{article_id}.html", "fetched_at": fetched_at, "removed": []}}


def _sig(*args, **kw):
    return signature_of(_record(*args, **kw), SETTINGS)


def test_exact_key_ignores_case_spacing_and_punctuation():
    assert text_key("Hello,  World!\nAgain.") == text_key("hello world again")
    assert text_key("hello world") != text_key("hello there world")


def test_comment_key_ignores_the_links_a_spammer_varies():
    assert comment_key("Great post! See http://a.example/x") == comment_key("great post see https://b.example/y?z=1")


def test_similarity_follows_the_share_of_shared_shingles():
    rng = random.Random(1)
    text = "\n".join(article(rng))
    other = "\n".join(article(rng))
    assert similarity(_sig("a", text).minhash, _sig("b", text).minhash) == 1.0
    assert similarity(_sig("a", text).minhash, _sig("b", other).minhash) < 0.1


def test_minhash_equals_datasketchs_own_so_signatures_stored_by_earlier_runs_still_match():
    import numpy as np
    from datasketch import MinHash

    from cleaners.dedup import minhash
    from cleaners.normalize import comparable

    from cleaners.dedup import _SHINGLE_ROWS

    rng = random.Random(4)
    long_text = "\n".join(line for _ in range(40) for line in article(rng))  # permuted in several slices
    assert len(set(zip(*(comparable(long_text).split()[k:] for k in range(3))))) > 2 * _SHINGLE_ROWS
    texts = ["", "one", "two words", "Grüße aus Köln — 東京は晴れ, Москва", long_text,
             *("\n".join(article(rng)) for _ in range(5))]
    for n, text in itertools.product((1, 2, 3, 5), texts):
        settings = SETTINGS.model_copy(update={"shingle_words": n})
        normalized = comparable(text)
        words = normalized.split()
        reference = MinHash(num_perm=settings.num_perm, seed=1)
        reference.update_batch([" ".join(words[i:i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))])
        assert minhash(normalized, settings) == reference.hashvalues.astype(np.uint32).tobytes(), (n, text)


def test_the_kept_copy_is_earliest_fetched_then_longest_whatever_the_input_order():
    rng = random.Random(2)
    text = "\n".join(article(rng))
    sigs = [_sig("late", text, fetched_at="2021-05-01"), _sig("early", text, fetched_at="2021-01-01"),
            _sig("unknown", text), _sig("early-long", text + "\nOne more line at the end of it.", fetched_at="2021-01-01")]
    for order in (sigs, sigs[::-1], sigs[1:] + sigs[:1]):
        decisions = decide(order, MemoryIndex(SETTINGS), SETTINGS)
        kept = [s for s, d in decisions.by_source.items() if d.status == "keep"]
        assert kept == ["early-long.html"]
        assert {d.duplicate_of for d in decisions.by_source.values() if d.status == "duplicate"} == {"early-long"}


def test_earlier_runs_keep_their_articles_and_count_revisions():
    rng = random.Random(3)
    text = "\n".join(article(rng))
    index = MemoryIndex(SETTINGS)
    decide([_sig("p1", text, source="run1")], index, SETTINGS)  # a first run, kept in the index
    second = [_sig("p1", text + "\nAn update.", source="run2"), _sig("p2", text, source="copy", fetched_at="2000-01-01")]
    decisions = decide(second, index, SETTINGS)
    assert decisions.by_source["run2"].revision == 2
    # fetched earlier, but the article already in the feed stays the kept one
    assert (decisions.by_source["copy"].status, decisions.by_source["copy"].duplicate_of) == ("duplicate", "p1")


def test_removing_a_spam_comment_rethreads_its_replies():
    spam = "Buy cheap pills online at the best prices anywhere today"
    record = _record("p", "Body line one.\nSubscribe to the parish newsletter every month.",
                     comments=[("A real first comment here.", None), (spam, "c0"), ("A reply to the spam.", "c1")])
    template = {hash64(line_key("SUBSCRIBE to the parish newsletter, every month"))}
    strip_site_repeats(record, template, {hash64(comment_key(spam))}, SETTINGS)
    assert record["text"] == "Body line one."
    assert [c["text"] for c in record["comments"]] == ["A real first comment here.", "A reply to the spam."]
    assert record["comments"][1]["parent"] == "c0"  # answered the spam, which answered c0
    reasons = [r["reason"] for r in record["provenance"]["removed"]]
    assert reasons == ["template:site_line", "comment:site_spam"]


def test_one_page_one_url_key():
    from cleaners.document import url_key

    same = ["https://Blog.Example.com/2021/post/", "http://www.blog.example.com/2021/post#comments",
            "https://blog.example.com/2021/post?utm_source=feed&fbclid=x"]
    assert {url_key(u) for u in same} == {"blog.example.com/2021/post"}
    assert url_key("https://blog.example.com/?p=12") != url_key("https://blog.example.com/?p=13")


def test_fetch_times_compare_as_instants_whatever_their_format():
    from cleaners.dedup import utc_instant

    rng = random.Random(4)
    text = "\n".join(article(rng))
    # 10:00 in Paris is earlier than 09:30 UTC; an HTTP date; a time nobody can read counts as unknown
    sigs = [_sig("utc", text, fetched_at="2021-03-01T09:30:00Z"), _sig("paris", text, fetched_at="2021-03-01T10:00:00+02:00"),
            _sig("http", text, fetched_at="Mon, 01 Mar 2021 09:45:00 GMT"), _sig("garbled", text, fetched_at="yesterday")]
    decisions = decide(sigs, MemoryIndex(SETTINGS), SETTINGS)
    assert [s for s, d in decisions.by_source.items() if d.status == "keep"] == ["paris.html"]
    assert utc_instant("yesterday") is None
    assert utc_instant("Mon, 01 Mar 2021 09:45:00 GMT") == "2021-03-01T09:45:00+00:00"


def test_signature_text_key_is_the_comparable_form_of_the_whole_text():
    # signature_of builds it from the line keys it needs anyway; it must equal comparable(text)
    from cleaners.dedup import _key, signature_of
    from cleaners.normalize import comparable
    from cleaners.settings import DedupSettings

    text = "Caf\u00e9 \ufb01ne\n\u0301accent after a break\nStra\u00dfe, \u0130stanbul!\n\nx\u2028y \u2014 the END."
    record = {"id": "a", "text": text, "comments": [], "provenance": {"source": "a.txt"}}
    assert signature_of(record, DedupSettings()).text_key == _key(comparable(text))


def test_comment_key_skips_the_link_pattern_only_where_it_cannot_match():
    # may_hold_url stands for a _URL scan: it must say True wherever _URL matches
    import re
    import sys

    from cleaners.dedup import _URL, may_hold_url
    from cleaners.normalize import comparable

    for literal in "w:/.":  # the pattern's characters that the check looks for, ignoring case
        matching = {chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(re.escape(literal), chr(c), re.I)}
        lowering = {chr(c) for c in range(sys.maxunicode + 1) if literal in chr(c).lower()}
        assert matching == lowering == {literal, literal.upper()}
    rng = random.Random(5)
    pieces = ["http", "HTTPS", "hTtP", "://", ":/", "www", "WwW", ".", "w.", "ww", "x", " ", "\u017f", "example"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        if _URL.search(text):
            assert may_hold_url(text), text
    for text in ["Great post! See http://a.example/x", "visit WWW.casino.example now", "no link at all", ""]:
        assert comment_key(text) == comparable(_URL.sub(" ", text))


def test_a_page_without_a_site_has_no_line_or_comment_hashes_and_the_same_keys():
    # they serve site-wide repeats only (site_repeats, the index's site tables), which need a site
    rng = random.Random(6)
    text = "\n".join(article(rng))
    comments = [("A comment long enough to count as one, with www.example.com in it.", None)]
    with_site = signature_of(_record("a", text, comments=comments), SETTINGS)
    without = signature_of(_record("a", text, comments=comments, site=None), SETTINGS)
    assert len(with_site.lines) > 0 and len(with_site.comments) > 0
    assert len(without.lines) == 0 and len(without.comments) == 0 and without.site is None
    for name in ("text_key", "content_key", "minhash", "buckets", "length"):
        assert getattr(with_site, name) == getattr(without, name), name
    index = MemoryIndex(SETTINGS)
    index.add(without, 1, first=True)
    assert not index.lines and not index.comments


def test_a_page_without_a_site_normalizes_its_whole_text_as_the_line_keys_joined():
    # without a site, signature_of normalizes the text in one comparable() call instead of a call
    # per line: the keys and MinHash must be those of the line keys joined (the path with a site)
    rng = random.Random(12)
    pieces = ["word", "Caf\u00e9", "\ufb01ne", "\u0301", "\u00b2", "Stra\u00dfe", "\u0130", "\u2014", "\u201cq\u201d",
              "\u00a0", "\u2026", "\u2028", "\r", "\t", " ", "  ", "\n", "\n\n", "-", "it's", "\u3000", "\u0669", "x"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        with_site = signature_of(_record("a", text), SETTINGS)
        without = signature_of(_record("a", text, site=None), SETTINGS)
        for name in ("text_key", "content_key", "minhash", "buckets"):
            assert getattr(with_site, name) == getattr(without, name), (name, text)
