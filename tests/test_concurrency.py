"""Issue 6, item 5: two `winnow clean` processes started at once on the same folders. One runs,
the other exits 1 at once with a message naming the running process (the flock on clean/.lock);
the feed is the one a single run writes, byte for byte (run ids aside), and passes the accounting."""
import os
import subprocess
import sys
from pathlib import Path

from flows.config import Settings
from flows.run import clean_pass
from tests.accounting import check_feed
from tests.test_crash_safety import feed_parts, make_raw

WINNOW = str(Path(sys.executable).parent / "winnow")


def test_two_runs_started_at_once_give_the_feed_of_one(tmp_path):
    raw = make_raw(tmp_path, 300, seed=3)
    golden = tmp_path / "golden"
    clean_pass(Settings.model_validate({"run": {"workers": 2}}), raw, golden)
    out = tmp_path / "clean"
    command = [WINNOW, "clean", str(raw), "--out", str(out), "--workers", "2", "--quiet"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    [message] = [err for code, err in results if code == 1]
    assert "another winnow run (pid" in message and "is writing this feed; wait for it to finish" in message
    assert "Traceback" not in message
    assert feed_parts(out) == feed_parts(golden)
    check_feed(out, raw)
    # the lock is free again: a third run finds nothing new
    third = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert third.returncode == 0, third.stderr
    assert feed_parts(out) == feed_parts(golden)


def test_the_lock_holds_for_the_flow_and_direct_runs_in_one_process_too(tmp_path):
    # clean_pass takes the lock itself (a flow run served by `winnow serve` has no CLI around it),
    # re-entrant for the CLI that already holds it
    import pytest

    from flows.locking import RunLock, RunLocked

    raw = make_raw(tmp_path, 10)
    out = tmp_path / "clean"
    with RunLock(out):
        assert clean_pass(Settings(), raw, out)["records_in"] == 10  # same process: re-entrant
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from flows.locking import RunLock\n"
                               f"with RunLock(Path({str(out)!r})):\n    print('held', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match=f"pid {holder.pid}"):
            clean_pass(Settings(), raw, out)
    finally:
        holder.kill()
        holder.wait()
