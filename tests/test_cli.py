"""`winnow` through its installed entry point, as a user runs it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS_FIXTURE, SEEDS_RAW

WINNOW = Path(sys.executable).parent / "winnow"


def winnow(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(Path(cwd or ".").resolve() / ".prefect-home")  # no profile with an API URL
    return subprocess.run([str(WINNOW), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_seed_pages_pass_the_acceptance_check(tmp_path):
    result = winnow("clean", SEEDS_RAW, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "articles out" in result.stderr and "direct" in result.stderr
    check = subprocess.run(
        [sys.executable, SEEDS_FIXTURE / "check.py", "seeds", SEEDS_FIXTURE, tmp_path / "out"],
        capture_output=True, text=True,
    )
    assert check.returncode == 0, check.stdout
    assert "score: 153/153 checks (100.0%)" in check.stdout


def test_rerun_says_nothing_new_was_written(tmp_path):
    assert winnow("clean", SEEDS_RAW, "-o", tmp_path / "out", cwd=tmp_path).returncode == 0
    again = winnow("clean", SEEDS_RAW, "-o", tmp_path / "out", cwd=tmp_path)
    assert again.returncode == 0
    assert "No new inputs" in again.stderr
    assert len(list((tmp_path / "out" / "articles").iterdir())) == 1


def test_defaults_come_from_config_yaml_in_the_working_folder(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.txt").write_text("A Title\n\n" + "Plenty of article text in this sample page. " * 5)
    (tmp_path / "config.yaml").write_text("paths:\n  raw: pages\n  clean: feed\noutput:\n  compress: false\n")
    result = winnow("clean", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "feed" / "articles").glob("*.jsonl"))) == 1


@pytest.mark.parametrize("args, code, message", [
    (["clean", "no-such-folder"], 2, "no-such-folder: no such folder of raw pages"),
    (["clean", "bad.yaml"], 2, "bad.yaml: a file, not a folder of raw pages (winnow explain bad.yaml cleans one page)"),
    (["clean", ".", "--out", "bad.yaml"], 2, "bad.yaml: a file, not a feed folder"),  # was "[Errno 17] File exists", exit 1
    (["clean", ".", "--out", "./"], 2, "the feed folder is the raw folder itself"),
    (["clean", ".", "--config", "missing.yaml"], 2, "missing.yaml: config file not found"),
    (["clean", ".", "--config", "bad.yaml"], 2, "bad.yaml: spam.page_spam_share: Input should be greater than 0"),
    (["clean", ".", "--workers", "-1"], 2, "Invalid value"),
    (["frobnicate"], 2, "No such command"),
])
def test_usage_and_config_errors_exit_2_with_a_message(tmp_path, args, code, message):
    (tmp_path / "bad.yaml").write_text("spam:\n  page_spam_share: 0\n")
    result = winnow(*args, cwd=tmp_path)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_help_explains_every_option():
    out = winnow("clean", "--help").stdout
    for option in ("RAW_DIR", "--out", "--config", "--workers", "--reprocess", "--prefect", "--quiet", "Exit codes"):
        assert option.lower() in out.lower()


def test_long_runs_show_progress_on_stderr(tmp_path):
    (tmp_path / "config.yaml").write_text("run:\n  batch_pages: 1\n  workers: 2\n")
    result = winnow("clean", SEEDS_RAW, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[5/5 batches] 5 pages" in result.stderr


def test_an_existing_dask_cluster_without_a_prefect_server_is_refused_with_a_message(tmp_path):
    (tmp_path / "config.yaml").write_text("run:\n  runner: dask\n  dask_address: tcp://127.0.0.1:9\n")
    result = winnow("clean", SEEDS_RAW, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "run.dask_address" in result.stderr and "PREFECT_API_URL" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out" / "articles").exists()


def test_an_existing_dask_cluster_whose_scheduler_does_not_answer_is_refused_at_once(tmp_path):
    """The flow run waited 30 s for the scheduler, then crashed with a traceback and exit 1."""
    from flows.prefect_server import free_port

    port = free_port()  # nothing listens there
    (tmp_path / "config.yaml").write_text(f"run:\n  runner: dask\n  dask_address: tcp://127.0.0.1:{port}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / ".prefect-home"), PREFECT_API_URL=f"http://127.0.0.1:{free_port()}/api")
    result = subprocess.run([str(WINNOW), "clean", SEEDS_RAW, "--out", tmp_path / "out"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert f"run.dask_address tcp://127.0.0.1:{port}: no Dask scheduler answers there (Connection refused)" in message
    assert "Traceback" not in result.stderr


def test_library_warnings_are_printed_with_their_page(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "deep.html").write_text("<html><body>" + "<div>" * 3000 + "<p>" + "A deep article sentence. " * 30
                                   + "</p></body></html>")
    result = winnow("clean", raw, "--out", tmp_path / "out", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "deep.html: warning from cleaners.html: markup nested deeper than libxml2's 2,048 levels" in result.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 300 KB file system (tmpfs; needs root, as on CI), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_full_disk_is_named_with_what_to_do(tmp_path, small_disk):
    """The run said "error: [Errno 28] No space left on device" (no file, no folder), or "unexpected
    failure: OperationalError: database or disk is full" when SQLite met it first."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for n in range(400):  # about 1 MB of staged records
        (raw / f"p{n:03d}.txt").write_text(f"Page {n}\n\n" + f"Paragraph {n} of a long page about the harbour. " * 60)
    result = winnow("clean", raw, "--out", small_disk / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{small_disk / 'out'}: the disk is full" in result.stderr and "Traceback" not in result.stderr
    assert "free some space or write the feed elsewhere (--out)" in result.stderr


def test_sqlites_full_disk_error_is_a_full_disk_too():
    import errno
    import sqlite3

    from flows.cli import _disk_full

    assert _disk_full(sqlite3.OperationalError("database or disk is full"))
    assert _disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert not _disk_full(sqlite3.OperationalError("no such table: inputs"))
    assert not _disk_full(OSError(errno.EACCES, "Permission denied"))
