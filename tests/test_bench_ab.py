"""bench/ab.py, the A/B of two versions of the cleaning code: each side must run its own code, time
the part asked for, and say whether the two wrote the same records."""
import shutil

import pytest

from bench.ab import checkout, compare
from cleaners.document import Page
from tests.conftest import REPO, SEEDS_RAW


def _pages():
    return [Page(source=p.name, sha256="", format="text", content=p.read_text(encoding="utf-8"), content_type="text")
            for p in sorted(SEEDS_RAW.glob("*.txt"))[:3]]


def test_the_same_code_on_both_sides_gives_the_same_records_and_times_the_part():
    results = compare(str(REPO), _pages(), "language", rounds=1)
    assert [len(rows) for rows in results.values()] == [1, 1]
    assert all(rows[0]["ms"] > 0 for rows in results.values())
    assert results["base"][0]["digest"] == results["this"][0]["digest"]


def test_a_base_whose_records_differ_is_told_apart(tmp_path):
    shutil.copytree(REPO / "cleaners", tmp_path / "cleaners", ignore=shutil.ignore_patterns("__pycache__"))
    with open(tmp_path / "cleaners" / "__init__.py", "a", encoding="utf-8") as handle:
        handle.write("\n_record = Cleaner.record\n"
                     "def _changed(self, page, run):\n"
                     "    kind, record = _record(self, page, run)\n"
                     "    record['text'] = (record.get('text') or '').upper()\n"
                     "    return kind, record\n"
                     "Cleaner.record = _changed\n")
    results = compare(str(tmp_path), _pages(), "clean", rounds=1)
    assert results["base"][0]["digest"] != results["this"][0]["digest"]


def test_an_unknown_part_or_one_that_never_runs_is_named_in_the_error():
    with pytest.raises(SystemExit, match="no part named 'nosuch'"):
        compare(str(REPO), _pages(), "nosuch", rounds=1)
    with pytest.raises(SystemExit, match="'bare_extraction' never ran on these pages"):
        compare(str(REPO), _pages(), "bare_extraction", rounds=1)  # an HTML part, on text pages


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout")
def test_a_commit_is_checked_out_for_the_run_and_removed_after():
    with checkout("HEAD") as folder:
        assert (folder / "cleaners" / "pipeline.py").is_file()
    assert not folder.exists()
    with pytest.raises(SystemExit, match="neither a folder nor a commit"):
        with checkout("no-such-ref-anywhere"):
            pass
