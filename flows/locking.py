"""One run at a time per feed folder: a second run started meanwhile exits with a clear message.

The lock is an flock on clean/.lock, so it is released by the kernel when its holder dies (a kill -9
leaves no stale lock). It is re-entrant within a process: `winnow clean` takes it before starting
a flow run, and the cleaning pass (flows.run.clean_pass, whoever calls it) takes it again."""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path


class RunLocked(Exception):
    pass


_HELD: dict[str, list] = {}  # resolved lock path -> [fd, depth], for this process
_GUARD = threading.Lock()


class RunLock:
    def __init__(self, clean_dir: Path):
        self.path = clean_dir / ".lock"
        self._key: str | None = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = str(self.path.resolve())
        with _GUARD:
            if key in _HELD:
                _HELD[key][1] += 1
                self._key = key
                return self
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise RunLocked(f"{self.path.parent}: another winnow run (pid {holder}) is writing this feed; "
                                "wait for it to finish") from None
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            _HELD[key] = [fd, 1]
            self._key = key
        return self

    def __exit__(self, *exc: object) -> None:
        if self._key is None:
            return
        with _GUARD:
            held = _HELD[self._key]
            held[1] -= 1
            if held[1] == 0:
                del _HELD[self._key]
                os.ftruncate(held[0], 0)
                fcntl.flock(held[0], fcntl.LOCK_UN)
                os.close(held[0])
        self._key = None
