"""The per-page time cap (flows/deadline.py), in the main thread and in worker threads."""
import threading
import time

import pytest

from flows.deadline import PageTimeout, page_deadline


def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def run_in_thread(target):
    result = {}

    def body():
        try:
            result["value"] = target()
        except BaseException as exc:  # noqa: BLE001 - the test reports what escaped
            result["raised"] = type(exc)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the deadline did not end the page"
    return result


def capped(seconds, work):
    def target():
        started = time.monotonic()
        with page_deadline(seconds):
            work()
        return time.monotonic() - started
    return target


def test_main_thread_page_over_the_cap_is_interrupted():
    started = time.monotonic()
    with pytest.raises(PageTimeout):
        with page_deadline(0.2):
            spin(5)
    assert time.monotonic() - started < 2


def test_worker_thread_page_over_the_cap_is_interrupted():
    # Dask workers and Prefect's thread pool clean pages off the main thread, where no signal arrives
    assert run_in_thread(capped(0.2, lambda: spin(5))) == {"raised": PageTimeout}


def test_pages_within_the_cap_in_many_threads_finish_and_nothing_fires_later():
    results = [run_in_thread(capped(1.0, lambda: spin(0.05))) for _ in range(3)]
    assert all("value" in r for r in results)

    def after_a_short_page():
        with page_deadline(0.05):
            pass
        spin(0.3)  # well past the expired cap: no stray exception may land here
        return "done"
    assert run_in_thread(after_a_short_page) == {"value": "done"}


def test_parallel_threads_each_get_their_own_deadline():
    slow, fast = {}, {}
    threads = [threading.Thread(target=lambda: slow.update(run_in_thread(capped(0.2, lambda: spin(5)))))
               , threading.Thread(target=lambda: fast.update(run_in_thread(capped(3, lambda: spin(0.4)))))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert slow == {"raised": PageTimeout} and "value" in fast


class _SlowFinalizer:
    """An object whose finalizer runs for a while: the cap fires inside it, where Python swallows
    any exception ("Exception ignored in ...", printed on stderr) and goes on."""

    def __del__(self):
        spin(0.3)


def _page_with_a_slow_finalizer():
    obj = _SlowFinalizer()
    del obj  # the cap (0.1 s) fires during its 0.3 s finalizer
    for _ in range(300):  # 3 s more of work: the cap must still end the page
        time.sleep(0.01)


def test_a_cap_that_fires_inside_a_finalizer_still_ends_the_page_silently(capsys):
    """Seen on a real run: "Exception ignored in: <function Group.__del__> ... PageTimeout" on the
    console, and the page went on past its cap (in the pool, until its process was killed)."""
    started = time.monotonic()
    with pytest.raises(PageTimeout):
        with page_deadline(0.1):
            _page_with_a_slow_finalizer()
    assert time.monotonic() - started < 1.5
    result = run_in_thread(capped(0.1, _page_with_a_slow_finalizer))
    assert result.get("raised") is PageTimeout
    assert "Exception ignored" not in capsys.readouterr().err
