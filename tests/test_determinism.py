"""Issue 6, item 6: the same inputs and config give byte-identical records whatever the run, the
number of workers and PYTHONHASHSEED: real `winnow clean` processes, their parts decompressed and
compared byte for byte, the run id (the one run-specific field, README "The feed") blanked."""
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from tests.accounting import check_feed
from tests.conftest import REPO
from tests.sitegen import article, record, write_jsonl
from tests.test_crash_safety import feed_parts, make_raw

WINNOW = str(Path(sys.executable).parent / "winnow")


def varied_raw(tmp_path):
    """The repository's sample inputs (text, HTML, JSONL, spam, unreadable), generated text pages
    with duplicates and binary files, and blog posts with comments, template lines and copies."""
    raw = make_raw(tmp_path, 120, seed=8)
    shutil.copytree(REPO / "raw", raw / "sample")
    rng = random.Random(9)
    comments = [("Ann", "What a lovely walk along the river path this was last spring."),
                ("Bob", "Cheap pills online best price click here now for the deals today")]
    posts = [record(f"https://blog.example/{n}", f"Post {n}", article(rng), comments=comments,
                    footer="Subscribe to our weekly digest for more news from the village.",
                    fetched_at=f"2021-03-{n + 1:02d}T00:00:00Z") for n in range(12)]
    posts.append(dict(posts[3], url="https://mirror.example/3", fetched_at="2021-04-01T00:00:00Z"))
    write_jsonl(raw / "blog" / "crawl.jsonl", posts)
    return raw


def test_records_are_byte_identical_across_runs_workers_and_hash_seeds(tmp_path):
    raw = varied_raw(tmp_path)
    feeds = {}
    for seed, workers in (("0", 1), ("12345", 2), ("0", 2), ("12345", 1)):
        out = tmp_path / f"clean-{seed}-{workers}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([WINNOW, "clean", str(raw), "--out", str(out), "--workers", str(workers), "--quiet"],
                              env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        check_feed(out, raw)
        feeds[(seed, workers)] = feed_parts(out)
    first = feeds[("0", 1)]
    assert len(first) >= 4 and sum(len(content) for _, _, content in first) > 50_000
    for key, parts in feeds.items():
        assert parts == first, f"PYTHONHASHSEED={key[0]}, {key[1]} workers: records differ"
