"""The run's ledger (flows/ledger.py): pages' outcomes and signatures on disk instead of the flow's
memory, and the dedup decisions made from it, which must be those cleaners.dedup.decide makes."""
import random

from cleaners.dedup import MemoryIndex, decide, signature_of
from cleaners.settings import DedupSettings
from flows.dedup import decide_run
from flows.ledger import RunLedger
from flows.run import BatchManifest
from tests.sitegen import article

SETTINGS = DedupSettings()


def _signature(article_id, text, source, *, site="a.example", fetched_at=None, comments=()):
    record = {"id": article_id, "text": text, "site": site, "comments": [{"text": c} for c in comments],
              "provenance": {"source": source, "fetched_at": fetched_at}}
    return signature_of(record, SETTINGS)


def _run_pages(rng):
    """Pages that exercise every rule: exact and near copies, re-crawls of one id (changed or not),
    unknown fetch times, ids and sources outside ASCII (SQLite must order them as Python does), a
    comment posted under many pages of a site, and a line every page of a site carries."""
    texts = ["\n".join(article(rng)) for _ in range(18)]
    spam = "Great post, visit my casino bonus page for free spins today"
    footer = "Copyright the Parish Gazette, all rights reserved, reprints by permission only"
    names = ["Zeta", "zeta", "éclair", "Ärger", "ß", "alpha"]

    def page(n, article_id, text, source, fetched_at=""):
        site = "gazette.example" if n % 2 else "b.example"
        return _signature(article_id, f"{text}\n{footer}" if n % 2 else text, source, site=site,
                          fetched_at=fetched_at or (None if n % 5 == 0 else f"2021-0{1 + n % 4}-1{n % 7}T00:00:00+00:00"),
                          comments=[spam if n % 2 and n < 10 else f"A reader's own remark on page {n} of the run"])

    pages = [page(n, f"{names[n % 6]}{n}", texts[n], f"raw/{'ü' if n % 3 else 'u'}{n:02d}.jsonl:{n}") for n in range(16)]
    pages += [page(n, f"{names[n % 6]}{n}", texts[n] + ("\nAn update to the story." if n < 4 else ""),
                   f"raw/recrawl.jsonl:{n}", "2020-12-31T00:00:00+00:00") for n in range(6)]  # changed or not
    # an article of the feed, changed to a text another page of the run has (fetched earlier)
    pages += [page(2, "known", texts[17], "raw/recrawl.jsonl:17", "2021-06-01T00:00:00+00:00"),
              page(2, "newcomer", texts[17], "raw/new.jsonl:17", "2021-01-01T00:00:00+00:00")]
    pages += [page(n + 1, f"copy{n}", texts[n].replace("the", "a", 2), f"raw/copies.jsonl:{n}") for n in range(6, 9)]
    pages.append(page(10, "exact", texts[9], "raw/copies.jsonl:9"))
    return texts, pages


def _earlier_run(index, texts):
    """What the feed held before the run: two of the articles the run crawls again."""
    decide([_signature("zeta1", texts[1], "old/1.jsonl:1", fetched_at="2020-01-01T00:00:00+00:00"),
            _signature("known", texts[16], "old/1.jsonl:2", fetched_at="2020-01-02T00:00:00+00:00")], index, SETTINGS)


def test_decisions_from_the_ledger_are_those_decide_makes_in_memory(tmp_path):
    rng = random.Random(11)
    texts, pages = _run_pages(rng)
    expected_index, index = MemoryIndex(SETTINGS), MemoryIndex(SETTINGS)
    _earlier_run(expected_index, texts)
    _earlier_run(index, texts)
    expected = decide(pages, expected_index, SETTINGS)

    ledger = RunLedger(tmp_path / "ledger.sqlite")
    shuffled = pages[:]
    rng.shuffle(shuffled)  # batches finish in any order
    for number in range(3):
        batch = shuffled[number::3]
        ledger.add(BatchManifest(index=number, signatures=batch,
                                 outcomes=[("", s.source, "article", None, s.id) for s in batch]))
    decide_run(ledger, index, SETTINGS)

    found = {}
    for number in range(3):
        found.update(ledger.decisions(number))
    assert {source: decision for source, (decision, _, _) in found.items()} == expected.by_source
    assert {s: t for s, (_, t, _) in found.items() if t} == expected.template_lines
    assert {s: c for s, (_, _, c) in found.items() if c} == expected.spam_comments
    # the run exercises what it means to: duplicates, revisions, site-wide lines and comments
    assert {d.status for d in expected.by_source.values()} == {"keep", "duplicate"}
    assert any(d.revision > 1 for d in expected.by_source.values())
    assert expected.template_lines and expected.spam_comments
    assert index.articles == expected_index.articles  # the same additions to the dedup index


def test_a_manifest_hands_its_pages_over_and_the_ledger_answers_for_the_run(tmp_path):
    ledger = RunLedger(tmp_path / "ledger.sqlite")
    first = BatchManifest(index=0, outcomes=[("s1", "a.jsonl:1", "article", None, "p1"),
                                             ("s2", "a.jsonl:2", "rejected", "spam:gambling_anchor", "p2"),
                                             ("", "a.warc:3", "rejected", "truncated", "p3")])  # no raw bytes
    second = BatchManifest(index=1, outcomes=[("s4", "b.jsonl:1", "article", None, "p4")])
    for manifest in (second, first):
        ledger.add(manifest)
        assert manifest.outcomes == [] and manifest.signatures == []  # the flow keeps no page of them
    ledger.rejected(1, {"b.jsonl:1": ("rejected", "duplicate")})  # what the dedup step does to a page
    assert ledger.counts() == {(0, "article"): 1, (0, "rejected"): 2, (1, "rejected"): 1}
    assert ledger.rejected_by_reason() == {"duplicate": 1, "spam:gambling_anchor": 1, "truncated": 1}
    assert list(ledger.processed("run-1")) == [  # in batch order, pages without raw bytes left out
        ("s1", "a.jsonl:1", "article", None, "p1", "run-1"),
        ("s2", "a.jsonl:2", "rejected", "spam:gambling_anchor", "p2", "run-1"),
        ("s4", "b.jsonl:1", "rejected", "duplicate", "p4", "run-1"),
    ]


def test_the_flow_keeps_no_page_of_a_finished_batch_and_still_reports_every_page(tmp_path):
    from flows.config import Settings
    from flows.run import clean_pass
    from tests.sitegen import record, write_jsonl
    from tests.test_run import read_feed

    rng = random.Random(5)
    texts = [article(rng) for _ in range(30)]
    records = [record(f"https://a.example/{n}", f"Page {n}", texts[n]) for n in range(30)]
    records += [record("https://b.example/copy", "Copy", texts[0]), {"url": "https://c.example/", "text": ""}]
    for number, page in enumerate(records):  # a file each: a run of 32 files is cut into batches of 20
        write_jsonl(tmp_path / "raw" / f"page-{number:02d}.jsonl", [page])
    held = []
    report = clean_pass(Settings(), tmp_path / "raw", tmp_path / "clean",
                        on_batch=lambda manifest, total: held.append((manifest.outcomes, manifest.signatures)))
    assert len(held) > 1 and all(outcomes == [] and signatures == [] for outcomes, signatures in held)
    assert (report["records_in"], report["articles"], report["rejected"]) == (32, 30, 2)
    assert report["rejected_by_reason"] == {"duplicate": 1, "empty": 1}
    assert len(read_feed(tmp_path / "clean", "articles")) == 30 and len(read_feed(tmp_path / "clean", "rejected")) == 2
