import json
import os
import shutil

import pytest

from flows.config import Settings
from flows.listing import PLAN, BatchPlan
from flows.run import BatchSpecs, clean_batch, clean_pass
from flows.sources import discover, split_records
from tests.conftest import REPO


def _write(root, names):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode("utf-8", "surrogateescape"))


def _planned(plan):
    return [piece for index in range(len(plan)) for piece in plan.files_of(index)]


def test_the_plan_lists_the_files_sorted_as_python_sorts_their_names(tmp_path):
    """Batches are cut in the order of the relative paths, whatever the file system lists first and
    whatever the names hold (accents, bytes that are not UTF-8, '/' against '.' and '-'), so that
    the parts written are the same on every machine."""
    raw = tmp_path / "raw"
    names = ["z.txt", "a.txt", "a/b.txt", "a-b.txt", "a.b/c.txt", "Z.txt", "é.txt", "ü/x.txt", "日本.txt",
             os.fsdecode(b"\xff\xfe.txt"), os.fsdecode(b"caf\xe9.txt"), "e\u0301.txt"]
    _write(raw, names)
    with_hidden = names + [".hidden.txt", "a/.git/config.txt", ".cache/x.txt"]
    _write(raw, with_hidden[len(names):])
    plan = BatchPlan(tmp_path / "plan" / PLAN, raw, pages=5, size=10**6)
    try:
        listed = [rel for rel, *_ in _planned(plan)]
        assert listed == sorted(names) == [f.rel for f in discover(raw)]
        assert plan.files == len(names) and len(plan) == 3  # 5 files a batch
        assert {(start, stop, first_line) for _, start, stop, first_line in _planned(plan)} == {(0, None, 1)}  # whole files
    finally:
        plan.close()


def test_links_to_files_are_read_links_to_folders_are_not_followed(tmp_path):
    """A link to a folder could loop or reach outside the raw folder; a link to a file is an input.
    Links to folders and dangling links are listed themselves, to be rejected, not passed over."""
    outside = tmp_path / "outside"
    _write(outside, ["secret.txt", "deep/page.html"])
    raw = tmp_path / "raw"
    _write(raw, ["page.txt"])
    (raw / "linked-file.txt").symlink_to(outside / "secret.txt")
    (raw / "linked-folder").symlink_to(outside, target_is_directory=True)
    (raw / "loop").symlink_to(raw, target_is_directory=True)
    (raw / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    listed = ["dangling.txt", "linked-file.txt", "linked-folder", "loop", "page.txt"]
    assert [f.rel for f in discover(raw)] == listed
    plan = BatchPlan(tmp_path / PLAN, raw, pages=100, size=10**6)
    try:
        assert [rel for rel, *_ in _planned(plan)] == listed
    finally:
        plan.close()


def test_a_large_jsonl_file_is_planned_as_its_pieces_in_line_order(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = [json.dumps({"url": f"https://a.example/{n}", "text": f"Page {n}. " + "word " * 200}) for n in range(300)]
    (raw / "crawl.jsonl").write_text("\n".join(lines) + "\n")
    _write(raw, ["after.txt", "before.txt"])
    plan = BatchPlan(tmp_path / PLAN, raw, pages=1000, size=50_000)
    try:
        [crawl] = [f for f in discover(raw) if f.rel == "crawl.jsonl"]
        pieces = [(p.rel, p.start, p.end, p.first_line) for p in split_records(crawl, plan.size)]
        assert len(pieces) > 3
        assert _planned(plan) == [("after.txt", 0, None, 1), ("before.txt", 0, None, 1), *pieces]
    finally:
        plan.close()


def test_an_empty_or_missing_folder_plans_no_batch(tmp_path):
    (tmp_path / "empty").mkdir()
    for raw in (tmp_path / "empty", tmp_path / "missing"):
        plan = BatchPlan(tmp_path / PLAN, raw, pages=10, size=10**6)
        assert (plan.files, len(plan), plan.order()) == (0, 0, [])
        plan.close()


def test_a_run_takes_each_batch_spec_when_it_starts_biggest_first_and_removes_its_plan(tmp_path):
    """The specs (and their lists of files) are made one at a time as the runner takes them, in
    the order of the most work first; the plan is scratch, gone with the staging folder."""
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw" / "seeds", raw)
    for n in range(8):
        (raw / f"small-{n}.txt").write_text(f"Note {n}\n\nA short note about the weather in the valley, number {n}.\n")
    (raw / "zz-long.txt").write_text("Long report\n\n" + "The council met again and talked at length. " * 20_000)
    taken = []

    def inline(specs):
        assert isinstance(specs, BatchSpecs)
        for spec in specs:
            taken.append((spec.index, [rel for rel, *_ in spec.files]))
            yield clean_batch(spec)

    settings = Settings.model_validate({"run": {"batch_pages": 3}})
    report = clean_pass(settings, raw, tmp_path / "clean", map_batches=inline)
    files = sorted(p.name for p in raw.iterdir())
    assert report["files"] == len(files) and report["batches"] == len(taken) == 5
    assert sorted(taken) == [(i, files[3 * i:3 * i + 3]) for i in range(5)]
    assert taken[0][0] == 4  # small-7 and the long report (900 KB): the most work
    assert not list((tmp_path / "clean").rglob(PLAN))


def test_batch_specs_are_made_lazily_and_in_the_same_order_each_time(tmp_path):
    from flows.run import BatchSpec

    raw = tmp_path / "raw"
    _write(raw, [f"{n:02d}.txt" for n in range(10)])
    plan = BatchPlan(tmp_path / PLAN, raw, pages=2, size=10**6)
    read = []
    files_of = plan.files_of
    plan.files_of = lambda index: read.append(index) or files_of(index)
    template = BatchSpec(index=-1, raw_dir=str(raw), files=(), staging="", cleaning={}, run={}, state_db="",
                         reprocess=False, max_input_bytes=0, compress=True)
    specs = BatchSpecs(plan, template)
    try:
        assert len(specs) == 5 and read == []
        first = next(iter(specs))
        assert read == [first.index] and first.files == files_of(first.index)
        assert [s.index for s in specs] == [s.index for s in specs] == plan.order()
    finally:
        plan.close()


@pytest.mark.parametrize("window", [1, 3])
def test_the_flow_keeps_at_most_a_window_of_batch_tasks_submitted(monkeypatch, window):
    """A task holds its spec until it ends: the flow submits the next one as one finishes, never
    all of a million files' batches at once, and still returns every batch."""
    from concurrent.futures import Future

    from flows import clean

    submitted, consumed, in_flight = [], [], []

    class FakeTask:
        @staticmethod
        def submit(spec):
            submitted.append(spec)
            in_flight.append(len(submitted) - len(consumed))
            future = Future()
            future.set_result(f"manifest {spec}")
            return future

    monkeypatch.setattr(clean, "clean_batch_task", FakeTask)
    monkeypatch.setattr(clean, "TASKS_IN_FLIGHT", window)
    for manifest in clean._map_as_tasks(range(10)):
        consumed.append(manifest)
    assert sorted(consumed) == sorted(f"manifest {n}" for n in range(10))
    # submitted and not yet handed back: the window, plus the one finished that is handed back next
    assert max(in_flight) == window + 1


@pytest.mark.parametrize("count, most", [(1, 16), (4, 4), (20, 1)])
def test_big_archives_are_strided_only_as_far_as_the_run_needs_spreading(tmp_path, count, most):
    """Each strided piece inflates its whole file: a run of many big archives (Common Crawl's 1 GB
    WARCs) gets its spread over the cores from its files, and cutting each into 16 would inflate
    every file 16 times. Pieces only as many as spread the run over 16 batches."""
    import gzip
    import random

    rng = random.Random(count)
    raw = tmp_path / "raw"
    raw.mkdir()
    for n in range(count):
        lines = (json.dumps({"text": " ".join(rng.choice(("ferry", "tide", "harbour", "quay")) for _ in range(60))})
                 for _ in range(3000))
        (raw / f"crawl-{n:02d}.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode(), mtime=0))
    plan = BatchPlan(tmp_path / "plan" / PLAN, raw, pages=1000, size=10_000)
    try:
        pieces = _planned(plan)
        per_file = {rel: sum(1 for r, *_ in pieces if r == rel) for rel, *_ in pieces}
        assert len(per_file) == count and set(per_file.values()) == {most}
    finally:
        plan.close()
