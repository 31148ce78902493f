"""A time cap on cleaning one page, in whatever thread the page is cleaned.

In a process's main thread (the process pool's workers) a timer signal interrupts the page. Signals
reach only the main thread, so elsewhere (a Dask worker's task thread, Prefect's thread pool) a
watchdog thread raises the same exception in the page's thread instead. Either way the exception
arrives between two Python bytecodes: a loop inside a C library finishes before it is seen. One
that arrives in a finalizer (a `__del__` the garbage collector runs) is swallowed by Python, which
prints "Exception ignored in ..." and goes on: it is then delivered again a moment later, silently.
"""
from __future__ import annotations

import ctypes
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class PageTimeout(BaseException):
    """Not an Exception: the libraries' own `except Exception` must not swallow it."""


REDELIVER_SECONDS = 0.005  # after a finalizer swallowed the exception


@contextmanager
def page_deadline(seconds: float) -> Iterator[None]:
    """Raise PageTimeout in this thread if the block runs longer than `seconds` (0: no cap)."""
    if seconds <= 0:
        yield
        return
    _hook_unraisable()
    if threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            yield
    else:
        with _WATCHDOG.armed(seconds):
            yield


_ALARM_SET = False  # the main thread is inside _alarm: its timer may be set again


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    global _ALARM_SET

    def expire(signum, frame):
        raise PageTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _ALARM_SET = True
    try:
        yield
    finally:
        _ALARM_SET = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _hook_unraisable() -> None:
    """A PageTimeout a finalizer swallowed is not printed but delivered again. The hook wraps
    whatever hook is in place (set again if something replaced it since: a test harness does)."""
    if getattr(sys.unraisablehook, "delivers_page_timeouts", False):
        return
    previous = sys.unraisablehook

    def hook(info) -> None:
        if not isinstance(info.exc_value, PageTimeout):
            previous(info)
        elif threading.current_thread() is threading.main_thread():
            if _ALARM_SET:
                signal.setitimer(signal.ITIMER_REAL, REDELIVER_SECONDS)
        else:
            _WATCHDOG.fire_again(threading.get_ident())

    hook.delivers_page_timeouts = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else None)


class _Watchdog:
    """One daemon thread per process that fires the deadlines of pages cleaned off the main thread."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._deadlines: dict[int, float] = {}  # thread id -> monotonic expiry
        self._fired: set[int] = set()
        self._thread: threading.Thread | None = None

    @contextmanager
    def armed(self, seconds: float) -> Iterator[None]:
        me = threading.get_ident()
        with self._lock:
            self._deadlines[me] = time.monotonic() + seconds
            self._start()
            self._lock.notify()
        try:
            yield
        finally:
            with self._lock:
                self._deadlines.pop(me, None)
                fired = me in self._fired
                self._fired.discard(me)
            if fired:  # it fired as the page finished: take back the exception not yet raised
                _raise_in(me, None)

    def fire_again(self, thread_id: int) -> None:
        """Deliver the exception again to a thread it fired in, unless it left its page since."""
        with self._lock:
            if thread_id in self._fired:
                self._deadlines[thread_id] = time.monotonic() + REDELIVER_SECONDS
                self._lock.notify()

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._watch, name="winnow-page-deadline", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for thread_id, expiry in list(self._deadlines.items()):
                    if expiry <= now:
                        del self._deadlines[thread_id]
                        self._fired.add(thread_id)
                        _raise_in(thread_id, PageTimeout)
                wait = min(self._deadlines.values(), default=now + 60) - now
                self._lock.wait(timeout=max(wait, 0.001))


_WATCHDOG = _Watchdog()
