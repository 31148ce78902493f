from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from cleaners import Cleaner, CleaningSettings, Page

REPO = Path(__file__).resolve().parent.parent
SEEDS_RAW = REPO / "raw" / "seeds"  # copies of ../shared/seeds/raw
SEEDS_FIXTURE = Path(__file__).parent / "fixtures" / "seeds"  # expected/ and check.py, copied from ../shared/seeds
RUN = {"run_id": "test-run", "pipeline_version": "test", "config_sha256": "test"}
# HTML pages for tests that compare our stand-ins for trafilatura's and htmldate's internals with the
# originals: the fixture pages and the corpus sample (some gzipped); the shared corpus when it is
# next to the checkout (../shared/corpus: not in CI)
FIXTURE_HTML_PAGES = sorted((Path(__file__).parent / "fixtures" / "html").glob("*.html")) + sorted(
    (Path(__file__).parent / "fixtures" / "corpus_sample").glob("*/*.html*"))
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


def shared_corpus_pages() -> list[Path]:
    return sorted(SHARED_CORPUS.glob("*/html/*.html.gz")) or sorted(SHARED_CORPUS.glob("*/*.html.gz"))


def parse_html_file(path: Path):
    """The page's lxml.html document tree (a .gz file inflated first)."""
    import gzip

    import lxml.html

    data = path.read_bytes()
    return lxml.html.document_fromstring(gzip.decompress(data) if path.suffix == ".gz" else data)


def process_gone(pid: int, seconds: float = 0.0) -> bool:
    """Whether process `pid` has exited (a zombie not reaped yet has), waiting up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[-1].split()[0] == "Z":
                    return True
        except (FileNotFoundError, ProcessLookupError):  # gone before the open, or between the open and the read
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)

# Prefect must never reach for a server or write to ~/.prefect from the test suite.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def pytest_addoption(parser):
    parser.addoption("--long", action="store_true", default=False,
                     help="run the long variants: bigger bad inputs, more hypothesis examples, tests marked long")


def pytest_configure(config):
    config.addinivalue_line("markers", "long: slow; runs only with --long")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--long"):
        return
    skip = pytest.mark.skip(reason="slow: runs with --long")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def long_run(pytestconfig) -> bool:
    """True under --long: tests scale their inputs up."""
    return pytestconfig.getoption("--long")


def text_page(text: str, source: str = "page.txt", **extra) -> Page:
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Page(source=source, sha256=sha, format="text", content=text, content_type="text", **extra)


def html_page(html: str, source: str = "page.html", **extra) -> Page:
    sha = hashlib.sha256(html.encode()).hexdigest()
    return Page(source=source, sha256=sha, format="html", content=html, content_type="html", **extra)


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner(CleaningSettings())


@pytest.fixture
def clean_text(cleaner):
    """Clean a text page; returns (kind, record)."""
    return lambda text, **extra: cleaner.record(text_page(text, **extra), RUN)


def reasons(record: dict) -> list[str]:
    return [r["reason"] for r in record["provenance"]["removed"]]

ARTICLE_TEXT = (
    "The city council met on Tuesday to discuss the budget for next year, and the meeting ran late into the evening.\n\n"
    "Members argued for two hours about road repairs and the new library, and agreed to meet again in March.\n\n"
    "A final vote is expected before the end of the month, the mayor said after the meeting.\n"
)
